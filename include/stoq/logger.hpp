#pragma once

#include <memory>
#include <string_view>

namespace spdlog {
class logger;
}

// Exported from libstoq.so (built with hidden visibility): everything declared here.
#pragma GCC visibility push(default)
namespace stoq {

/// A named logger ("stoq.<category>.<name>"). Logs go to stderr and the log file,
/// never to stdout (stdout belongs to results). Thread-safe.
class Logger {
 public:
  Logger();
  explicit Logger(std::shared_ptr<spdlog::logger> impl);
  void debug(std::string_view message) const;
  void info(std::string_view message) const;
  void warn(std::string_view message) const;
  void error(std::string_view message) const;

 private:
  std::shared_ptr<spdlog::logger> impl_;
};

}  // namespace stoq
#pragma GCC visibility pop

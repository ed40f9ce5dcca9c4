#pragma once

#include <stdexcept>
#include <string>

// Exported from libstoq.so (built with hidden visibility): everything declared here.
#pragma GCC visibility push(default)
namespace stoq {

/// Thrown for problems a user can fix: a bad config, a missing plugin, a bad option.
/// The message is one line, complete on its own (it names the file and the reason).
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace stoq
#pragma GCC visibility pop

#include "logging/logging.hpp"

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/rotating_file_sink.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <filesystem>

#include "stoq/error.hpp"
#include "stoq/json.hpp"

namespace stoq::logging {
namespace {

std::optional<spdlog::level::level_enum> to_level(std::string level) {
  std::transform(level.begin(), level.end(), level.begin(), [](unsigned char c) { return std::tolower(c); });
  if (level == "debug") return spdlog::level::debug;
  if (level == "info") return spdlog::level::info;
  if (level == "warning" || level == "warn") return spdlog::level::warn;
  if (level == "error") return spdlog::level::err;
  if (level == "critical") return spdlog::level::critical;
  return std::nullopt;
}

// log_syntax=json: one JSON object per line, with the message properly escaped.
class JsonMessageFlag final : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg& msg, const std::tm& /*tm*/, spdlog::memory_buf_t& dest) override {
    std::string text = dump_json(Json(std::string(msg.payload.data(), msg.payload.size())), -1);
    dest.append(text.data(), text.data() + text.size());
  }
  [[nodiscard]] std::unique_ptr<custom_flag_formatter> clone() const override {
    return std::make_unique<JsonMessageFlag>();
  }
};

std::vector<spdlog::sink_ptr>& sinks() {
  static std::vector<spdlog::sink_ptr> configured;
  return configured;
}

}  // namespace

bool valid_level(const std::string& level) { return to_level(level).has_value(); }

void set_level(const std::string& level) {
  if (auto parsed = to_level(level)) spdlog::default_logger()->set_level(*parsed);
}

void setup(const CoreConfig& config, const std::string& level_override, bool file_logging) {
  auto& all = sinks();
  all.clear();
  all.push_back(std::make_shared<spdlog::sinks::stderr_sink_mt>());
  if (file_logging) {
    // A log that silently goes nowhere is found out only when it is needed: refuse the run.
    auto unwritable = [&](const std::string& reason) {
      return Error(config.source + ": log_dir " + config.log_dir + " cannot hold stoq.log (" + reason +
                   "): make it writable or set log_dir to a folder that is");
    };
    std::error_code error;
    std::filesystem::create_directories(config.log_dir, error);
    if (error) throw unwritable(error.message());
    try {
      all.push_back(std::make_shared<spdlog::sinks::rotating_file_sink_mt>(
          config.log_dir + "/stoq.log", static_cast<std::size_t>(std::max<std::int64_t>(config.log_maxbytes, 1024)),
          static_cast<std::size_t>(config.log_backup_count)));
    } catch (const spdlog::spdlog_ex& e) {
      throw unwritable(e.what());
    }
  }
  auto level = to_level(level_override.empty() ? config.log_level : level_override).value_or(spdlog::level::info);
  for (auto& sink : all) {
    if (config.log_syntax == "json") {
      auto formatter = std::make_unique<spdlog::pattern_formatter>();
      formatter->add_flag<JsonMessageFlag>('*').set_pattern(
          R"({"time": "%Y-%m-%dT%H:%M:%S.%f", "name": "%n", "level": "%l", "message": %*})");
      sink->set_formatter(std::move(formatter));
    } else {
      sink->set_pattern("%Y-%m-%d %H:%M:%S,%e [%n] %l: %v");
    }
  }
  auto root = std::make_shared<spdlog::logger>("stoq", all.begin(), all.end());
  root->set_level(level);
  root->flush_on(spdlog::level::warn);
  spdlog::set_default_logger(root);
}

Logger make_logger(const std::string& name) {
  auto& all = sinks();
  if (all.empty()) return Logger();
  auto logger = std::make_shared<spdlog::logger>(name, all.begin(), all.end());
  logger->set_level(spdlog::default_logger()->level());
  logger->flush_on(spdlog::level::warn);
  return Logger(std::move(logger));
}

}  // namespace stoq::logging

#include "stoq/logger.hpp"

#include <spdlog/spdlog.h>

namespace stoq {

Logger::Logger() : impl_(spdlog::default_logger()) {}
Logger::Logger(std::shared_ptr<spdlog::logger> impl) : impl_(std::move(impl)) {}

void Logger::debug(std::string_view message) const { impl_->debug(message); }
void Logger::info(std::string_view message) const { impl_->info(message); }
void Logger::warn(std::string_view message) const { impl_->warn(message); }
void Logger::error(std::string_view message) const { impl_->error(message); }

}  // namespace stoq

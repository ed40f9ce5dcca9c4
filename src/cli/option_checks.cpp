#include "cli/option_checks.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <optional>
#include <sstream>
#include <thread>

#include "config/values.hpp"

namespace stoq::cli {
namespace {

// "0.1", "86400", "1e3": a finite number and nothing after it.
std::optional<double> parse_finite(const std::string& text) {
  if (text.empty() || std::isspace(static_cast<unsigned char>(text.front())) != 0) return std::nullopt;
  char* end = nullptr;
  double value = std::strtod(text.c_str(), &end);
  if (end != text.c_str() + text.size() || !std::isfinite(value)) return std::nullopt;
  return value;
}

// Without trailing zeros: 0.1, 31536000.
std::string plain_number(double value) {
  std::ostringstream text;
  text.precision(15);
  text << value;
  return text.str();
}

}  // namespace

unsigned max_worker_threads() { return std::max(256U, 4 * std::thread::hardware_concurrency()); }

CLI::Validator whole_number_between(long long minimum, long long maximum) {
  std::string range = std::to_string(minimum) + " to " + std::to_string(maximum);
  return {[=](std::string& input) -> std::string {
            std::optional<long long> value = config::parse_int(input);
            if (value && *value >= minimum && *value <= maximum) return {};
            return "must be a whole number from " + range + ", got '" + input + "'";
          },
          range};
}

CLI::Validator seconds_between(double minimum, double maximum) {
  std::string range = plain_number(minimum) + " to " + plain_number(maximum);
  return {[=](std::string& input) -> std::string {
            std::optional<double> value = parse_finite(input);
            if (value && *value >= minimum && *value <= maximum) return {};
            return "must be a number of seconds from " + range + ", got '" + input + "'";
          },
          range + " s"};
}

CLI::Validator not_empty() {
  return {[](std::string& input) -> std::string { return input.empty() ? "must not be empty" : std::string(); }, ""};
}

}  // namespace stoq::cli

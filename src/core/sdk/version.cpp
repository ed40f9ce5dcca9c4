#include "stoq/version.hpp"

#include <utility>

namespace stoq {
namespace {

// Next dot-separated component of `text`, consumed from the front.
std::string_view next_component(std::string_view& text) {
  auto dot = text.find('.');
  std::string_view part = text.substr(0, dot);
  text = dot == std::string_view::npos ? std::string_view{} : text.substr(dot + 1);
  return part;
}

}  // namespace

int compare_versions(std::string_view a, std::string_view b) {
  // Numbers compare by value whatever their length: strip leading zeros, then a longer
  // run of digits is larger, and equal lengths compare as text.
  auto digits = [](std::string_view part) {
    std::size_t end = 0;
    while (end < part.size() && part[end] >= '0' && part[end] <= '9') ++end;
    std::string_view number = part.substr(0, end);
    while (number.size() > 1 && number[0] == '0') number.remove_prefix(1);
    return std::pair{number, part.substr(end)};
  };
  while (!a.empty() || !b.empty()) {
    auto [na, rest_a] = digits(next_component(a));
    auto [nb, rest_b] = digits(next_component(b));
    if (na.empty()) na = "0";
    if (nb.empty()) nb = "0";
    if (na.size() != nb.size()) return na.size() < nb.size() ? -1 : 1;
    if (na != nb) return na < nb ? -1 : 1;
    // Equal numbers: compare what follows (e.g. "1rc1" vs "1") as text.
    if (rest_a != rest_b) return rest_a < rest_b ? -1 : 1;
  }
  return 0;
}

}  // namespace stoq

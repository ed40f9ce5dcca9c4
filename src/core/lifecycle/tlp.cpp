#include "lifecycle/tlp.hpp"

#include <algorithm>
#include <array>
#include <cctype>

namespace stoq::lifecycle {

std::optional<int> tlp_rank(std::string_view tlp) {
  static constexpr std::array<std::string_view, 4> kLevels{"red", "amber", "green", "white"};
  for (std::size_t rank = 0; rank < kLevels.size(); ++rank) {
    std::string_view level = kLevels[rank];
    if (level.size() == tlp.size() && std::equal(level.begin(), level.end(), tlp.begin(), [](char a, char b) {
          return a == std::tolower(static_cast<unsigned char>(b));
        })) {
      return static_cast<int>(rank);
    }
  }
  return std::nullopt;
}

bool tlp_allows(std::string_view max_tlp, std::string_view payload_tlp) {
  if (max_tlp.empty()) return true;
  int limit = tlp_rank(max_tlp).value_or(0);
  int payload = tlp_rank(payload_tlp).value_or(3);
  return payload >= limit;
}

}  // namespace stoq::lifecycle

#include "stoq/version.hpp"

#include <charconv>
#include <cstdint>

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
  while (!a.empty() || !b.empty()) {
    std::string_view pa = next_component(a);
    std::string_view pb = next_component(b);
    std::uint64_t na = 0;
    std::uint64_t nb = 0;
    auto ra = std::from_chars(pa.data(), pa.data() + pa.size(), na);
    auto rb = std::from_chars(pb.data(), pb.data() + pb.size(), nb);
    if (na != nb) return na < nb ? -1 : 1;
    // Equal numeric prefixes: compare what follows (e.g. "1rc1" vs "1") as text.
    std::string_view sa = pa.substr(static_cast<std::size_t>(ra.ptr - pa.data()));
    std::string_view sb = pb.substr(static_cast<std::size_t>(rb.ptr - pb.data()));
    if (sa != sb) return sa < sb ? -1 : 1;
  }
  return 0;
}

}  // namespace stoq

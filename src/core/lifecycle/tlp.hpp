// Traffic Light Protocol gate: a worker with max_tlp only scans payloads whose TLP
// is at least as shareable (red < amber < green < white).
#pragma once

#include <optional>
#include <string_view>

namespace stoq::lifecycle {

/// red=0, amber=1, green=2, white=3 (any case); nullopt when unknown.
std::optional<int> tlp_rank(std::string_view tlp);

/// Whether a worker with `max_tlp` (empty: no limit) may scan a payload tagged
/// `payload_tlp`. As the original: an unknown payload TLP counts as white, an unknown
/// max_tlp as red.
bool tlp_allows(std::string_view max_tlp, std::string_view payload_tlp);

}  // namespace stoq::lifecycle

// worker:peinfo's parser entry point: everything it reads from one PE file, as the
// worker's results. Shared by the plugin and the fuzz target.
#pragma once

#include "pe_image.hpp"

namespace stoq::plugins::worker::peinfo {

struct Analysis {
  bool is_pe = false;  // false: not a PE at all (results then hold only "errors")
  Json results = Json::object();
};

/// Parses `data` within `limits`. Never throws for malformed input: what could not be
/// read is listed in results["errors"] and the rest is reported.
Analysis analyze_pe(ByteView data, const Limits& limits);

}  // namespace stoq::plugins::worker::peinfo

// The one JSON type of stoq: insertion-ordered, so results keep the key order of
// the original stoQ documents.
#pragma once

#include <nlohmann/json.hpp>

// Exported from libstoq.so (built with hidden visibility): everything declared here.
#pragma GCC visibility push(default)
namespace stoq {

using Json = nlohmann::ordered_json;

/// Serializes like Python's json.dumps(obj, indent=indent, ensure_ascii=True);
/// indent < 0 gives compact one-line JSON. Invalid UTF-8 from payload-derived
/// strings is replaced (U+FFFD), never thrown.
std::string dump_json(const Json& value, int indent = 4);

}  // namespace stoq
#pragma GCC visibility pop

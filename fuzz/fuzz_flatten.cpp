// fuzz_flatten: --flatten and --split on arbitrary JSON documents (a worker's or a
// decorator's results can hold any JSON a payload led to). The input is parsed with
// exceptions off; anything that does not parse is skipped. Contract: flatten and split
// accept any document the pipeline can build and never throw; their output serialises with dump_json.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "lifecycle/results.hpp"
#include "stoq/json.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  // The first byte picks the delimiter (":" by default, as --delimiter).
  static const char* const kDelimiters[] = {":", ".", "__", "/"};
  std::string delimiter = kDelimiters[data[0] % 4];
  stoq::Json document = stoq::Json::parse(data + 1, data + size, nullptr, /*allow_exceptions=*/false);
  if (document.is_discarded()) return 0;
  // The pipeline drops results nested deeper than kMaxResultDepth before any document is
  // built (pipeline.cpp), so deeper input is outside flatten's contract: nlohmann copies
  // such a value recursively, and under ASan 30,000 levels overflow the stack.
  if (stoq::lifecycle::nested_deeper_than(document, stoq::lifecycle::kMaxResultDepth + 8)) return 0;

  stoq::Json flat = stoq::lifecycle::flatten(document, delimiter);
  if (document.is_object() && !flat.is_object()) std::abort();
  (void)stoq::dump_json(flat, -1);
  for (const stoq::Json& one : stoq::lifecycle::split(document)) {
    stoq::Json flat_one = stoq::lifecycle::flatten(one, delimiter);
    (void)stoq::dump_json(flat_one, 4);
  }
  return 0;
}

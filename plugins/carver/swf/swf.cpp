// carver:swf: SWF files in a payload, uncompressed. At every occurrence of a `headers`
// pattern (original: CWS|ZWS|FWS) the SWF header is read and the file written out as
// FWS: plain ones cut to their FileLength, CWS inflated (zlib), ZWS decoded (LZMA),
// each bounded by FileLength and the call's limits. Streams that do not produce
// FileLength bytes are skipped, as the original did. Children: meta offset,
// swf_version, compression (none, zlib, lzma), size.
#include "child_output.hpp"
#include "patterns.hpp"
#include "stoq/plugin.hpp"
#include "swf_extract.hpp"

namespace stoq::plugins::carver::swf {

class SwfCarver final : public Carver {
 public:
  bool activate(Stoq& /*stoq*/) override {
    patterns_ = carve::parse_byte_patterns(options().get_string("headers"), "headers");
    return true;
  }

  ExtractedList carve(const Payload& payload, const Json& /*kwargs*/) override {
    ByteView data = payload.bytes();
    carve::CallBudget budget(stoq().extraction_limits());
    ExtractedList children;
    std::string stop;
    carve::PatternScanner scanner(patterns_, data);
    std::size_t checked = 0;
    while (auto match = scanner.next()) {
      if ((++checked & 0xFF) == 0 && budget.limits().expired()) {
        stop = "deadline";
        break;
      }
      stop = budget.stop_reason(children.size());
      if (!stop.empty()) break;
      carve::ChildSink sink(stoq(), budget.remaining_bytes());
      SwfLimits limits{budget.remaining_bytes(), budget.limits().max_ratio};
      auto info = extract_swf(data.tail(match->offset), sink, limits);
      if (!info) continue;
      if (match->offset == 0 && info->compression == 'F' && info->file_length == data.size()) continue;  // itself
      static constexpr const char* kNames[] = {"none", "zlib", "lzma"};
      Json meta = {{"offset", match->offset},
                   {"swf_version", info->version},
                   {"compression", kNames[info->compression == 'F'   ? 0
                                          : info->compression == 'C' ? 1
                                                                     : 2]}};
      if (info->truncated) meta["truncated"] = true;
      budget.spend(sink.size());
      children.push_back(sink.finish(std::move(meta)));
    }
    carve::note_stop(children, stop, "swf");
    return children;
  }

 private:
  std::vector<Bytes> patterns_;
};

constexpr stoq_option_spec kOptions[] = {
    {"headers", STOQ_OPTION_STRING, "CWS|ZWS|FWS",
     "Where to look for SWF files: literal bytes with \\xNN escapes, alternatives separated by |.", 0},
};

}  // namespace stoq::plugins::carver::swf

STOQ_PLUGIN(stoq::plugins::carver::swf::SwfCarver, "swf", "0.11", "Carve and decompress SWF payloads",
            stoq::plugins::carver::swf::kOptions)

// carver:rtf: hex-encoded binary streams in RTF (\objdata and the like), as the
// original: every match of `headers` longer than `minimum_size` characters is decoded
// from hex (whitespace and line breaks inside are skipped; the original only dropped
// \r and \n and lost runs holding spaces). The payload must start with "{\".
//
// Children, per stream: the decoded bytes (meta offset, size, text_size); then, when
// they are an embedded OLE1 object: for class "Package" the packaged file itself (meta
// filename, src_path, tmp_path), for any other class its native data (an OLE2 file for
// Word/Excel objects, the equation for Equation.3, ...). meta ole_class names it.
#include "child_output.hpp"
#include "codecs.hpp"
#include "hex_runs.hpp"
#include "ole1.hpp"
#include "packager.hpp"
#include "stoq/plugin.hpp"

namespace stoq::plugins::carver::rtf {
namespace {

// Hex digits of `text` (whitespace skipped) into `sink`; false when a character is
// neither or the digits do not pair up (the stream is skipped, as unhexlify failed).
bool decode_hex_text(ByteView text, carve::ByteSink& sink) {
  carve::OutputBuffer out(sink);
  int high = -1;
  for (std::uint8_t c : text.span()) {
    int value = carve::hex_value(c);
    if (value < 0) {
      if (carve::is_space(c)) continue;
      return false;
    }
    if (high < 0) {
      high = value;
    } else {
      out.put(static_cast<std::uint8_t>(high * 16 + value));
      high = -1;
      if (out.full()) break;
    }
  }
  out.flush();
  return high < 0 || out.full();
}

}  // namespace

class RtfCarver final : public Carver {
 public:
  bool activate(Stoq& /*stoq*/) override {
    mode_ = parse_headers(options().get_string("headers"));
    std::int64_t minimum = options().get_int("minimum_size");
    if (minimum < 0) throw Error("minimum_size must not be negative");
    minimum_size_ = static_cast<std::size_t>(minimum);
    return true;
  }

  ExtractedList carve(const Payload& payload, const Json& /*kwargs*/) override {
    ByteView data = payload.bytes();
    if (!data.starts_with("{\\")) throw Error("not RTF: the payload does not start with '{\\'");
    carve::CallBudget budget(stoq().extraction_limits());
    ExtractedList children;
    std::string stop;
    HexRunScanner runs(data, mode_.min_pairs);
    ObjdataScanner objdata(data);
    while (true) {
      std::optional<Span> span = mode_.objdata ? objdata.next() : runs.next();
      if (!span) break;
      std::size_t text_size = span->second - span->first;
      if (text_size <= minimum_size_) continue;
      stop = budget.stop_reason(children.size());
      if (!stop.empty()) break;
      carve::ChildSink sink(stoq(), budget.remaining_bytes());
      if (!decode_hex_text(*data.subview(span->first, text_size), sink) || sink.size() == 0) continue;
      budget.spend(sink.size());
      children.push_back(sink.finish(Json{{"offset", span->first}, {"text_size", text_size}}));
      add_embedded(children, budget, span->first);
    }
    carve::note_stop(children, stop, "rtf");
    return children;
  }

 private:
  // The OLE1 object's content, when the stream just carved is one.
  void add_embedded(ExtractedList& children, carve::CallBudget& budget, std::size_t offset) {
    const Payload& stream = children.back().payload;
    auto object = parse_ole1(stream.bytes());
    if (!object || object->native.empty()) return;
    Json meta = {{"offset", offset}, {"ole_class", object->class_name}};
    ByteView content = object->native;
    if (object->class_name == "Package") {
      if (auto file = carve::parse_packager(object->native, false); file && file->type == 3) {
        content = file->data;
        meta["filename"] = file->filename();
        meta["src_path"] = file->src_path;
        meta["tmp_path"] = file->tmp_path;
        if (file->truncated) meta["truncated"] = true;
      }
    }
    if (object->truncated) meta["truncated"] = true;
    if (!budget.stop_reason(children.size()).empty()) return;
    carve::ChildSink sink(stoq(), budget.remaining_bytes());
    sink.write(content);
    budget.spend(sink.size());
    children.push_back(sink.finish(std::move(meta)));
  }

  HeadersMode mode_;
  std::size_t minimum_size_ = 64;
};

constexpr stoq_option_spec kOptions[] = {
    {"headers", STOQ_OPTION_STRING, R"((?:(?:[0-9A-Fa-f]{2})+\s*)*(?:[0-9A-Fa-f]{2}){4,})",
     R"(The original's pattern: the oletools hex-run regex (any {N,}) or (?<=\\objdata\s)(.*?)(?=}).)", 0},
    {"minimum_size", STOQ_OPTION_INT, "64", "Streams of at most this many characters of hex text are skipped.", 0},
};

}  // namespace stoq::plugins::carver::rtf

STOQ_PLUGIN(stoq::plugins::carver::rtf::RtfCarver, "rtf", "0.11", "Carve hex/binary streams from RTF payloads",
            stoq::plugins::carver::rtf::kOptions)

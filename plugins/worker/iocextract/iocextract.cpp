// worker:iocextract: the indicators of compromise of a payload, as the reader
// iocregex extracts them ({"ipv4": [...], "domain": [...], ...}), or no result when
// there are none. The readers come from the framework (stoq().reader()), as the
// original's load_reader('iocregex') did: one instance per worker thread, with the
// options of their own .stoq files and of their sections of stoq.cfg.
//
// What iocregex reads, as the original turned documents into text first:
//   * a PDF ("%PDF-" in its first 1024 bytes), with pdf_text: its text from reader:pdftext,
//     then its raw bytes (link annotations and other uncompressed strings); a PDF poppler
//     cannot open is read as raw bytes only, with a warning in the log;
//   * anything else, with decode_text: reader:text detects the encoding; UTF-16/32 text is
//     read converted to UTF-8, then as raw bytes (a binary taken for UTF-16 loses nothing);
//     an encoding that keeps ASCII as it is (ascii, utf-8, latin-1, cp1252) is read as the
//     raw bytes, which hold the same indicators.
// With stix, the results also hold "stix": reader:stix's STIX 2.1 bundle of the indicators
// and the payload's hashes.
#include <string>

#include "stoq/plugin.hpp"

namespace stoq::plugins::worker::iocextract {

namespace {

bool looks_like_pdf(ByteView bytes) { return bytes.head(1024).as_string_view().find("%PDF-") != std::string::npos; }

// `text`, a newline, then the payload's bytes: one input, so iocregex deduplicates and
// caps across both.
Payload text_then_bytes(const std::string& text, const Payload& payload) {
  Bytes bytes;
  bytes.reserve(text.size() + 1 + payload.size());
  bytes.insert(bytes.end(), text.begin(), text.end());
  bytes.push_back('\n');
  ByteView raw = payload.bytes();
  bytes.insert(bytes.end(), raw.data(),
               raw.data() + raw.size());  // NOLINT(cppcoreguidelines-pro-bounds-pointer-arithmetic)
  return Payload(std::move(bytes));
}

}  // namespace

class IocExtractWorker final : public Worker {
 public:
  bool activate(Stoq& stoq) override {
    // Loaded now, so a reader that cannot work (a missing TLD file) stops the run at
    // startup instead of failing every payload.
    reader_ = &stoq.reader("iocregex");
    if (options().get_bool("pdf_text")) pdftext_ = &stoq.reader("pdftext");
    if (options().get_bool("decode_text")) text_ = &stoq.reader("text");
    if (options().get_bool("stix")) stix_ = &stoq.reader("stix");
    return true;
  }

  Json scan(const Payload& payload, const Json& kwargs) override {
    if (payload.is_none()) throw Error("iocextract needs a payload: give a file or directory with -F");
    Json read_kwargs = Json::object();
    if (kwargs.is_object() && kwargs.contains("filename")) read_kwargs["filename"] = kwargs["filename"];
    std::optional<Payload> text = readable_text(payload, read_kwargs);
    Json indicators = reader_->read(text ? *text : payload, read_kwargs);
    if (!indicators.is_object() || indicators.empty()) return nullptr;
    if (stix_ != nullptr) {
      Json stix_kwargs = read_kwargs;
      stix_kwargs["indicators"] = indicators;
      indicators["stix"] = stix_->read(payload, stix_kwargs);
    }
    return indicators;
  }

 private:
  // What iocregex should read instead of the payload's bytes (see the top of the file),
  // or nullopt for the bytes themselves.
  std::optional<Payload> readable_text(const Payload& payload, const Json& read_kwargs) const {
    if (pdftext_ != nullptr && looks_like_pdf(payload.bytes())) {
      try {
        Json pdf = pdftext_->read(payload, read_kwargs);
        return text_then_bytes(pdf["text"].get<std::string>(), payload);
      } catch (const Error& error) {
        log().warn(std::string("pdftext: ") + error.what() + "; reading the raw bytes");
        return std::nullopt;
      }
    }
    if (text_ == nullptr) return std::nullopt;
    Json decoded = text_->read(payload, {{"omit_ascii_compatible", true}});
    if (!decoded["text"].is_string()) return std::nullopt;
    return text_then_bytes(decoded["text"].get<std::string>(), payload);
  }

  Reader* reader_ = nullptr;
  Reader* pdftext_ = nullptr;
  Reader* text_ = nullptr;
  Reader* stix_ = nullptr;
};

constexpr stoq_option_spec kOptions[] = {
    {"pdf_text", STOQ_OPTION_BOOL, "True", "Read PDFs' text with reader:pdftext (then their raw bytes).", 0},
    {"decode_text", STOQ_OPTION_BOOL, "True",
     "Detect the encoding with reader:text and read UTF-16/32 text converted (then the raw bytes).", 0},
    {"stix", STOQ_OPTION_BOOL, "False", "Add reader:stix's STIX 2.1 bundle of the indicators as \"stix\".", 0},
};

}  // namespace stoq::plugins::worker::iocextract

STOQ_PLUGIN(stoq::plugins::worker::iocextract::IocExtractWorker, "iocextract", "0.11.1",
            "Extract indicators of compromise from payloads with reader:iocregex",
            stoq::plugins::worker::iocextract::kOptions)

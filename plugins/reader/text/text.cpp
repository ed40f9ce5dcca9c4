// reader:text: a payload's bytes as UTF-8 text, with the encoding detected (decode.hpp):
// byte order marks, BOM-less UTF-16, UTF-8, then cp1252 or Latin-1. read() returns
//   {"encoding": "utf-16-le", "bom": true, "text": "...", "truncated": false, "replacements": 0}
// "encoding" is Python's codec name; "replacements" counts the U+FFFD put in for bytes
// invalid in that encoding. kwargs "encoding" forces a codec: no detection, and a BOM
// stays in the text as U+FEFF, as with Python's codec of that name. kwargs
// "omit_ascii_compatible": true leaves "text" null when the encoding found keeps ASCII
// as it is (ascii, utf-8, latin-1, cp1252): a caller looking for ASCII tokens (iocextract)
// then reads the payload's bytes itself, without a converted copy.
#include <optional>

#include "decode.hpp"
#include "stoq/plugin.hpp"

namespace stoq::plugins::reader::text {

namespace {

constexpr Encoding kAllEncodings[] = {Encoding::Ascii,   Encoding::Utf8,    Encoding::Utf16le, Encoding::Utf16be,
                                      Encoding::Utf32le, Encoding::Utf32be, Encoding::Latin1,  Encoding::Cp1252};

std::optional<Encoding> parse_encoding(std::string_view name) {
  for (Encoding encoding : kAllEncodings) {
    if (encoding_name(encoding) == name) return encoding;
  }
  return std::nullopt;
}

std::string all_names() {
  std::string names;
  for (Encoding encoding : kAllEncodings) names += (names.empty() ? "" : ", ") + std::string(encoding_name(encoding));
  return names;
}

}  // namespace

class TextReader final : public Reader {
 public:
  bool activate(Stoq& /*stoq*/) override {
    std::int64_t max_bytes = options().get_int("max_bytes");
    if (max_bytes < 1) throw Error("max_bytes must be 1 or more, got " + std::to_string(max_bytes));
    options_.max_bytes = static_cast<std::size_t>(max_bytes);
    options_.detect_utf16 = options().get_bool("detect_utf16");
    std::string fallback = options().get_string("fallback");
    if (fallback == "auto") {
      options_.fallback = Fallback::Auto;
    } else if (fallback == "latin-1") {
      options_.fallback = Fallback::Latin1;
    } else if (fallback == "cp1252") {
      options_.fallback = Fallback::Cp1252;
    } else {
      throw Error("fallback must be auto, latin-1 or cp1252, got '" + fallback + "'");
    }
    return true;
  }

  Json read(const Payload& payload, const Json& kwargs) override {
    if (payload.is_none()) throw Error("text needs a payload to read");
    Decoded decoded;
    bool omit = kwargs.is_object() && kwargs.value("omit_ascii_compatible", false);
    if (kwargs.is_object() && kwargs.contains("encoding")) {
      decoded = forced(payload.bytes(), kwargs["encoding"]);
    } else {
      DecodeOptions options = options_;
      options.skip_ascii_compatible = omit;
      decoded = decode_text(payload.bytes(), options);
    }
    if (decoded.truncated) {
      log().debug("decoded the first " + std::to_string(options_.max_bytes) + " of " + std::to_string(payload.size()) +
                  " bytes (max_bytes)");
    }
    Json text = std::move(decoded.text);
    if (omit && ascii_compatible(decoded.encoding)) {
      text = nullptr;
    }
    return {{"encoding", encoding_name(decoded.encoding)},
            {"bom", decoded.bom},
            {"text", std::move(text)},
            {"truncated", decoded.truncated},
            {"replacements", decoded.replacements}};
  }

 private:
  Decoded forced(ByteView bytes, const Json& name) const {
    std::optional<Encoding> encoding = name.is_string() ? parse_encoding(name.get<std::string>()) : std::nullopt;
    if (!encoding) throw Error("encoding: expected one of " + all_names() + ", got " + name.dump());
    Decoded decoded;
    decoded.encoding = *encoding;
    if (bytes.size() > options_.max_bytes) {
      bytes = bytes.head(options_.max_bytes);
      decoded.truncated = true;
    }
    decoded.text = convert(bytes, *encoding, &decoded.replacements);
    return decoded;
  }

  DecodeOptions options_;
};

constexpr stoq_option_spec kOptions[] = {
    {"max_bytes", STOQ_OPTION_INT, "67108864", "Decode at most this many bytes of a payload (the rest is dropped).", 0},
    {"detect_utf16", STOQ_OPTION_BOOL, "True", "Recognize UTF-16LE/BE text without a byte order mark.", 0},
    {"fallback", STOQ_OPTION_STRING, "auto",
     "Encoding of bytes that are not UTF-8 or UTF-16/32: auto (cp1252 when it fits, else latin-1), latin-1, cp1252.",
     0},
};

}  // namespace stoq::plugins::reader::text

STOQ_PLUGIN(stoq::plugins::reader::text::TextReader, "text", "0.1", "Decode a payload's bytes to UTF-8 text",
            stoq::plugins::reader::text::kOptions)

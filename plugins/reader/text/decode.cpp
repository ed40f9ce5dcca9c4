// reader:text: the detection and conversions declared in decode.hpp.
#include "decode.hpp"

#include <array>
#include <cstdint>
#include <span>

#include "stoq/text.hpp"

namespace stoq::plugins::reader::text {

namespace {

constexpr std::uint32_t kReplacement = 0xFFFD;
constexpr std::size_t kUtf16Sample = 64U << 10;  // bytes looked at by the UTF-16 heuristic

// cp1252's 0x80-0x9F; 0 where the code page defines nothing (Python's codec: an error).
constexpr std::array<std::uint16_t, 32> kCp1252High = {0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
                                                       0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0,      0x017D, 0,
                                                       0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
                                                       0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178};

class Sink {
 public:
  explicit Sink(std::size_t reserve) { out_.reserve(reserve); }
  void put(std::uint32_t code_point) { append_utf8(out_, code_point); }
  void ascii(std::uint8_t byte) { out_.push_back(static_cast<char>(byte)); }
  void bad() {
    put(kReplacement);
    ++replacements_;
  }
  std::string take(std::size_t* replacements) {
    if (replacements != nullptr) *replacements = replacements_;
    return std::move(out_);
  }

 private:
  std::string out_;
  std::size_t replacements_ = 0;
};

constexpr bool is_continuation(std::uint8_t byte) { return (byte & 0xC0U) == 0x80; }

// The length of the well-formed UTF-8 sequence at `i` (1-4), or 0 with `*maximal` set to
// the length of its maximal subpart (the bytes to replace by one U+FFFD).
std::size_t utf8_sequence(std::span<const std::uint8_t> bytes, std::size_t i, std::size_t* maximal) {
  std::uint8_t lead = bytes[i];
  *maximal = 1;
  if (lead < 0x80) return 1;
  std::size_t length = 0;
  std::uint8_t low = 0x80;
  std::uint8_t high = 0xBF;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    if (lead == 0xE0) low = 0xA0;
    if (lead == 0xED) high = 0x9F;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    if (lead == 0xF0) low = 0x90;
    if (lead == 0xF4) high = 0x8F;
  } else {
    return 0;
  }
  for (std::size_t k = 1; k < length; ++k) {
    if (i + k >= bytes.size()) return 0;
    std::uint8_t next = bytes[i + k];
    bool ok = k == 1 ? next >= low && next <= high : is_continuation(next);
    if (!ok) return 0;
    *maximal = k + 1;
  }
  return length;
}

std::uint32_t utf8_value(std::span<const std::uint8_t> bytes, std::size_t i, std::size_t length) {
  static constexpr std::array<std::uint8_t, 5> kLeadMask = {0, 0x7F, 0x1F, 0x0F, 0x07};
  std::uint32_t value = bytes[i] & kLeadMask[length];
  for (std::size_t k = 1; k < length; ++k) value = (value << 6U) | (bytes[i + k] & 0x3FU);
  return value;
}

void convert_utf8(std::span<const std::uint8_t> bytes, Sink& sink) {
  std::size_t i = 0;
  while (i < bytes.size()) {
    std::size_t maximal = 1;
    std::size_t length = utf8_sequence(bytes, i, &maximal);
    if (length == 0) {
      sink.bad();
      i += maximal;
    } else if (length == 1) {
      sink.ascii(bytes[i++]);
    } else {
      sink.put(utf8_value(bytes, i, length));
      i += length;
    }
  }
}

std::uint32_t unit16(std::span<const std::uint8_t> bytes, std::size_t i, bool little) {
  return little ? bytes[i] | (bytes[i + 1] << 8U) : (bytes[i] << 8U) | bytes[i + 1];
}

void convert_utf16(std::span<const std::uint8_t> bytes, bool little, Sink& sink) {
  std::size_t i = 0;
  while (i + 1 < bytes.size()) {
    std::uint32_t unit = unit16(bytes, i, little);
    i += 2;
    if (unit < 0xD800 || unit > 0xDFFF) {
      sink.put(unit);
      continue;
    }
    bool high = unit < 0xDC00;
    if (high && i + 1 >= bytes.size()) {
      sink.bad();  // a high surrogate at the end: one U+FFFD for it and any odd byte
      return;
    }
    std::uint32_t low = high ? unit16(bytes, i, little) : 0;
    if (high && low >= 0xDC00 && low <= 0xDFFF) {
      sink.put(0x10000 + ((unit - 0xD800) << 10U) + (low - 0xDC00));
      i += 2;
    } else {
      sink.bad();  // a low surrogate alone, or a high one without its pair (the next unit is read again)
    }
  }
  if (i < bytes.size()) sink.bad();  // an odd last byte
}

void convert_utf32(std::span<const std::uint8_t> bytes, bool little, Sink& sink) {
  std::size_t i = 0;
  for (; i + 3 < bytes.size(); i += 4) {
    std::uint32_t value = little ? bytes[i] | (bytes[i + 1] << 8U) | (bytes[i + 2] << 16U) |
                                       (static_cast<std::uint32_t>(bytes[i + 3]) << 24U)
                                 : (static_cast<std::uint32_t>(bytes[i]) << 24U) | (bytes[i + 1] << 16U) |
                                       (bytes[i + 2] << 8U) | bytes[i + 3];
    if (value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF)) {
      sink.bad();
    } else {
      sink.put(value);
    }
  }
  if (i < bytes.size()) sink.bad();  // 1-3 bytes left
}

void convert_single_byte(std::span<const std::uint8_t> bytes, bool cp1252, Sink& sink) {
  for (std::uint8_t byte : bytes) {
    if (byte < 0x80) {
      sink.ascii(byte);
    } else if (cp1252 && byte <= 0x9F) {
      std::uint16_t mapped = kCp1252High[byte - 0x80];
      if (mapped == 0) {
        sink.bad();
      } else {
        sink.put(mapped);
      }
    } else {
      sink.put(byte);
    }
  }
}

// Well-formed UTF-8 (strict, as Python's decoder); `allow_cut_tail`: an incomplete last
// sequence (the input was cut at max_bytes) is accepted and *end set before it.
bool valid_utf8(std::span<const std::uint8_t> bytes, bool allow_cut_tail, std::size_t* end, bool* ascii) {
  *ascii = true;
  *end = bytes.size();
  std::size_t i = 0;
  while (i < bytes.size()) {
    if (bytes[i] < 0x80) {
      ++i;
      continue;
    }
    *ascii = false;
    std::size_t maximal = 1;
    std::size_t length = utf8_sequence(bytes, i, &maximal);
    if (length == 0) {
      if (allow_cut_tail && i + maximal == bytes.size() && maximal < 4 && bytes[i] >= 0xC2 && bytes[i] <= 0xF4) {
        *end = i;
        return true;
      }
      return false;
    }
    i += length;
  }
  return true;
}

Encoding single_byte(std::span<const std::uint8_t> bytes, Fallback fallback) {
  if (fallback == Fallback::Latin1) return Encoding::Latin1;
  if (fallback == Fallback::Cp1252) return Encoding::Cp1252;
  bool any_c1 = false;
  for (std::uint8_t byte : bytes) {
    if (byte < 0x80 || byte > 0x9F) continue;
    if (kCp1252High[byte - 0x80] == 0) return Encoding::Latin1;
    any_c1 = true;
  }
  return any_c1 ? Encoding::Cp1252 : Encoding::Latin1;
}

struct Bom {
  std::string_view bytes;
  Encoding encoding;
};

// UTF-32LE's mark starts with UTF-16LE's: longest first.
constexpr std::array<Bom, 5> kBoms = {{{std::string_view("\xFF\xFE\x00\x00", 4), Encoding::Utf32le},
                                       {std::string_view("\x00\x00\xFE\xFF", 4), Encoding::Utf32be},
                                       {"\xEF\xBB\xBF", Encoding::Utf8},
                                       {"\xFF\xFE", Encoding::Utf16le},
                                       {"\xFE\xFF", Encoding::Utf16be}}};

std::size_t unit_size(Encoding encoding) {
  switch (encoding) {
    case Encoding::Utf16le:
    case Encoding::Utf16be: return 2;
    case Encoding::Utf32le:
    case Encoding::Utf32be: return 4;
    default: return 1;
  }
}

}  // namespace

bool ascii_compatible(Encoding encoding) {
  return encoding == Encoding::Ascii || encoding == Encoding::Utf8 || encoding == Encoding::Latin1 ||
         encoding == Encoding::Cp1252;
}

std::string_view encoding_name(Encoding encoding) {
  switch (encoding) {
    case Encoding::Ascii: return "ascii";
    case Encoding::Utf8: return "utf-8";
    case Encoding::Utf16le: return "utf-16-le";
    case Encoding::Utf16be: return "utf-16-be";
    case Encoding::Utf32le: return "utf-32-le";
    case Encoding::Utf32be: return "utf-32-be";
    case Encoding::Latin1: return "latin-1";
    case Encoding::Cp1252: return "cp1252";
  }
  return "unknown";
}

std::string convert(ByteView bytes, Encoding encoding, std::size_t* replacements) {
  std::span<const std::uint8_t> span = bytes.span();
  Sink sink(bytes.size() + bytes.size() / 2);
  switch (encoding) {
    case Encoding::Ascii:
    case Encoding::Utf8: convert_utf8(span, sink); break;
    case Encoding::Utf16le:
    case Encoding::Utf16be: convert_utf16(span, encoding == Encoding::Utf16le, sink); break;
    case Encoding::Utf32le:
    case Encoding::Utf32be: convert_utf32(span, encoding == Encoding::Utf32le, sink); break;
    case Encoding::Latin1:
    case Encoding::Cp1252: convert_single_byte(span, encoding == Encoding::Cp1252, sink); break;
  }
  return sink.take(replacements);
}

bool looks_like_utf16(ByteView bytes, bool little_endian) {
  std::span<const std::uint8_t> span = bytes.head(kUtf16Sample).span();
  std::size_t units = span.size() / 2;
  if (units < 2) return false;
  std::size_t ascii = 0;     // a printable ASCII character or whitespace, high byte zero
  std::size_t mirrored = 0;  // the same in the other byte order
  std::size_t nul = 0;
  std::size_t control = 0;
  for (std::size_t i = 0; i + 1 < span.size(); i += 2) {
    std::uint8_t low = little_endian ? span[i] : span[i + 1];
    std::uint8_t high = little_endian ? span[i + 1] : span[i];
    auto is_text = [](std::uint8_t c) { return (c >= 0x20 && c < 0x7F) || c == '\t' || c == '\n' || c == '\r'; };
    if (low == 0 && high == 0) {
      ++nul;
    } else if (high == 0) {
      if (is_text(low)) {
        ++ascii;
      } else if (low < 0x20) {
        ++control;
      }
    } else if (low == 0 && is_text(high)) {
      ++mirrored;
    }
  }
  // At least 60% ASCII-range characters, at most 5% (and one) NUL units or controls, and
  // almost nothing that reads as ASCII in the other byte order.
  std::size_t few = units / 20 + 1;
  return ascii * 10 >= units * 6 && nul <= few && control <= few && mirrored <= few;
}

Decoded decode_text(ByteView bytes, const DecodeOptions& options) {
  Decoded decoded;
  if (bytes.size() > options.max_bytes) {
    bytes = bytes.head(options.max_bytes);
    decoded.truncated = true;
  }
  std::size_t skip = 0;
  bool known = false;
  for (const Bom& bom : kBoms) {
    if (bytes.starts_with(bom.bytes)) {
      decoded.encoding = bom.encoding;
      decoded.bom = true;
      skip = bom.bytes.size();
      known = true;
      break;
    }
  }
  if (!known && options.detect_utf16) {
    for (bool little : {true, false}) {
      if (looks_like_utf16(bytes, little)) {
        decoded.encoding = little ? Encoding::Utf16le : Encoding::Utf16be;
        known = true;
        break;
      }
    }
  }
  ByteView body = bytes.tail(skip);
  if (!known) {
    std::size_t end = 0;
    bool ascii = true;
    if (valid_utf8(body.span(), decoded.truncated, &end, &ascii)) {
      decoded.encoding = ascii ? Encoding::Ascii : Encoding::Utf8;
      body = body.head(end);
      known = true;
    } else {
      decoded.encoding = single_byte(body.span(), options.fallback);
    }
  }
  if (decoded.truncated) {
    std::size_t unit = unit_size(decoded.encoding);
    body = body.head(body.size() - body.size() % unit);  // cut between code units
    if (unit == 2 && body.size() >= 2) {                 // and not inside a surrogate pair
      std::uint32_t last = unit16(body.span(), body.size() - 2, decoded.encoding == Encoding::Utf16le);
      if (last >= 0xD800 && last <= 0xDBFF) body = body.head(body.size() - 2);
    }
  }
  if (options.skip_ascii_compatible && ascii_compatible(decoded.encoding)) return decoded;
  decoded.text = convert(body, decoded.encoding, &decoded.replacements);
  return decoded;
}

}  // namespace stoq::plugins::reader::text

// TNEF reader; see tnef.hpp. Section numbers refer to [MS-OXTNEF].
#include "tnef.hpp"

#include <optional>

#include "stoq/error.hpp"
#include "stoq/text.hpp"

namespace stoq::tnef {
namespace {

constexpr std::uint8_t kLevelAttachment = 2;
// Attribute ids (low 16 bits of the attribute tag; the high 16 bits are its type).
constexpr std::uint16_t kAttAttachData = 0x800F;
constexpr std::uint16_t kAttAttachTitle = 0x8010;
constexpr std::uint16_t kAttAttachRendData = 0x9002;
constexpr std::uint16_t kAttAttachment = 0x9005;
constexpr std::uint16_t kAttMessageClass = 0x8008;
// MAPI property ids and types (2.1.3.4).
constexpr std::uint16_t kPrAttachDataBin = 0x3701;
constexpr std::uint16_t kPrAttachLongFilename = 0x3707;
constexpr std::uint16_t kPrAttachMimeTag = 0x370E;
constexpr std::uint16_t kPrAttachContentId = 0x3712;
constexpr std::uint16_t kPtString8 = 0x001E;
constexpr std::uint16_t kPtUnicode = 0x001F;
constexpr std::uint16_t kPtBinary = 0x0102;
constexpr std::uint16_t kPtObject = 0x000D;
constexpr std::uint16_t kMultiValued = 0x1000;
constexpr std::size_t kMaxWarnings = 20;

std::size_t pad4(std::size_t n) { return (n + 3) & ~static_cast<std::size_t>(3); }

// An 8-bit string up to its NUL: kept when it is UTF-8, else read as Latin-1.
std::string string8(ByteView bytes) {
  std::string_view text = bytes.as_string_view();
  text = text.substr(0, text.find('\0'));
  return is_valid_utf8(text) ? std::string(text) : latin1_to_utf8(ByteView(text));
}

std::string unicode(ByteView bytes) { return utf16le_to_utf8(utf16le_until_nul(bytes)); }

std::size_t fixed_size(std::uint16_t type) {
  switch (type) {
    case 0x0001:             // PT_NULL
    case 0x0002:             // PT_SHORT (padded)
    case 0x0003:             // PT_LONG
    case 0x0004:             // PT_FLOAT
    case 0x000A:             // PT_ERROR
    case 0x000B: return 4;   // PT_BOOLEAN (padded)
    case 0x0005:             // PT_DOUBLE
    case 0x0006:             // PT_CURRENCY
    case 0x0007:             // PT_APPTIME
    case 0x0014:             // PT_I8
    case 0x0040: return 8;   // PT_SYSTIME
    case 0x0048: return 16;  // PT_CLSID
    default: return 0;
  }
}

// 2.1.3.4: a MAPI property list (count, then tag, optional name, value(s)). Reads the
// properties that describe an attachment. Returns "" or the reason it stopped.
std::string read_properties(ByteView list, Attachment& attachment) {
  std::optional<std::uint32_t> count = list.read_le<std::uint32_t>(0);
  if (!count) return "property list too short";
  std::size_t pos = 4;
  for (std::uint32_t n = 0; n < *count; ++n) {
    std::optional<std::uint16_t> type = list.read_le<std::uint16_t>(pos);
    std::optional<std::uint16_t> id = list.read_le<std::uint16_t>(pos + 2);
    if (!type || !id) return "property list truncated";
    pos += 4;
    if (*id >= 0x8000) {  // named property: GUID, kind, then an id or a name
      std::optional<std::uint32_t> kind = list.read_le<std::uint32_t>(pos + 16);
      if (!kind) return "named property truncated";
      pos += 20;
      if (*kind == 0) {
        pos += 4;
      } else {
        std::optional<std::uint32_t> length = list.read_le<std::uint32_t>(pos);
        if (!length || !list.fits(pos + 4, pad4(*length))) return "property name truncated";
        pos += 4 + pad4(*length);
      }
    }
    std::uint16_t base = *type & static_cast<std::uint16_t>(~kMultiValued);
    bool variable = base == kPtString8 || base == kPtUnicode || base == kPtBinary || base == kPtObject;
    std::uint32_t values = 1;
    if ((*type & kMultiValued) != 0 || variable) {
      std::optional<std::uint32_t> declared = list.read_le<std::uint32_t>(pos);
      if (!declared) return "property value count truncated";
      values = *declared;
      pos += 4;
    }
    if (!variable) {
      std::size_t size = fixed_size(base);
      if (size == 0) return "unknown property type " + std::to_string(base);
      if (!list.fits(pos, static_cast<std::size_t>(values) * size)) return "property value truncated";
      pos += static_cast<std::size_t>(values) * size;
      continue;
    }
    for (std::uint32_t v = 0; v < values; ++v) {
      std::optional<std::uint32_t> length = list.read_le<std::uint32_t>(pos);
      if (!length || !list.fits(pos + 4, *length)) return "property value truncated";
      ByteView value = *list.subview(pos + 4, *length);
      pos += 4 + pad4(*length);
      if (v > 0) continue;
      switch (*id) {
        case kPrAttachLongFilename:
          attachment.long_filename = base == kPtUnicode ? unicode(value) : string8(value);
          break;
        case kPrAttachMimeTag: attachment.mime_type = base == kPtUnicode ? unicode(value) : string8(value); break;
        case kPrAttachContentId: attachment.content_id = base == kPtUnicode ? unicode(value) : string8(value); break;
        case kPrAttachDataBin:
          if (!attachment.has_data) {
            // PT_OBJECT data starts with the interface id (16 bytes) of the object.
            attachment.data = base == kPtObject ? value.tail(16) : value;
            attachment.embedded_object = base == kPtObject;
            attachment.has_data = true;
          }
          break;
        default: break;
      }
    }
  }
  return "";
}

}  // namespace

bool has_signature(ByteView data) { return data.read_le<std::uint32_t>(0) == std::optional<std::uint32_t>(kSignature); }

Message parse(ByteView data) {
  if (!has_signature(data)) throw Error("not a TNEF stream (no 0x223E9F78 signature)");
  Message message;
  message.key = data.read_le<std::uint16_t>(4).value_or(0);
  auto warn = [&](std::string text) {
    if (message.warnings.size() < kMaxWarnings) message.warnings.push_back(std::move(text));
  };
  std::size_t pos = 6;
  while (pos < data.size()) {
    std::optional<std::uint8_t> level = data.at(pos);
    std::optional<std::uint32_t> tag = data.read_le<std::uint32_t>(pos + 1);
    std::optional<std::uint32_t> length = data.read_le<std::uint32_t>(pos + 5);
    if (!level || !tag || !length) {
      warn("attribute header truncated at offset " + std::to_string(pos));
      break;
    }
    std::optional<ByteView> value = data.subview(pos + 9, *length);
    if (!value) {
      warn("attribute at offset " + std::to_string(pos) + " runs past the end");
      break;
    }
    std::size_t checksum_at = pos + 9 + *length;
    std::optional<std::uint16_t> checksum = data.read_le<std::uint16_t>(checksum_at);
    std::uint32_t sum = 0;
    for (std::uint8_t byte : value->span()) sum += byte;
    if (!checksum) {
      warn("attribute checksum missing at offset " + std::to_string(checksum_at));
    } else if (*checksum != (sum & 0xFFFF)) {
      warn("attribute checksum mismatch at offset " + std::to_string(checksum_at));
    }
    pos = checksum_at + 2;
    auto id = static_cast<std::uint16_t>(*tag & 0xFFFF);
    if (*level != kLevelAttachment) {
      if (id == kAttMessageClass) message.message_class = string8(*value);
      continue;
    }
    if (id == kAttAttachRendData || message.attachments.empty()) message.attachments.emplace_back();
    Attachment& attachment = message.attachments.back();
    switch (id) {
      case kAttAttachTitle: attachment.title = string8(*value); break;
      case kAttAttachData:
        attachment.data = *value;
        attachment.has_data = true;
        attachment.embedded_object = false;
        break;
      case kAttAttachment:
        if (std::string error = read_properties(*value, attachment); !error.empty()) {
          attachment.errors.push_back(error);
        }
        break;
      default: break;
    }
  }
  return message;
}

}  // namespace stoq::tnef

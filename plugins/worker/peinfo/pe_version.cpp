// worker:peinfo: VS_VERSIONINFO (the RT_VERSION resource): VS_FIXEDFILEINFO, the
// StringFileInfo tables and the VarFileInfo translations. Every structure is a block
// (wLength, wValueLength, wType, a UTF-16 key, a value, children) aligned on 4 bytes
// of the image, as pefile's dword_align() computes it.
#include <array>
#include <cstdio>
#include <optional>
#include <string>

#include "pe_resources.hpp"
#include "stoq/text.hpp"

namespace stoq::plugins::worker::peinfo {
namespace {

constexpr std::size_t kMaxVersionStrings = 1024;
constexpr std::size_t kFixedFileInfoSize = 52;

struct Block {
  std::size_t offset = 0;
  std::size_t length = 0;
  std::size_t value_length = 0;
  std::string key;
  std::size_t value_offset = 0;  // aligned, after the key
  [[nodiscard]] std::size_t end() const { return offset + length; }
};

class VersionParser {
 public:
  VersionParser(PeImage& pe, ByteView raw, std::uint32_t rva) : pe_(pe), raw_(raw), base_(rva) {}

  Json parse() {
    auto root = block(0);
    if (!root || root->key != "VS_VERSION_INFO") {
      pe_.error("the RT_VERSION resource is not a VS_VERSIONINFO block");
      return nullptr;
    }
    Json out = Json::object();
    std::size_t children = root->value_offset;
    if (root->value_length > 0 && raw_.fits(root->value_offset, kFixedFileInfoSize)) {
      out["fixed_file_info"] = fixed_file_info(root->value_offset);
      children = align(root->value_offset + root->value_length);
    }
    Json tables = Json::array();
    Json translations = Json::array();
    const std::size_t end = std::min(root->end(), raw_.size());
    while (children < end) {
      auto child = block(children);
      if (!child || child->length == 0) break;
      if (child->key.rfind("StringFileInfo", 0) == 0) string_file_info(*child, tables);
      if (child->key.rfind("VarFileInfo", 0) == 0) var_file_info(*child, translations);
      children = align(child->end());
    }
    out["string_file_info"] = std::move(tables);
    out["translations"] = std::move(translations);
    if (truncated_) pe_.error("version information truncated or malformed");
    return out;
  }

 private:
  // pefile's dword_align(offset, base): 4-byte alignment of the image address.
  [[nodiscard]] std::size_t align(std::size_t offset) const {
    return ((offset + base_ + 3) & ~std::size_t{3}) - (base_ & ~std::size_t{3});
  }

  // A NUL-terminated UTF-16LE string at `offset`, at most `max_chars` characters.
  std::string utf16_at(std::size_t offset, std::size_t max_chars, std::size_t* chars) const {
    ByteView rest = raw_.tail(offset).head(max_chars * 2);
    ByteView text = utf16le_until_nul(rest);
    if (chars != nullptr) *chars = text.size() / 2;
    return utf16le_to_utf8(text);
  }

  std::optional<Block> block(std::size_t offset) {
    auto length = raw_.read_le<std::uint16_t>(offset);
    auto value_length = raw_.read_le<std::uint16_t>(offset + 2);
    if (!length || !value_length || !raw_.fits(offset, 6)) {
      truncated_ = true;
      return std::nullopt;
    }
    Block out;
    out.offset = offset;
    out.length = *length;
    out.value_length = *value_length;
    std::size_t chars = 0;
    out.key = utf16_at(offset + 6, 0x10000, &chars);
    out.value_offset = align(offset + 6 + (2 * (chars + 1)));
    if (out.end() > raw_.size()) truncated_ = true;
    return out;
  }

  Json fixed_file_info(std::size_t at) const {
    auto u32 = [this, at](std::size_t field) { return raw_.read_le<std::uint32_t>(at + field).value_or(0); };
    auto dotted = [](std::uint32_t ms, std::uint32_t ls) {
      return std::to_string(ms >> 16) + "." + std::to_string(ms & 0xFFFF) + "." + std::to_string(ls >> 16) + "." +
             std::to_string(ls & 0xFFFF);
    };
    Json out = Json::object();
    out["signature"] = hex(u32(0));
    out["struct_version"] = hex(u32(4));
    out["file_version"] = dotted(u32(8), u32(12));
    out["product_version"] = dotted(u32(16), u32(20));
    out["file_flags_mask"] = u32(24);
    out["file_flags"] = u32(28);
    out["file_os"] = u32(32);
    out["file_type"] = u32(36);
    out["file_subtype"] = u32(40);
    out["file_date"] = (std::uint64_t{u32(44)} << 32) | u32(48);
    return out;
  }

  void string_file_info(const Block& info, Json& tables) {
    std::size_t table_offset = info.value_offset;
    const std::size_t info_end = std::min(info.end(), raw_.size());
    while (table_offset < info_end) {
      auto table = block(table_offset);
      if (!table || table->length == 0) break;
      Json entries = Json::object();
      std::size_t entry_offset = table->value_offset;
      const std::size_t table_end = std::min(table->end(), raw_.size());
      while (entry_offset < table_end) {
        auto entry = block(entry_offset);
        if (!entry) break;
        if (strings_ >= kMaxVersionStrings) {
          pe_.error("more than " + std::to_string(kMaxVersionStrings) + " version strings: the rest are left out");
          return;
        }
        ++strings_;
        entries[entry->key] =
            entry->value_length == 0 ? std::string() : utf16_at(entry->value_offset, entry->value_length, nullptr);
        entry_offset = entry->length == 0 ? table_end : align(entry->end());
      }
      tables.push_back({{"lang_id", table->key}, {"entries", std::move(entries)}});
      const std::size_t next = align(table->end());
      if (next <= table_offset) break;
      table_offset = next;
    }
  }

  void var_file_info(const Block& info, Json& translations) {
    std::size_t var_offset = info.value_offset;
    const std::size_t info_end = std::min(info.end(), raw_.size());
    while (var_offset < info_end) {
      auto var = block(var_offset);
      if (!var || var->length == 0) break;
      for (std::size_t at = var->value_offset; at + 4 <= var->value_offset + var->value_length; at += 4) {
        auto language = raw_.read_le<std::uint16_t>(at);
        auto codepage = raw_.read_le<std::uint16_t>(at + 2);
        if (!language || !codepage) break;
        std::array<char, 16> text{};
        std::snprintf(text.data(), text.size(), "0x%04x 0x%04x", *language, *codepage);
        if (translations.size() < kMaxVersionStrings) translations.push_back(text.data());
      }
      const std::size_t next = align(var->end());
      if (next <= var_offset) break;
      var_offset = next;
    }
  }

  PeImage& pe_;
  ByteView raw_;
  std::size_t base_;
  std::size_t strings_ = 0;
  bool truncated_ = false;
};

}  // namespace

Json parse_version_info(PeImage& pe, std::uint32_t rva, std::uint32_t size) {
  auto offset = offset_from_rva(pe, rva);
  if (!offset) {
    pe.error("the RT_VERSION resource at RVA " + hex(rva) + " lies outside the file");
    return nullptr;
  }
  ByteView raw = pe.data.tail(*offset).head(size);
  return VersionParser(pe, raw, rva).parse();
}

}  // namespace stoq::plugins::worker::peinfo

// worker:peinfo: rich header, debug directory, TLS directory and overlay.
#include <algorithm>
#include <array>
#include <cstdio>
#include <string>
#include <vector>

#include "pe_extras.hpp"
#include "pe_names.hpp"

namespace stoq::plugins::worker::peinfo {
namespace {

constexpr std::uint32_t kDans = 0x536E6144;  // "DanS"
constexpr std::uint32_t kRich = 0x68636952;  // "Rich"
constexpr std::size_t kDebugEntrySize = 28;
constexpr std::uint32_t kCodeView = 2;
constexpr std::size_t kMaxPdbPath = 0x1000;

std::string guid_text(ByteView guid) {
  const std::uint32_t d1 = guid.read_le<std::uint32_t>(0).value_or(0);
  const std::uint16_t d2 = guid.read_le<std::uint16_t>(4).value_or(0);
  const std::uint16_t d3 = guid.read_le<std::uint16_t>(6).value_or(0);
  std::array<std::uint8_t, 8> d4{};
  for (std::size_t i = 0; i < d4.size(); ++i) d4[i] = guid.at(8 + i).value_or(0);
  std::array<char, 40> text{};
  std::snprintf(text.data(), text.size(), "%08X-%04X-%04X-%02X%02X-%02X%02X%02X%02X%02X%02X", d1, d2, d3, d4[0], d4[1],
                d4[2], d4[3], d4[4], d4[5], d4[6], d4[7]);
  return text.data();
}

Json codeview(const PeImage& pe, std::uint32_t rva, std::uint32_t pointer, std::uint32_t size) {
  ByteView record;
  if (pointer != 0 && pointer < pe.data.size()) {
    record = pe.data.tail(pointer).head(size);
  } else if (rva != 0) {
    record = data_at_rva(pe, rva, size);
  }
  Json out = Json::object();
  auto cstring = [](ByteView bytes) {
    std::string_view text = bytes.head(kMaxPdbPath).as_string_view();
    return text_of(text.substr(0, text.find('\0')));
  };
  if (record.starts_with("RSDS") && record.size() >= 24) {
    out["signature"] = "RSDS";
    out["guid"] = guid_text(record.tail(4).head(16));
    out["age"] = record.read_le<std::uint32_t>(20).value_or(0);
    out["pdb"] = cstring(record.tail(24));
  } else if (record.starts_with("NB10") && record.size() >= 16) {
    out["signature"] = "NB10";
    out["timestamp"] = record.read_le<std::uint32_t>(8).value_or(0);
    out["age"] = record.read_le<std::uint32_t>(12).value_or(0);
    out["pdb"] = cstring(record.tail(16));
  } else {
    return nullptr;
  }
  return out;
}

}  // namespace

Json parse_rich_header(PeImage& pe) {
  if (!pe.has_optional || pe.optional_offset <= 0x80) return nullptr;
  const std::string_view window = pe.data.head(pe.optional_offset).tail(0x80).as_string_view();
  const std::size_t found = window.find("Rich");
  if (found == std::string_view::npos) return nullptr;
  ByteView rich = pe.data.tail(0x80).head(found + 8);
  std::vector<std::uint32_t> words;
  for (std::size_t at = 0; at + 4 <= rich.size(); at += 4) words.push_back(rich.read_le<std::uint32_t>(at).value_or(0));
  auto rich_at = std::find(words.begin(), words.end(), kRich);
  if (rich_at == words.end() || words.size() < 4) return nullptr;
  const std::uint32_t key = rich_at + 1 != words.end() ? *(rich_at + 1) : 0;
  const std::uint32_t checksum = words[1];
  if ((words[0] ^ checksum) != kDans || words[2] != checksum || words[3] != checksum) return nullptr;
  Json values = Json::array();
  for (std::size_t i = 4; i + 1 < words.size(); i += 2) {
    if (words[i] == kRich) {
      if (words[i + 1] != checksum) pe.error("rich header is malformed");
      break;
    }
    const std::uint32_t compid = words[i] ^ checksum;
    values.push_back({{"compid", compid},
                      {"product_id", compid >> 16},
                      {"build", compid & 0xFFFF},
                      {"count", words[i + 1] ^ checksum}});
  }
  Json out = Json::object();
  out["key"] = hex(key);
  out["checksum"] = checksum;
  out["values"] = std::move(values);
  return out;
}

Json parse_debug(PeImage& pe) {
  const DataDirectory directory = pe.directory(kDebugDir);
  if (directory.rva == 0 || directory.size == 0) return nullptr;
  Json out = Json::array();
  const std::size_t count = directory.size / kDebugEntrySize;
  for (std::size_t i = 0; i < count; ++i) {
    if (i >= pe.limits.max_debug_entries) {
      pe.error("more than " + std::to_string(pe.limits.max_debug_entries) + " debug directory entries");
      break;
    }
    ByteView raw = data_at_rva(pe, std::uint64_t{directory.rva} + (i * kDebugEntrySize), kDebugEntrySize);
    if (raw.size() < kDebugEntrySize) {
      pe.error("truncated debug directory entry " + std::to_string(i));
      break;
    }
    const std::uint32_t type = raw.read_le<std::uint32_t>(12).value_or(0);
    const std::uint32_t size = raw.read_le<std::uint32_t>(16).value_or(0);
    const std::uint32_t rva = raw.read_le<std::uint32_t>(20).value_or(0);
    const std::uint32_t pointer = raw.read_le<std::uint32_t>(24).value_or(0);
    Json entry = Json::object();
    entry["type"] = debug_type_name(type);
    entry["timestamp"] = raw.read_le<std::uint32_t>(4).value_or(0);
    entry["size"] = size;
    entry["rva"] = rva;
    entry["offset"] = pointer;
    if (type == kCodeView) {
      Json record = codeview(pe, rva, pointer, size);
      if (record.is_null()) {
        pe.error("debug entry " + std::to_string(i) + ": unreadable CodeView record");
      } else {
        entry["codeview"] = std::move(record);
      }
    }
    out.push_back(std::move(entry));
  }
  return out;
}

Json parse_tls(PeImage& pe) {
  const DataDirectory directory = pe.directory(kTlsDir);
  if (directory.rva == 0) return nullptr;
  const std::size_t width = pe.pe32_plus ? 8 : 4;
  ByteView raw = data_at_rva(pe, directory.rva, (width * 4) + 8);
  if (raw.size() < (width * 4) + 8) {
    pe.error("truncated TLS directory at RVA " + hex(directory.rva));
    return nullptr;
  }
  auto pointer = [&pe](ByteView bytes, std::size_t at) -> std::uint64_t {
    return pe.pe32_plus ? bytes.read_le<std::uint64_t>(at).value_or(0) : bytes.read_le<std::uint32_t>(at).value_or(0);
  };
  Json out = Json::object();
  out["start_address_of_raw_data"] = pointer(raw, 0);
  out["end_address_of_raw_data"] = pointer(raw, width);
  out["address_of_index"] = pointer(raw, width * 2);
  const std::uint64_t callbacks_va = pointer(raw, width * 3);
  out["address_of_callbacks"] = callbacks_va;
  Json callbacks = Json::array();
  if (callbacks_va > pe.image_base) {
    std::uint64_t rva = callbacks_va - pe.image_base;
    for (std::size_t i = 0;; ++i) {
      if (i >= pe.limits.max_tls_callbacks) {
        pe.error("more than " + std::to_string(pe.limits.max_tls_callbacks) + " TLS callbacks");
        break;
      }
      ByteView slot = data_at_rva(pe, rva, width);
      if (slot.size() < width) {
        pe.error("TLS callback list runs past the end of the file");
        break;
      }
      const std::uint64_t callback = pointer(slot, 0);
      if (callback == 0) break;
      callbacks.push_back(callback);
      rva += width;
    }
  }
  out["callbacks"] = std::move(callbacks);
  return out;
}

Json parse_overlay(PeImage& pe) {
  const std::uint64_t file_size = pe.data.size();
  std::uint64_t largest = 0;
  auto consider = [&largest, file_size](std::uint64_t offset, std::uint64_t size) {
    const std::uint64_t end = offset + size;
    if (end <= file_size && end > largest) largest = end;
  };
  if (pe.has_optional) consider(pe.optional_offset, pe.optional_header_size);
  for (const Section& section : pe.sections) consider(section.raw_pointer, section.raw_size);
  for (std::size_t i = 0; i < pe.directories.size(); ++i) {
    if (i == kSecurityDir) continue;
    if (auto offset = offset_from_rva(pe, pe.directories[i].rva)) consider(*offset, pe.directories[i].size);
  }
  if (file_size <= largest) return nullptr;
  ByteView overlay = pe.data.tail(largest);
  Json out = Json::object();
  out["offset"] = largest;
  out["size"] = overlay.size();
  if (pe.spend_digest(overlay.size())) {
    out["entropy"] = entropy(overlay);
  }
  return out;
}

}  // namespace stoq::plugins::worker::peinfo

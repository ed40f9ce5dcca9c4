#include "pe_image.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <ctime>

#include "pe_names.hpp"
#include "stoq/text.hpp"

namespace stoq::plugins::worker::peinfo {
namespace {

constexpr std::uint16_t kPe32 = 0x10B;
constexpr std::uint16_t kPe32Plus = 0x20B;
constexpr std::uint32_t kPeSignature = 0x00004550;  // "PE\0\0"
constexpr std::size_t kSectionHeaderSize = 40;
constexpr std::size_t kMaxDirectories = 16;
constexpr std::uint32_t kFileAlignmentHardcoded = 0x200;

// pefile's cache_adjust_FileAlignment / cache_adjust_SectionAlignment.
std::uint64_t adjust_file_alignment(std::uint64_t value, std::uint32_t file_alignment) {
  if (file_alignment < kFileAlignmentHardcoded) return value;
  return (value / 0x200) * 0x200;
}

std::uint64_t adjust_section_alignment(std::uint64_t value, std::uint32_t section_alignment,
                                       std::uint32_t file_alignment) {
  if (section_alignment < 0x1000) section_alignment = file_alignment;
  if (section_alignment != 0 && value % section_alignment != 0) {
    return section_alignment * (value / section_alignment);
  }
  return value;
}

template <typename T>
T read_or_zero(ByteView data, std::size_t offset) {
  return data.read_le<T>(offset).value_or(T{});
}

void parse_optional_header(PeImage& pe) {
  const ByteView data = pe.data;
  const std::size_t at = pe.optional_offset;
  auto magic = data.read_le<std::uint16_t>(at);
  if (!magic) {
    pe.error("truncated: the optional header lies past the end of the file");
    return;
  }
  pe.has_optional = true;
  pe.magic = *magic;
  pe.pe32_plus = pe.magic == kPe32Plus;
  if (pe.magic != kPe32 && pe.magic != kPe32Plus) {
    pe.error("unknown optional header magic " + hex(pe.magic) + ": read as PE32");
  }
  // Like pefile, a short optional header reads as zeros past the end of the file.
  const std::size_t needed = pe.pe32_plus ? 112 : 96;
  if (!data.fits(at, needed)) pe.error("truncated: the optional header runs past the end of the file");
  pe.linker_major = read_or_zero<std::uint8_t>(data, at + 2);
  pe.linker_minor = read_or_zero<std::uint8_t>(data, at + 3);
  pe.size_of_code = read_or_zero<std::uint32_t>(data, at + 4);
  pe.entry_point = read_or_zero<std::uint32_t>(data, at + 16);
  pe.base_of_code = read_or_zero<std::uint32_t>(data, at + 20);
  pe.image_base =
      pe.pe32_plus ? read_or_zero<std::uint64_t>(data, at + 24) : read_or_zero<std::uint32_t>(data, at + 28);
  pe.section_alignment = read_or_zero<std::uint32_t>(data, at + 32);
  pe.file_alignment = read_or_zero<std::uint32_t>(data, at + 36);
  pe.os_major = read_or_zero<std::uint16_t>(data, at + 40);
  pe.os_minor = read_or_zero<std::uint16_t>(data, at + 42);
  pe.subsystem_major = read_or_zero<std::uint16_t>(data, at + 48);
  pe.subsystem_minor = read_or_zero<std::uint16_t>(data, at + 50);
  pe.size_of_image = read_or_zero<std::uint32_t>(data, at + 56);
  pe.size_of_headers = read_or_zero<std::uint32_t>(data, at + 60);
  pe.checksum = read_or_zero<std::uint32_t>(data, at + 64);
  pe.subsystem = read_or_zero<std::uint16_t>(data, at + 68);
  pe.dll_characteristics = read_or_zero<std::uint16_t>(data, at + 70);
  const std::size_t count_at = at + (pe.pe32_plus ? 108 : 92);
  const std::uint32_t declared = read_or_zero<std::uint32_t>(data, count_at);
  const std::size_t count = std::min<std::size_t>(declared, kMaxDirectories);
  for (std::size_t i = 0; i < count; ++i) {
    const std::size_t entry = count_at + 4 + (i * 8);
    if (!data.fits(entry, 8)) {
      pe.error("truncated: data directory " + std::to_string(i) + " lies past the end of the file");
      break;
    }
    pe.directories.push_back({read_or_zero<std::uint32_t>(data, entry), read_or_zero<std::uint32_t>(data, entry + 4)});
  }
}

// pefile's parse_sections: the same stops and the same abort after three problems with one entry.
void parse_sections(PeImage& pe) {
  const ByteView data = pe.data;
  const std::size_t table = pe.section_table_offset;
  for (std::size_t i = 0; i < pe.number_of_sections; ++i) {
    if (i >= pe.limits.max_sections) {
      pe.error("too many sections: " + std::to_string(pe.number_of_sections) + ", reported the first " +
               std::to_string(pe.limits.max_sections) + " (max_sections)");
      break;
    }
    const std::size_t at = table + (i * kSectionHeaderSize);
    std::optional<ByteView> raw = data.subview(at, kSectionHeaderSize);
    if (!raw) {
      pe.error("truncated: section header " + std::to_string(i) + " lies past the end of the file");
      break;
    }
    if (std::all_of(raw->data(), raw->data() + raw->size(), [](std::uint8_t b) { return b == 0; })) {
      pe.error("section header " + std::to_string(i) + " is all zeros: section table ends there");
      break;
    }
    Section section;
    std::string_view name = raw->head(8).as_string_view();
    while (!name.empty() && name.back() == '\0') name.remove_suffix(1);
    section.raw_name = std::string(name);
    section.virtual_size = read_or_zero<std::uint32_t>(*raw, 8);
    section.virtual_address = read_or_zero<std::uint32_t>(*raw, 12);
    section.raw_size = read_or_zero<std::uint32_t>(*raw, 16);
    section.raw_pointer = read_or_zero<std::uint32_t>(*raw, 20);
    section.characteristics = read_or_zero<std::uint32_t>(*raw, 36);
    section.ptr_adj = adjust_file_alignment(section.raw_pointer, pe.file_alignment);
    section.va_adj = adjust_section_alignment(section.virtual_address, pe.section_alignment, pe.file_alignment);
    int problems = 0;
    if (std::uint64_t{section.raw_size} + section.raw_pointer > data.size()) {
      ++problems;
      pe.error("section " + std::to_string(i) + ": raw data runs past the end of the file");
    }
    if (section.ptr_adj > data.size()) ++problems;
    if (section.virtual_size > 0x10000000) ++problems;
    if (section.va_adj > 0x10000000) ++problems;
    if (pe.file_alignment != 0 && section.raw_pointer % pe.file_alignment != 0) ++problems;
    if (problems >= 3) {
      pe.error("section " + std::to_string(i) + ": too many inconsistent fields, section table abandoned");
      break;
    }
    pe.sections.push_back(std::move(section));
  }
  pe.by_address.resize(pe.sections.size());
  for (std::size_t i = 0; i < pe.sections.size(); ++i) pe.by_address[i] = i;
  std::stable_sort(pe.by_address.begin(), pe.by_address.end(), [&pe](std::size_t a, std::size_t b) {
    return pe.sections[a].virtual_address < pe.sections[b].virtual_address;
  });
  // pefile's contains_rva(): the extent of each section, cut at the next one's address.
  for (std::size_t k = 0; k < pe.by_address.size(); ++k) {
    Section& section = pe.sections[pe.by_address[k]];
    std::uint64_t size = 0;
    const bool raw_fits = section.ptr_adj <= data.size() && data.size() - section.ptr_adj >= section.raw_size;
    size = raw_fits ? std::max(section.raw_size, section.virtual_size) : section.virtual_size;
    if (k + 1 < pe.by_address.size()) {
      const std::uint64_t next = pe.sections[pe.by_address[k + 1]].virtual_address;
      if (next > section.virtual_address && section.va_adj + size > next) size = next - section.va_adj;
    }
    section.rva_end = section.va_adj + size;
  }
}

}  // namespace

bool PeImage::spend_digest(std::size_t bytes) {
  if (bytes > digest_budget) return false;
  digest_budget -= bytes;
  return true;
}

bool parse_headers(PeImage& pe) {
  const ByteView data = pe.data;
  pe.digest_budget = pe.limits.max_digest_bytes;
  if (!data.starts_with("MZ")) {
    pe.error("not a PE file: no MZ header");
    return false;
  }
  auto e_lfanew = data.read_le<std::uint32_t>(0x3C);
  if (!e_lfanew || !data.fits(*e_lfanew, 4)) {
    pe.error("not a PE file: e_lfanew points past the end of the file");
    return false;
  }
  pe.pe_offset = *e_lfanew;
  if (data.read_le<std::uint32_t>(pe.pe_offset) != kPeSignature) {
    pe.error("not a PE file: no PE signature at e_lfanew " + hex(pe.pe_offset));
    return false;
  }
  const std::size_t coff = std::size_t{pe.pe_offset} + 4;
  if (!data.fits(coff, 20)) {
    pe.error("truncated: the COFF file header runs past the end of the file");
    return true;
  }
  pe.machine = read_or_zero<std::uint16_t>(data, coff);
  pe.number_of_sections = read_or_zero<std::uint16_t>(data, coff + 2);
  pe.timestamp = read_or_zero<std::uint32_t>(data, coff + 4);
  pe.symbol_table = read_or_zero<std::uint32_t>(data, coff + 8);
  pe.number_of_symbols = read_or_zero<std::uint32_t>(data, coff + 12);
  pe.optional_header_size = read_or_zero<std::uint16_t>(data, coff + 16);
  pe.characteristics = read_or_zero<std::uint16_t>(data, coff + 18);
  pe.optional_offset = coff + 20;
  parse_optional_header(pe);
  if (!pe.has_optional) return true;
  pe.section_table_offset = pe.optional_offset + pe.optional_header_size;
  parse_sections(pe);
  return true;
}

const Section* section_by_rva(const PeImage& pe, std::uint64_t rva) {
  for (std::size_t index : pe.by_address) {
    const Section& section = pe.sections[index];
    if (section.va_adj <= rva && rva < section.rva_end) return &section;
  }
  return nullptr;
}

std::optional<std::uint64_t> offset_from_rva(const PeImage& pe, std::uint64_t rva) {
  const Section* section = section_by_rva(pe, rva);
  if (section == nullptr) {
    if (rva < pe.data.size()) return rva;  // data outside any section: pefile reads the file there
    return std::nullopt;
  }
  return rva - section->va_adj + section->ptr_adj;
}

ByteView data_at_rva(const PeImage& pe, std::uint64_t rva, std::size_t length, bool* ok) {
  if (ok != nullptr) *ok = true;
  const Section* section = section_by_rva(pe, rva);
  std::uint64_t begin = rva;
  std::uint64_t end = pe.data.size();
  if (section != nullptr) {
    begin = rva - section->va_adj + section->ptr_adj;
    end = std::uint64_t{section->raw_pointer} + section->raw_size;
  } else if (rva >= pe.data.size()) {
    if (ok != nullptr) *ok = false;
    return {};
  }
  end = std::min<std::uint64_t>({end, begin + length, pe.data.size()});
  if (begin >= end) return {};
  return pe.data.subview(begin, end - begin).value_or(ByteView{});
}

std::string string_at_rva(const PeImage& pe, std::uint64_t rva, std::size_t max_length) {
  std::string_view text = data_at_rva(pe, rva, max_length).as_string_view();
  return std::string(text.substr(0, text.find('\0')));
}

ByteView section_data(const PeImage& pe, const Section& section) {
  const std::uint64_t begin = section.ptr_adj;
  const std::uint64_t end = std::min<std::uint64_t>(
      {begin + section.raw_size, std::uint64_t{section.raw_pointer} + section.raw_size, pe.data.size()});
  if (begin >= end) return {};
  return pe.data.subview(begin, end - begin).value_or(ByteView{});
}

double entropy(ByteView bytes) {
  if (bytes.empty()) return 0.0;
  std::array<std::size_t, 256> counts{};
  for (std::uint8_t byte : bytes.span()) ++counts[byte];
  double result = 0.0;
  const auto total = static_cast<double>(bytes.size());
  for (std::size_t count : counts) {
    if (count == 0) continue;
    const double p = static_cast<double>(count) / total;
    result -= p * std::log2(p);
  }
  return result;
}

namespace {
std::string digest_hex(const EVP_MD* md, ByteView bytes) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  EVP_Digest(bytes.data(), bytes.size(), digest.data(), &length, md, nullptr);
  static constexpr std::string_view kHex = "0123456789abcdef";
  std::string out;
  out.reserve(std::size_t{length} * 2);
  for (unsigned int i = 0; i < length; ++i) {
    out.push_back(kHex[digest[i] >> 4]);
    out.push_back(kHex[digest[i] & 0xF]);
  }
  return out;
}
}  // namespace

std::string md5_hex(ByteView bytes) { return digest_hex(EVP_md5(), bytes); }
std::string sha256_hex(ByteView bytes) { return digest_hex(EVP_sha256(), bytes); }

std::string text_of(std::string_view bytes) {
  if (is_valid_utf8(bytes)) return std::string(bytes);
  return latin1_to_utf8(ByteView(bytes));
}

std::string hex(std::uint64_t value) {
  static constexpr std::string_view kHex = "0123456789abcdef";
  std::string digits;
  do {
    digits.insert(digits.begin(), kHex[value & 0xF]);
    value >>= 4;
  } while (value != 0);
  return "0x" + digits;
}

namespace {
std::string utc_time(std::uint32_t timestamp) {
  const auto seconds = static_cast<std::time_t>(timestamp);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  std::array<char, 32> text{};
  std::strftime(text.data(), text.size(), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return text.data();
}
std::string version(unsigned major, unsigned minor) { return std::to_string(major) + "." + std::to_string(minor); }
}  // namespace

Json headers_json(const PeImage& pe) {
  Json out = Json::object();
  out["pe_type"] = !pe.has_optional ? "unknown" : pe.pe32_plus ? "PE32+" : "PE32";
  out["machine_type"] = machine_name(pe.machine);
  out["compile_time"] = utc_time(pe.timestamp);
  out["timestamp"] = pe.timestamp;
  out["characteristics"] = file_flags(pe.characteristics);
  if (!pe.has_optional) return out;
  out["subsystem"] = subsystem_name(pe.subsystem);
  out["dll_characteristics"] = dll_flags(pe.dll_characteristics);
  out["entrypoint"] = pe.entry_point;
  out["image_base"] = pe.image_base;
  out["image_size"] = pe.size_of_image;
  out["headers_size"] = pe.size_of_headers;
  out["checksum"] = pe.checksum;
  out["section_alignment"] = pe.section_alignment;
  out["file_alignment"] = pe.file_alignment;
  out["linker_version"] = version(pe.linker_major, pe.linker_minor);
  out["os_version"] = version(pe.os_major, pe.os_minor);
  out["subsystem_version"] = version(pe.subsystem_major, pe.subsystem_minor);
  return out;
}

Json sections_json(PeImage& pe) {
  Json out = Json::array();
  bool budget_hit = false;
  for (const Section& section : pe.sections) {
    Json entry = Json::object();
    entry["name"] = text_of(section.raw_name);
    entry["virtual_address"] = section.virtual_address;
    entry["virtual_size"] = section.virtual_size;
    entry["raw_offset"] = section.raw_pointer;
    entry["raw_size"] = section.raw_size;
    const ByteView bytes = section_data(pe, section);
    if (pe.spend_digest(bytes.size())) {
      entry["entropy"] = entropy(bytes);
      entry["md5"] = md5_hex(bytes);
    } else {
      budget_hit = true;
    }
    entry["characteristics"] = section.characteristics;
    entry["flags"] = section_flags(section.characteristics);
    out.push_back(std::move(entry));
  }
  if (budget_hit) pe.error("max_digest_bytes reached: some sections have no entropy or md5");
  return out;
}

}  // namespace stoq::plugins::worker::peinfo

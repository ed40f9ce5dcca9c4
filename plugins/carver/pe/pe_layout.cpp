#include "pe_layout.hpp"

#include <algorithm>

namespace stoq::plugins::carver::pe {
namespace {

constexpr std::uint16_t kPe32 = 0x10B;
constexpr std::uint16_t kPe32Plus = 0x20B;
constexpr std::uint16_t kMaxSections = 96;
constexpr std::uint32_t kSecurityDirectory = 4;

bool power_of_two(std::uint32_t value) { return value != 0 && (value & (value - 1)) == 0; }

}  // namespace

std::optional<PeLayout> measure_pe(ByteView data) {
  if (!data.starts_with("MZ")) return std::nullopt;
  auto e_lfanew = data.read_le<std::uint32_t>(0x3C);
  if (!e_lfanew || *e_lfanew < 4) return std::nullopt;
  const std::size_t pe_header = *e_lfanew;
  auto signature = data.read_le<std::uint32_t>(pe_header);
  if (signature != std::uint32_t{0x00004550}) return std::nullopt;  // "PE\0\0"
  const std::size_t coff = pe_header + 4;
  auto machine = data.read_le<std::uint16_t>(coff);
  auto sections = data.read_le<std::uint16_t>(coff + 2);
  auto optional_size = data.read_le<std::uint16_t>(coff + 16);
  if (!machine || !sections || !optional_size || *sections > kMaxSections) return std::nullopt;
  const std::size_t optional_header = coff + 20;
  auto magic = data.read_le<std::uint16_t>(optional_header);
  if (magic != kPe32 && magic != kPe32Plus) return std::nullopt;
  PeLayout layout;
  layout.pe32_plus = magic == kPe32Plus;
  layout.machine = *machine;
  layout.sections = *sections;
  // Windows-specific fields end at 96 (PE32) / 112 (PE32+) bytes; data directories follow.
  const std::size_t directories = layout.pe32_plus ? 112 : 96;
  if (*optional_size < directories || !data.fits(optional_header, *optional_size)) return std::nullopt;
  auto file_alignment = data.read_le<std::uint32_t>(optional_header + 36);
  auto size_of_headers = data.read_le<std::uint32_t>(optional_header + 60);
  auto directory_count = data.read_le<std::uint32_t>(optional_header + directories - 4);
  if (!power_of_two(*file_alignment) || *file_alignment > 0x10000) return std::nullopt;
  const std::size_t section_table = optional_header + *optional_size;
  if (!data.fits(section_table, std::size_t{40} * *sections)) return std::nullopt;

  std::uint64_t end = std::max<std::uint64_t>(section_table + std::size_t{40} * *sections, *size_of_headers);
  for (std::size_t i = 0; i < *sections; ++i) {
    std::size_t entry = section_table + 40 * i;
    std::uint32_t raw_size = *data.read_le<std::uint32_t>(entry + 16);
    std::uint32_t raw_pointer = *data.read_le<std::uint32_t>(entry + 20);
    if (raw_size == 0 || raw_pointer == 0) continue;
    end = std::max<std::uint64_t>(end, std::uint64_t{raw_pointer} + raw_size);
  }
  std::size_t security = directories + kSecurityDirectory * 8;
  if (*directory_count > kSecurityDirectory && security + 8 <= *optional_size) {
    std::uint32_t offset = *data.read_le<std::uint32_t>(optional_header + security);
    std::uint32_t length = *data.read_le<std::uint32_t>(optional_header + security + 4);
    std::uint64_t cert_end = std::uint64_t{offset} + length;
    // Only a table that lies in the data and beyond the sections (where signing puts it).
    if (offset != 0 && length != 0 && offset >= end && cert_end <= data.size()) {
      end = cert_end;
      layout.certificate = true;
    }
  }
  if (end > data.size()) {
    layout.truncated = true;
    end = data.size();
  }
  layout.size = end;
  return layout;
}

}  // namespace stoq::plugins::carver::pe

// worker:peinfo's PE parser: the headers and section table, and the address
// arithmetic every other part uses (RVA -> file offset the way pefile does it, so
// that results agree with pefile). Every read of the file goes through ByteView.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "stoq/bytes.hpp"
#include "stoq/json.hpp"

namespace stoq::plugins::worker::peinfo {

/// Caps that keep a hostile file from costing unbounded time or memory.
struct Limits {
  std::size_t max_sections = 1024;
  std::size_t max_imports = 8192;      // symbols, all DLLs together (pefile: 0x2000)
  std::size_t max_exports = 8192;      // (pefile: 0x2000)
  std::size_t max_resources = 4096;    // resource directory entries, all levels together
  std::size_t max_resource_depth = 8;  // nested resource directories
  std::size_t max_certificates = 64;
  std::size_t max_digest_bytes = 256U << 20;  // bytes hashed/entropy-scanned for sections and resources
  std::size_t max_debug_entries = 64;
  std::size_t max_tls_callbacks = 256;
};

struct DataDirectory {
  std::uint32_t rva = 0;
  std::uint32_t size = 0;
};

enum Directory : std::size_t {
  kExportDir = 0,
  kImportDir = 1,
  kResourceDir = 2,
  kSecurityDir = 4,
  kDebugDir = 6,
  kTlsDir = 9,
};

struct Section {
  std::string raw_name;  // the 8-byte name field without trailing NULs
  std::uint32_t virtual_size = 0;
  std::uint32_t virtual_address = 0;
  std::uint32_t raw_size = 0;
  std::uint32_t raw_pointer = 0;
  std::uint32_t characteristics = 0;
  // pefile's lookup helpers: aligned address and offset, and [min, max) of the RVAs it holds.
  std::uint64_t va_adj = 0;
  std::uint64_t ptr_adj = 0;
  std::uint64_t rva_end = 0;
};

struct PeImage {
  ByteView data;
  Limits limits;
  std::vector<std::string> errors;  // problems met, in order; results stay partial

  std::uint32_t pe_offset = 0;  // e_lfanew
  // COFF file header
  std::uint16_t machine = 0;
  std::uint16_t number_of_sections = 0;
  std::uint32_t timestamp = 0;
  std::uint32_t symbol_table = 0;
  std::uint32_t number_of_symbols = 0;
  std::uint16_t optional_header_size = 0;
  std::uint16_t characteristics = 0;
  // Optional header
  std::size_t optional_offset = 0;
  bool has_optional = false;
  std::uint16_t magic = 0;
  bool pe32_plus = false;
  std::uint8_t linker_major = 0;
  std::uint8_t linker_minor = 0;
  std::uint32_t size_of_code = 0;
  std::uint32_t entry_point = 0;
  std::uint32_t base_of_code = 0;
  std::uint64_t image_base = 0;
  std::uint32_t section_alignment = 0;
  std::uint32_t file_alignment = 0;
  std::uint16_t os_major = 0;
  std::uint16_t os_minor = 0;
  std::uint16_t subsystem_major = 0;
  std::uint16_t subsystem_minor = 0;
  std::uint32_t size_of_image = 0;
  std::uint32_t size_of_headers = 0;
  std::uint32_t checksum = 0;
  std::uint16_t subsystem = 0;
  std::uint16_t dll_characteristics = 0;
  std::vector<DataDirectory> directories;  // NumberOfRvaAndSizes entries (at most 16 used)

  std::vector<Section> sections;         // file order
  std::vector<std::size_t> by_address;   // indexes into sections, sorted by VirtualAddress (stable)
  std::size_t section_table_offset = 0;  // file offset of the section table

  std::size_t digest_budget = 0;  // bytes left for hashing/entropy (limits.max_digest_bytes)

  void error(std::string message) { errors.push_back(std::move(message)); }
  [[nodiscard]] DataDirectory directory(std::size_t index) const {
    return index < directories.size() ? directories[index] : DataDirectory{};
  }
  /// Takes `bytes` from the digest budget; false (and nothing taken) when it would run out.
  bool spend_digest(std::size_t bytes);
};

/// Parses the DOS, COFF and optional headers and the section table. false (with an
/// error) when `data` is not a PE at all; true otherwise, possibly with errors for a
/// truncated optional header or section table.
bool parse_headers(PeImage& pe);

/// The section holding `rva` (pefile's get_section_by_rva), or nullptr.
const Section* section_by_rva(const PeImage& pe, std::uint64_t rva);
/// The file offset of `rva` (pefile's get_offset_from_rva); nullopt when unmapped.
std::optional<std::uint64_t> offset_from_rva(const PeImage& pe, std::uint64_t rva);
/// Up to `length` bytes at `rva` (pefile's get_data: clamped to the end of the section's raw
/// data, or of the file). An empty view when `rva` cannot be fetched; `ok` tells which.
ByteView data_at_rva(const PeImage& pe, std::uint64_t rva, std::size_t length, bool* ok = nullptr);
/// An ASCII string at `rva`, up to its NUL or `max_length` bytes (pefile's get_string_at_rva).
std::string string_at_rva(const PeImage& pe, std::uint64_t rva, std::size_t max_length);
/// The section's bytes as pefile's section.get_data() returns them.
ByteView section_data(const PeImage& pe, const Section& section);

/// Shannon entropy in bits per byte (pefile's entropy_H).
double entropy(ByteView bytes);
/// Lower-case hex digests (OpenSSL).
std::string md5_hex(ByteView bytes);
std::string sha256_hex(ByteView bytes);
/// Bytes from the file as a JSON-safe UTF-8 string: valid UTF-8 as is, else Latin-1.
std::string text_of(std::string_view bytes);
/// "0x1a2b".
std::string hex(std::uint64_t value);

/// The header fields as results (machine, timestamp, subsystem, flags, ...).
Json headers_json(const PeImage& pe);
/// The section table as results (name, addresses, sizes, entropy, md5, flags).
Json sections_json(PeImage& pe);

}  // namespace stoq::plugins::worker::peinfo

// worker:peinfo: the import directory (with the imphash) and the export directory,
// walked with pefile's rules so that the lists and the imphash equal pefile's.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "pe_image.hpp"

namespace stoq::plugins::worker::peinfo {

struct ImportedFunction {
  std::optional<std::string> name;  // from the hint/name table, or pefile's ordlookup table
  std::optional<std::uint16_t> ordinal;
  std::optional<std::uint16_t> hint;
};

struct ImportedDll {
  std::string dll;  // raw bytes of the name ("*invalid*" for a name pefile rejects)
  std::vector<ImportedFunction> functions;
};

/// The import directory's DLLs in order (pefile's parse_import_directory).
std::vector<ImportedDll> parse_imports(PeImage& pe);
/// pefile's get_imphash(): "" without imports.
std::string imphash(const std::vector<ImportedDll>& imports);
Json imports_json(const std::vector<ImportedDll>& imports);

/// The export directory (pefile's parse_export_directory) as results; null when absent.
Json parse_exports(PeImage& pe);

}  // namespace stoq::plugins::worker::peinfo

#include "pe_imports.hpp"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>
#include <string_view>
#include <utility>

#include "pe_ordinals.hpp"

namespace stoq::plugins::worker::peinfo {
namespace {

constexpr std::size_t kMaxDllLength = 0x200;
constexpr std::size_t kMaxNameLength = 0x200;
constexpr std::size_t kMaxStringLength = 0x100000;
constexpr std::uint64_t kMaxAddressSpread = 128ULL << 20;
constexpr int kMaxRepeatedAddresses = 15;
constexpr int kMaxRepeatedExports = 120;
constexpr std::size_t kDescriptorSize = 20;

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

bool alnum(unsigned char c) { return std::isalnum(c) != 0; }

// pefile's is_valid_dos_filename (with path separators).
bool valid_dll_name(std::string_view name) {
  static constexpr std::string_view kExtra = "!#$%&'()-@^_`{}~+,.;=[]\\/";
  return std::all_of(name.begin(), name.end(), [](char c) {
    return alnum(static_cast<unsigned char>(c)) || kExtra.find(c) != std::string_view::npos;
  });
}

// pefile's is_valid_function_name.
bool valid_function_name(std::string_view name, bool relaxed) {
  const std::string_view extra = relaxed ? std::string_view("!\"#$%&'()*+,-./:<>?[\\]^_`{|}~@") : "._?@$()<>";
  return std::all_of(name.begin(), name.end(), [&extra](char c) {
    return alnum(static_cast<unsigned char>(c)) || extra.find(c) != std::string_view::npos;
  });
}

struct AddressSet {
  std::set<std::uint64_t> values;
  [[nodiscard]] std::uint64_t spread() const { return values.empty() ? 0 : *values.rbegin() - *values.begin(); }
};

class ImportWalker {
 public:
  explicit ImportWalker(PeImage& pe) : pe_(pe) {}

  // pefile's get_import_table: nullopt for a table that cannot be read, empty for a bogus one.
  std::optional<std::vector<std::uint64_t>> table(std::uint64_t rva, std::uint64_t max_length) {
    const std::size_t entry_size = pe_.pe32_plus ? 8 : 4;
    const std::uint64_t ordinal_flag = pe_.pe32_plus ? (1ULL << 63) : 0x80000000ULL;
    std::vector<std::uint64_t> entries;
    const std::uint64_t start = rva;
    int repeated = 0;
    AddressSet set32;
    AddressSet set64;
    while (rva != 0) {
      if (rva >= start + max_length) {
        pe_.error("import table entries go beyond bounds at RVA " + hex(rva));
        break;
      }
      if (symbols_ > pe_.limits.max_imports) {
        if (!warned_) pe_.error("too many import entries (max_imports " + std::to_string(pe_.limits.max_imports) + ")");
        warned_ = true;
        break;
      }
      ++symbols_;
      if (repeated >= kMaxRepeatedAddresses) return std::vector<std::uint64_t>{};
      if (set32.spread() > kMaxAddressSpread || set64.spread() > kMaxAddressSpread) {
        return std::vector<std::uint64_t>{};
      }
      ByteView raw = data_at_rva(pe_, rva, entry_size);
      if (raw.size() != entry_size) {
        pe_.error("invalid import table data at RVA " + hex(rva));
        return std::nullopt;
      }
      const std::uint64_t value =
          pe_.pe32_plus ? raw.read_le<std::uint64_t>(0).value_or(0) : raw.read_le<std::uint32_t>(0).value_or(0);
      if (value >= start && value <= rva) {
        pe_.error("import table: AddressOfData overlaps the thunks at RVA " + hex(rva));
        break;
      }
      if (value != 0) {
        if ((value & ordinal_flag) != 0) {
          if ((value & 0x7FFFFFFF) > 0xFFFF) return std::vector<std::uint64_t>{};
        } else {
          AddressSet& set = value >= (1ULL << 32) ? set64 : set32;
          if (set.values.contains(value)) ++repeated;
          set.values.insert(value);
        }
      }
      if (value == 0) break;
      rva += entry_size;
      entries.push_back(value);
    }
    return entries;
  }

  // pefile's parse_imports: nullopt when the entries are invalid (pefile raises).
  std::optional<std::vector<ImportedFunction>> functions(std::uint32_t original_first_thunk, std::uint32_t first_thunk,
                                                         std::uint64_t max_length) {
    auto ilt = table(original_first_thunk, max_length);
    auto iat = table(first_thunk, max_length);
    const bool has_ilt = ilt && !ilt->empty();
    const bool has_iat = iat && !iat->empty();
    if (!has_ilt && !has_iat) return std::vector<ImportedFunction>{};
    const std::vector<std::uint64_t>& entries = has_ilt ? *ilt : *iat;
    const std::uint64_t ordinal_flag = pe_.pe32_plus ? (1ULL << 63) : 0x80000000ULL;
    const std::uint64_t address_mask = pe_.pe32_plus ? 0x7FFFFFFFFFFFFFFFULL : 0x7FFFFFFFULL;
    std::vector<ImportedFunction> out;
    std::size_t invalid = 0;
    for (std::size_t index = 0; index < entries.size(); ++index) {
      const std::uint64_t entry = entries[index];
      ImportedFunction function;
      if ((entry & ordinal_flag) != 0) {
        function.ordinal = static_cast<std::uint16_t>(entry & 0xFFFF);
      } else {
        bool ok = false;
        ByteView hint = data_at_rva(pe_, entry & address_mask, 2, &ok);
        if (ok) {
          if (auto value = hint.read_le<std::uint16_t>(0)) function.hint = *value;
          std::string name = string_at_rva(pe_, entry + 2, kMaxNameLength);
          function.name = valid_function_name(name, false) ? std::move(name) : "*invalid*";
        }
      }
      if (!function.ordinal && !function.name) return std::nullopt;
      if (function.name == "*invalid*") {
        if (invalid > 1000 && invalid == index) return std::nullopt;
        ++invalid;
        continue;
      }
      if ((function.ordinal && *function.ordinal != 0) || (function.name && !function.name->empty())) {
        out.push_back(std::move(function));
      }
    }
    return out;
  }

 private:
  PeImage& pe_;
  std::size_t symbols_ = 0;
  bool warned_ = false;
};

}  // namespace

std::vector<ImportedDll> parse_imports(PeImage& pe) {
  std::vector<ImportedDll> dlls;
  const DataDirectory directory = pe.directory(kImportDir);
  if (directory.rva == 0) return dlls;
  ImportWalker walker(pe);
  std::uint64_t rva = directory.rva;
  int error_count = 0;
  // Each descriptor advances rva by 20 bytes, and a table must fit in the file: bounded.
  for (std::size_t descriptors = 0;; ++descriptors) {
    bool ok = false;
    ByteView raw = data_at_rva(pe, rva, kDescriptorSize, &ok);
    if (!ok) {
      pe.error("cannot read the import directory at RVA " + hex(rva));
      break;
    }
    if (raw.size() < kDescriptorSize) {
      if (descriptors == 0 ||
          !std::all_of(raw.data(), raw.data() + raw.size(), [](std::uint8_t b) { return b == 0; })) {
        pe.error("truncated import descriptor at RVA " + hex(rva));
      }
      break;
    }
    if (std::all_of(raw.data(), raw.data() + raw.size(), [](std::uint8_t b) { return b == 0; })) break;
    if (descriptors >= pe.limits.max_imports) {
      pe.error("too many import descriptors (max_imports " + std::to_string(pe.limits.max_imports) + ")");
      break;
    }
    const std::uint64_t file_offset = offset_from_rva(pe, rva).value_or(0);
    const std::uint32_t original_first_thunk = raw.read_le<std::uint32_t>(0).value_or(0);
    const std::uint32_t name_rva = raw.read_le<std::uint32_t>(12).value_or(0);
    const std::uint32_t first_thunk = raw.read_le<std::uint32_t>(16).value_or(0);
    rva += kDescriptorSize;
    std::uint64_t max_length = pe.data.size() > file_offset ? pe.data.size() - file_offset : 0;
    if (rva > original_first_thunk || rva > first_thunk) {
      const std::int64_t a = static_cast<std::int64_t>(rva) - original_first_thunk;
      const std::int64_t b = static_cast<std::int64_t>(rva) - first_thunk;
      max_length = static_cast<std::uint64_t>(std::max(a, b));
    }
    auto functions = walker.functions(original_first_thunk, first_thunk, max_length);
    if (!functions) {
      pe.error("invalid import data for the descriptor ending at RVA " + hex(rva));
      functions.emplace();
    }
    if (error_count > 5) {
      pe.error("too many errors parsing the import directory at RVA " + hex(rva));
      break;
    }
    if (functions->empty()) {
      ++error_count;
      continue;
    }
    std::string dll = string_at_rva(pe, name_rva, kMaxDllLength);
    if (!valid_dll_name(dll)) dll = "*invalid*";
    if (dll.empty()) continue;
    const std::string dll_lower = lower(dll);
    for (ImportedFunction& function : *functions) {
      if (!function.name && function.ordinal) {
        if (auto known = known_ordinal_table(dll_lower, *function.ordinal)) {
          function.name = known->empty() ? ordinal_lookup(dll_lower, *function.ordinal) : std::string(*known);
        }
      }
    }
    dlls.push_back({std::move(dll), std::move(*functions)});
  }
  return dlls;
}

std::string imphash(const std::vector<ImportedDll>& imports) {
  if (imports.empty()) return "";
  std::string joined;
  for (const ImportedDll& dll : imports) {
    std::string library = lower(dll.dll);
    const std::size_t dot = library.rfind('.');
    if (dot != std::string::npos) {
      const std::string_view extension = std::string_view(library).substr(dot + 1);
      if (extension == "ocx" || extension == "sys" || extension == "dll") library.resize(dot);
    }
    const std::string dll_lower = lower(dll.dll);
    for (const ImportedFunction& function : dll.functions) {
      std::string name = function.name ? *function.name : ordinal_lookup(dll_lower, function.ordinal.value_or(0));
      if (name.empty()) continue;
      if (!joined.empty()) joined += ',';
      joined += library;
      joined += '.';
      joined += lower(name);
    }
  }
  return md5_hex(ByteView(std::string_view(joined)));
}

Json imports_json(const std::vector<ImportedDll>& imports) {
  Json out = Json::array();
  for (const ImportedDll& dll : imports) {
    Json functions = Json::array();
    for (const ImportedFunction& function : dll.functions) {
      Json entry = Json::object();
      entry["name"] = function.name ? Json(text_of(*function.name)) : Json(nullptr);
      entry["ordinal"] = function.ordinal ? Json(*function.ordinal) : Json(nullptr);
      if (function.hint) entry["hint"] = *function.hint;
      functions.push_back(std::move(entry));
    }
    out.push_back({{"dll", text_of(dll.dll)}, {"functions", std::move(functions)}});
  }
  return out;
}

namespace {

// pefile's get_data(rva, length) with length 0 meaning "to the end of the section".
ByteView export_table(const PeImage& pe, std::uint32_t rva, std::uint64_t count, bool* ok) {
  const std::uint64_t offset = offset_from_rva(pe, rva).value_or(pe.data.size());
  const std::uint64_t until_eof = pe.data.size() > offset ? pe.data.size() - offset : 0;
  std::uint64_t length = std::min(until_eof, count * 4);
  if (length == 0) length = pe.data.size();
  return data_at_rva(pe, rva, length, ok);
}

std::uint64_t safety_boundary(const PeImage& pe, std::uint32_t rva) {
  const Section* section = section_by_rva(pe, rva);
  if (section == nullptr) return pe.data.size();
  const std::int64_t value = static_cast<std::int64_t>(section->virtual_address) +
                             static_cast<std::int64_t>(section_data(pe, *section).size()) - rva;
  return value < 0 ? 0 : static_cast<std::uint64_t>(value);
}

Json export_entry(std::uint32_t ordinal, std::uint32_t address, const std::optional<std::string>& name,
                  const std::optional<std::string>& forwarder) {
  Json entry = Json::object();
  entry["name"] = name ? Json(text_of(*name)) : Json(nullptr);
  entry["ordinal"] = ordinal;
  entry["address"] = address;
  entry["forwarder"] = forwarder ? Json(text_of(*forwarder)) : Json(nullptr);
  return entry;
}

}  // namespace

Json parse_exports(PeImage& pe) {
  const DataDirectory directory = pe.directory(kExportDir);
  if (directory.rva == 0) return nullptr;
  bool ok = false;
  ByteView header = data_at_rva(pe, directory.rva, 40, &ok);
  if (!ok || header.size() < 40) {
    pe.error("cannot read the export directory at RVA " + hex(directory.rva));
    return nullptr;
  }
  const std::uint32_t timestamp = header.read_le<std::uint32_t>(4).value_or(0);
  const std::uint32_t name_rva = header.read_le<std::uint32_t>(12).value_or(0);
  const std::uint32_t base = header.read_le<std::uint32_t>(16).value_or(0);
  const std::uint32_t number_of_functions = header.read_le<std::uint32_t>(20).value_or(0);
  const std::uint32_t number_of_names = header.read_le<std::uint32_t>(24).value_or(0);
  const std::uint32_t functions_rva = header.read_le<std::uint32_t>(28).value_or(0);
  const std::uint32_t names_rva = header.read_le<std::uint32_t>(32).value_or(0);
  const std::uint32_t ordinals_rva = header.read_le<std::uint32_t>(36).value_or(0);
  bool ok_names = false;
  bool ok_ordinals = false;
  bool ok_functions = false;
  ByteView names = export_table(pe, names_rva, number_of_names, &ok_names);
  ByteView ordinals = export_table(pe, ordinals_rva, number_of_names, &ok_ordinals);
  ByteView functions = export_table(pe, functions_rva, number_of_functions, &ok_functions);
  if (!ok_names || !ok_ordinals || !ok_functions) {
    pe.error("cannot read the export tables of the export directory at RVA " + hex(directory.rva));
    return nullptr;
  }
  auto in_directory = [&directory](std::uint32_t address) {
    return address >= directory.rva && std::uint64_t{address} < std::uint64_t{directory.rva} + directory.size;
  };
  Json symbols = Json::array();
  std::set<std::uint32_t> named_ordinals;
  std::map<std::pair<std::string, std::uint32_t>, int> seen_names;
  const std::size_t max_exports = std::min<std::size_t>(pe.limits.max_exports, 0x2000);
  const std::uint64_t named_count = std::min<std::uint64_t>(number_of_names, safety_boundary(pe, names_rva) / 4);
  for (std::uint64_t i = 0; i < named_count; ++i) {
    auto ordinal = ordinals.read_le<std::uint16_t>(i * 2);
    if (!ordinal || std::uint64_t{*ordinal} * 4 >= functions.size()) {
      pe.error("export directory: name ordinal " + std::to_string(i) + " is out of range");
      return nullptr;
    }
    const std::uint32_t address = functions.read_le<std::uint32_t>(std::size_t{*ordinal} * 4).value_or(0);
    if (address == 0) continue;
    std::optional<std::string> forwarder;
    if (in_directory(address)) forwarder = string_at_rva(pe, address, kMaxStringLength);
    auto name_address = names.read_le<std::uint32_t>(i * 4);
    std::string name = name_address ? string_at_rva(pe, *name_address, kMaxNameLength) : std::string("\x01");
    if (!name_address || !valid_function_name(name, true)) {
      pe.error("export directory: invalid name at index " + std::to_string(i));
      break;
    }
    if (++seen_names[{name, address}] > 10) {
      pe.error("export directory: more than 10 repeated entries, assuming corrupt");
      break;
    }
    if (seen_names.size() > max_exports) {
      pe.error("export directory: more than " + std::to_string(max_exports) + " symbols (max_exports)");
      break;
    }
    named_ordinals.insert(base + *ordinal);
    symbols.push_back(export_entry(base + *ordinal, address, name, forwarder));
  }
  std::map<std::uint32_t, int> seen_addresses;
  const std::uint64_t function_count =
      std::min<std::uint64_t>(number_of_functions, safety_boundary(pe, functions_rva) / 4);
  int failures = 10;
  for (std::uint64_t index = 0; index < function_count; ++index) {
    const auto ordinal = static_cast<std::uint32_t>(base + index);
    if (named_ordinals.contains(ordinal)) continue;
    auto address = functions.read_le<std::uint32_t>(index * 4);
    if (!address) {
      if (--failures <= 0) {
        pe.error("export directory: AddressOfFunctions points to an invalid address");
        return nullptr;
      }
      continue;
    }
    if (*address == 0) continue;
    std::optional<std::string> forwarder;
    if (in_directory(*address)) forwarder = string_at_rva(pe, *address, kMaxStringLength);
    if (++seen_addresses[*address] > kMaxRepeatedExports) {
      pe.error("export directory: more than " + std::to_string(kMaxRepeatedExports) + " repeated ordinal entries");
      break;
    }
    if (seen_addresses.size() > max_exports) {
      pe.error("export directory: more than " + std::to_string(max_exports) + " ordinal entries (max_exports)");
      break;
    }
    symbols.push_back(export_entry(ordinal, *address, std::nullopt, forwarder));
  }
  if (symbols.empty() &&
      std::all_of(header.data(), header.data() + header.size(), [](std::uint8_t b) { return b == 0; })) {
    return nullptr;
  }
  Json out = Json::object();
  out["name"] = text_of(string_at_rva(pe, name_rva, kMaxStringLength));
  out["timestamp"] = timestamp;
  out["base"] = base;
  out["functions"] = std::move(symbols);
  return out;
}

}  // namespace stoq::plugins::worker::peinfo

#include "pe_analyze.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <string>
#include <string_view>
#include <vector>

#include "pe_extras.hpp"
#include "pe_imports.hpp"
#include "pe_resources.hpp"

namespace stoq::plugins::worker::peinfo {
namespace {

constexpr std::uint16_t kFileDll = 0x2000;
constexpr std::uint16_t kFileExecutable = 0x0002;
constexpr std::uint16_t kSubsystemNative = 1;
constexpr std::uint16_t kSubsystemNativeWindows = 8;

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

// pefile's is_driver(), with the section-name test it intends (pefile compares bytes
// with str there, so only the imports count for it).
bool is_driver(const PeImage& pe, const std::vector<ImportedDll>& imports) {
  static constexpr std::array<std::string_view, 5> kSystemDlls{"ntoskrnl.exe", "hal.dll", "ndis.sys", "bootvid.dll",
                                                               "kdcom.dll"};
  for (const ImportedDll& dll : imports) {
    if (std::find(kSystemDlls.begin(), kSystemDlls.end(), lower(dll.dll)) != kSystemDlls.end()) return true;
  }
  if (pe.subsystem != kSubsystemNative && pe.subsystem != kSubsystemNativeWindows) return false;
  return std::any_of(pe.sections.begin(), pe.sections.end(), [](const Section& section) {
    const std::string name = lower(section.raw_name);
    return name == "page" || name == "paged";
  });
}

void put_if(Json& out, const char* key, Json value) {
  if (!value.is_null()) out[key] = std::move(value);
}

}  // namespace

Analysis analyze_pe(ByteView data, const Limits& limits) {
  Analysis analysis;
  PeImage pe;
  pe.data = data;
  pe.limits = limits;
  analysis.is_pe = parse_headers(pe);
  Json& out = analysis.results;
  if (!analysis.is_pe) {
    out["errors"] = pe.errors;
    return analysis;
  }
  const std::vector<ImportedDll> imports = parse_imports(pe);
  out["imphash"] = imphash(imports);
  Json headers = headers_json(pe);
  for (auto& [key, value] : headers.items()) out[key] = std::move(value);
  const bool dll = (pe.characteristics & kFileDll) != 0;
  const bool driver = is_driver(pe, imports);
  out["is_exe"] = !dll && !driver && (pe.characteristics & kFileExecutable) != 0;
  out["is_dll"] = dll;
  out["is_driver"] = driver;
  out["section_count"] = pe.number_of_sections;
  out["sections"] = sections_json(pe);
  out["imports"] = imports_json(imports);
  put_if(out, "exports", parse_exports(pe));
  ResourceScan resources = parse_resources(pe);
  if (!resources.resources.empty()) out["resources"] = std::move(resources.resources);
  put_if(out, "version_info", std::move(resources.version_info));
  put_if(out, "rich_header", parse_rich_header(pe));
  put_if(out, "debug", parse_debug(pe));
  put_if(out, "tls", parse_tls(pe));
  put_if(out, "signature", parse_signature(pe));
  put_if(out, "overlay", parse_overlay(pe));
  if (!pe.errors.empty()) out["errors"] = pe.errors;
  return analysis;
}

}  // namespace stoq::plugins::worker::peinfo

// The oracle of elfinfo's tests: `readelf -h -S -l --dyn-syms -d -W FILE` (binutils),
// run on the file and parsed back into the shape elfinfo reports.
#pragma once

#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "stoq/json.hpp"
#include "stoq/testing.hpp"

namespace elfinfo_test {

inline std::string hex_of(const std::string& digits) { return "0x" + std::to_string(std::stoull(digits, nullptr, 16)); }
inline std::string hex_text(const std::string& digits) {
  std::ostringstream out;
  out << "0x" << std::hex << std::stoull(digits, nullptr, 16);
  return out.str();
}
inline std::uint64_t number(const std::string& digits, int base = 16) { return std::stoull(digits, nullptr, base); }

/// readelf's view of FILE, in elfinfo's keys (header, sections, segments, interpreter,
/// needed, soname, runpath, rpath, dynamic tags, dynamic_symbols).
inline stoq::Json readelf(const std::string& path) {
  std::istringstream lines(stoq::testing::run_command("LC_ALL=C readelf -h -S -l --dyn-syms -d -W " +
                                                      stoq::testing::shell_quote(path) + " 2>&1"));
  stoq::Json out = {{"header", stoq::Json::object()},  {"sections", stoq::Json::array()},
                    {"segments", stoq::Json::array()}, {"needed", stoq::Json::array()},
                    {"dynamic", stoq::Json::array()},  {"dynamic_symbols", stoq::Json::array()}};
  static const std::regex kHeader(R"(^  (Class|Data|OS/ABI|Type|Machine|Entry point address):\s+(.*)$)");
  static const std::regex kSection(R"(^  \[\s*(\d+)\] (.*)$)");
  static const std::regex kSegment(
      R"(^  (\S+)\s+0x([0-9a-f]+) 0x([0-9a-f]+) 0x([0-9a-f]+) 0x([0-9a-f]+) 0x([0-9a-f]+) (.{3}) 0x([0-9a-f]+)$)");
  static const std::regex kInterp(R"(^\s+\[Requesting program interpreter: (.*)\]$)");
  static const std::regex kDynamic(R"(^ 0x[0-9a-f]+ \((\S+)\)\s+(.*)$)");
  static const std::regex kSymbol(R"(^\s*(\d+): ([0-9a-f]+)\s+(\d+) (\S+)\s+(\S+)\s+(\S+)\s+(\S+) ?(.*)$)");
  static const std::regex kLibrary(R"(^Library (soname|runpath|rpath): \[(.*)\]$)");
  std::string line;
  std::string block;
  while (std::getline(lines, line)) {
    std::smatch m;
    if (line.rfind("Section Headers:", 0) == 0) block = "sections";
    if (line.rfind("Program Headers:", 0) == 0) block = "segments";
    if (line.rfind("Dynamic section", 0) == 0) block = "dynamic";
    if (line.rfind("Symbol table '.dynsym'", 0) == 0) block = "symbols";
    if (line.rfind(" Section to Segment", 0) == 0) block = "";
    if (std::regex_match(line, m, kHeader)) {
      std::string key = m[1] == "OS/ABI" ? "os_abi" : m[1] == "Entry point address" ? "entry" : m[1].str();
      for (char& c : key) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      out["header"][key] = m[2].str();
    } else if (block == "sections" && std::regex_match(line, m, kSection)) {
      std::istringstream fields(m[2].str());
      std::vector<std::string> tokens;
      for (std::string token; fields >> token;) tokens.push_back(token);
      if (number(m[1], 10) == 0) tokens.insert(tokens.begin(), "");
      if (tokens.size() == 9) tokens.insert(tokens.begin() + 6, "");
      if (tokens.size() != 10) continue;
      out["sections"].push_back({{"index", number(m[1], 10)},
                                 {"name", tokens[0]},
                                 {"type", tokens[1]},
                                 {"address", hex_text(tokens[2])},
                                 {"offset", number(tokens[3])},
                                 {"size", number(tokens[4])},
                                 {"entry_size", number(tokens[5])},
                                 {"flags", tokens[6]},
                                 {"link", number(tokens[7], 10)},
                                 {"info", number(tokens[8], 10)},
                                 {"alignment", number(tokens[9], 10)}});
    } else if (block == "segments" && std::regex_match(line, m, kSegment)) {
      out["segments"].push_back({{"type", m[1].str()},
                                 {"flags", m[7].str()},
                                 {"offset", number(m[2])},
                                 {"virtual_address", hex_text(m[3])},
                                 {"physical_address", hex_text(m[4])},
                                 {"file_size", number(m[5])},
                                 {"memory_size", number(m[6])},
                                 {"alignment", number(m[8])}});
    } else if (std::regex_match(line, m, kInterp)) {
      out["interpreter"] = m[1].str();
    } else if (block == "dynamic" && std::regex_match(line, m, kDynamic)) {
      out["dynamic"].push_back(m[1].str());
      std::string value = m[2].str();
      std::smatch lib;
      if (value.rfind("Shared library: [", 0) == 0) out["needed"].push_back(value.substr(17, value.size() - 18));
      if (std::regex_match(value, lib, kLibrary)) out[lib[1].str()] = lib[2].str();
    } else if (block == "symbols" && std::regex_match(line, m, kSymbol)) {
      std::string name = m[8].str();
      stoq::Json symbol = {{"index", number(m[1], 10)}, {"value", hex_text(m[2])}, {"size", number(m[3], 10)},
                           {"type", m[4].str()},        {"bind", m[5].str()},      {"visibility", m[6].str()},
                           {"section", m[7].str()}};
      std::size_t at = name.find('@');
      if (at != std::string::npos) {
        std::string version = name.substr(at + 1);
        if (!version.empty() && version[0] == '@') version = version.substr(1);
        std::size_t paren = version.find(" (");
        if (paren != std::string::npos) version = version.substr(0, paren);
        symbol["version"] = version;
        name = name.substr(0, at);
      }
      symbol["name"] = name;
      out["dynamic_symbols"].push_back(symbol);
    }
  }
  return out;
}

}  // namespace elfinfo_test

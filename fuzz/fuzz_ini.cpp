// fuzz_ini: config::parse_ini on arbitrary bytes (every stoq.cfg and .stoq file goes
// through it). Contract: any input either parses or throws stoq::Error; nothing else
// may escape, and a parsed file must be self-consistent.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "config/ini.hpp"
#include "stoq/error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    stoq::config::IniFile file = stoq::config::parse_ini(text, "fuzz.ini");
    for (const stoq::config::IniSection& section : file.sections) {
      if (section.name.empty() || file.find(section.name) != &section) std::abort();
      for (const stoq::config::IniEntry& entry : section.entries) {
        if (entry.key.empty() || section.find(entry.key) != &entry) std::abort();
        if (entry.line < section.line) std::abort();
        (void)file.where(entry.line);
      }
    }
  } catch (const stoq::Error&) {
    // malformed input: the documented outcome
  }
  return 0;
}

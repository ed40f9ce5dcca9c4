// A strict reader for the INI dialect of Python's configparser, which wrote every
// stoq.cfg and .stoq file: [sections], `key = value` or `key: value`, # and ;
// comment lines, indented continuation lines, case-insensitive keys, `%%` and
// `%(key)s` interpolation. Malformed input is an Error naming file and line.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace stoq::config {

struct IniEntry {
  std::string key;  // lower-cased
  std::string value;
  int line = 0;
};

struct IniSection {
  std::string name;  // as written (section names are case-sensitive)
  int line = 0;
  std::vector<IniEntry> entries;

  [[nodiscard]] const IniEntry* find(std::string_view key) const;
};

struct IniFile {
  std::string path;  // for messages
  std::vector<IniSection> sections;

  [[nodiscard]] const IniSection* find(std::string_view section) const;
  /// "path:line" for messages.
  [[nodiscard]] std::string where(int line) const;
};

inline constexpr std::size_t kMaxIniBytes = 1 << 20;

/// Parses `text`; `path` only labels messages. Throws stoq::Error.
IniFile parse_ini(std::string_view text, std::string path);
/// Reads and parses a file (at most kMaxIniBytes). Throws stoq::Error.
IniFile read_ini(const std::string& path);

}  // namespace stoq::config

#include "config/ini.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>

#include "stoq/error.hpp"

namespace stoq::config {
namespace {

std::string_view trim(std::string_view text) {
  const char* space = " \t\r\f\v";
  auto first = text.find_first_not_of(space);
  if (first == std::string_view::npos) return {};
  auto last = text.find_last_not_of(space);
  return text.substr(first, last - first + 1);
}

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// Bounds what references can multiply up to (keys referencing keys many times over).
constexpr std::size_t kMaxInterpolatedBytes = 64 * 1024;

// configparser's BasicInterpolation: %% -> %, %(key)s -> value of key in the section.
std::string interpolate(const IniFile& file, const IniSection& section, const IniEntry& entry, int depth) {
  if (depth > 10) throw Error(file.where(entry.line) + ": interpolation nested too deeply");
  const std::string& raw = entry.value;
  std::string out;
  out.reserve(raw.size());
  for (std::size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] != '%') {
      out += raw[i];
      continue;
    }
    if (i + 1 < raw.size() && raw[i + 1] == '%') {
      out += '%';
      ++i;
      continue;
    }
    if (i + 1 < raw.size() && raw[i + 1] == '(') {
      auto close = raw.find(")s", i + 2);
      if (close == std::string::npos) {
        throw Error(file.where(entry.line) + ": bad interpolation in '" + entry.key + "'");
      }
      std::string ref = lower(raw.substr(i + 2, close - i - 2));
      const IniEntry* target = section.find(ref);
      if (target == nullptr || target == &entry) {
        throw Error(file.where(entry.line) + ": '" + entry.key + "' refers to missing key '" + ref + "'");
      }
      out += interpolate(file, section, *target, depth + 1);
      if (out.size() > kMaxInterpolatedBytes) {
        throw Error(file.where(entry.line) + ": '" + entry.key + "' expands to more than 64 KiB");
      }
      i = close + 1;
      continue;
    }
    throw Error(file.where(entry.line) + ": '%' in '" + entry.key +
                "' must be followed by '%' or '(' (write %% for a literal %)");
  }
  return out;
}

}  // namespace

const IniEntry* IniSection::find(std::string_view key) const {
  for (const IniEntry& entry : entries) {
    if (entry.key == key) return &entry;
  }
  return nullptr;
}

const IniSection* IniFile::find(std::string_view section) const {
  for (const IniSection& candidate : sections) {
    if (candidate.name == section) return &candidate;
  }
  return nullptr;
}

std::string IniFile::where(int line) const { return path + ":" + std::to_string(line); }

IniFile parse_ini(std::string_view text, std::string path) {
  IniFile file{std::move(path), {}};
  if (text.size() > kMaxIniBytes) throw Error(file.path + ": larger than 1 MiB");
  if (text.find('\0') != std::string_view::npos) throw Error(file.path + ": contains NUL bytes");
  IniSection* section = nullptr;
  IniEntry* last_entry = nullptr;
  std::size_t entry_indent = 0;
  int line_number = 0;
  std::size_t position = 0;
  while (position <= text.size()) {
    auto end = text.find('\n', position);
    if (end == std::string_view::npos) end = text.size();
    std::string_view raw_line = text.substr(position, end - position);
    position = end + 1;
    ++line_number;
    std::string_view line = trim(raw_line);
    std::size_t indent = raw_line.find_first_not_of(" \t");
    if (line.empty()) {
      last_entry = nullptr;  // a blank line ends a continuation
      if (end == text.size()) break;
      continue;
    }
    if (line[0] == '#' || line[0] == ';') continue;
    // As configparser: a line indented deeper than its key continues the key's value.
    if (last_entry != nullptr && indent != std::string_view::npos && indent > entry_indent) {
      last_entry->value += '\n';
      last_entry->value += line;
      continue;
    }
    if (line[0] == '[') {
      auto close = line.find(']');
      std::string_view after = close == std::string_view::npos ? line : trim(line.substr(close + 1));
      if (close == std::string_view::npos || !(after.empty() || after[0] == '#' || after[0] == ';')) {
        throw Error(file.where(line_number) + ": malformed section header '" + std::string(line) + "'");
      }
      std::string name(trim(line.substr(1, close - 1)));
      if (name.empty()) throw Error(file.where(line_number) + ": empty section name");
      if (file.find(name) != nullptr) {
        throw Error(file.where(line_number) + ": section [" + name + "] appears twice");
      }
      file.sections.push_back(IniSection{name, line_number, {}});
      section = &file.sections.back();
      last_entry = nullptr;
      continue;
    }
    auto separator = line.find_first_of("=:");
    if (separator == std::string_view::npos) {
      throw Error(file.where(line_number) + ": expected 'key = value', got '" + std::string(line) + "'");
    }
    if (section == nullptr) {
      throw Error(file.where(line_number) + ": '" + std::string(line) + "' is before any [section]");
    }
    std::string key = lower(trim(line.substr(0, separator)));
    if (key.empty()) throw Error(file.where(line_number) + ": empty key");
    if (section->find(key) != nullptr) {
      throw Error(file.where(line_number) + ": key '" + key + "' appears twice in [" + section->name + "]");
    }
    section->entries.push_back(IniEntry{key, std::string(trim(line.substr(separator + 1))), line_number});
    last_entry = &section->entries.back();
    entry_indent = indent;
  }
  // Interpolate once everything is read, as configparser does on access.
  for (IniSection& each : file.sections) {
    std::vector<std::string> values;
    values.reserve(each.entries.size());
    for (const IniEntry& entry : each.entries) values.push_back(interpolate(file, each, entry, 0));
    for (std::size_t i = 0; i < values.size(); ++i) each.entries[i].value = std::move(values[i]);
  }
  return file;
}

IniFile read_ini(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error("cannot read " + path);
  std::string text;
  text.resize(kMaxIniBytes + 1);
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<std::size_t>(in.gcount()));
  return parse_ini(text, path);
}

}  // namespace stoq::config

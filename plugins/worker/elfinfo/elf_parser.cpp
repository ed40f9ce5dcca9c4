// The ELF parser (elf_parser.hpp). Offsets and counts come from the file and are never
// trusted: each read goes through ElfReader (bounds-checked), each table is capped and
// each linked list (version needs and definitions) is walked a bounded number of steps.
#include "elf_parser.hpp"

#include <map>
#include <vector>

#include "stoq/error.hpp"

namespace stoq::plugins::worker::elfinfo {

namespace {

constexpr std::uint32_t kShtDynamic = 6;
constexpr std::uint32_t kShtNobits = 8;
constexpr std::uint32_t kShtDynsym = 11;
constexpr std::uint32_t kShtVerdef = 0x6ffffffd;
constexpr std::uint32_t kShtVerneed = 0x6ffffffe;
constexpr std::uint32_t kShtVersym = 0x6fffffff;
constexpr std::uint32_t kPtLoad = 1;
constexpr std::uint32_t kPtDynamic = 2;
constexpr std::uint32_t kPtInterp = 3;
constexpr std::uint64_t kDfPie = 0x08000000;
constexpr std::size_t kMaxVersionEntries = 4096;

struct Section {
  std::string name;
  std::uint64_t name_offset = 0;
  std::uint32_t type = 0;
  std::uint64_t flags = 0, addr = 0, offset = 0, size = 0;
  std::uint32_t link = 0, info = 0;
  std::uint64_t align = 0, entsize = 0;
};

struct Segment {
  std::uint32_t type = 0, flags = 0;
  std::uint64_t offset = 0, vaddr = 0, paddr = 0, filesz = 0, memsz = 0, align = 0;
};

struct Version {
  std::string name;
  bool needed = false;
};

class Parser {
 public:
  Parser(ByteView bytes, const ElfLimits& limits, bool is64, bool big)
      : in_(bytes, big), limits_(limits), is64_(is64) {}

  Json run();

 private:
  [[nodiscard]] std::size_t word() const { return is64_ ? 8 : 4; }
  std::optional<std::uint64_t> addr(std::size_t offset) const { return in_.uint(offset, word()); }
  void error(std::string message) {
    if (errors_.size() < 64) errors_.push_back(std::move(message));
  }
  bool read_header();
  void read_sections();
  void read_segments();
  void read_dynamic();
  void read_versions();
  void read_symbols();
  std::optional<std::uint64_t> vaddr_to_offset(std::uint64_t vaddr) const;
  Json header_json() const;

  ElfReader in_;
  ElfLimits limits_;
  bool is64_;
  unsigned type_ = 0, machine_ = 0, osabi_ = 0, abiversion_ = 0, version_ = 0;
  std::uint64_t entry_ = 0, phoff_ = 0, shoff_ = 0;
  std::uint32_t flags_ = 0;
  unsigned ehsize_ = 0, phentsize_ = 0, shentsize_ = 0, shstrndx_ = 0;
  std::uint64_t phnum_ = 0, shnum_ = 0;
  bool pie_ = false;
  std::vector<Section> sections_;
  std::vector<Segment> segments_;
  std::map<unsigned, Version> versions_;
  Json dynamic_ = Json::array();
  Json needed_ = Json::array();
  Json result_ = Json::object();
  std::vector<std::string> errors_;
};

bool Parser::read_header() {
  const std::size_t base = 24;  // e_entry, e_phoff, e_shoff: one word each
  auto type = in_.u16(16), machine = in_.u16(18), version = in_.u32(20);
  auto entry = addr(base), phoff = addr(base + word()), shoff = addr(base + 2 * word());
  std::size_t rest = base + 3 * word();
  auto flags = in_.u32(rest), ehsize = in_.u16(rest + 4), phentsize = in_.u16(rest + 6), phnum = in_.u16(rest + 8);
  auto shentsize = in_.u16(rest + 10), shnum = in_.u16(rest + 12), shstrndx = in_.u16(rest + 14);
  if (!shstrndx) {
    error("truncated ELF header: " + std::to_string(in_.bytes().size()) + " bytes");
    return false;
  }
  osabi_ = static_cast<unsigned>(*in_.u8(7));
  abiversion_ = static_cast<unsigned>(*in_.u8(8));
  type_ = static_cast<unsigned>(*type);
  machine_ = static_cast<unsigned>(*machine);
  version_ = static_cast<unsigned>(*version);
  entry_ = *entry;
  phoff_ = *phoff;
  shoff_ = *shoff;
  flags_ = static_cast<std::uint32_t>(*flags);
  ehsize_ = static_cast<unsigned>(*ehsize);
  phentsize_ = static_cast<unsigned>(*phentsize);
  phnum_ = *phnum;
  shentsize_ = static_cast<unsigned>(*shentsize);
  shnum_ = *shnum;
  shstrndx_ = static_cast<unsigned>(*shstrndx);
  return true;
}

void Parser::read_sections() {
  if (shoff_ == 0) return;
  const std::size_t min_size = is64_ ? 64 : 40;
  if (shentsize_ < min_size) {
    error("section header size " + std::to_string(shentsize_) + " is below " + std::to_string(min_size));
    return;
  }
  auto read_one = [&](std::uint64_t index) -> std::optional<Section> {
    std::uint64_t at = shoff_ + index * shentsize_;
    if (at < shoff_ || !in_.bytes().fits(at, min_size)) return std::nullopt;
    Section s;
    s.type = static_cast<std::uint32_t>(*in_.u32(at + 4));
    std::size_t w = word();
    s.flags = *addr(at + 8);
    s.addr = *addr(at + 8 + w);
    s.offset = *addr(at + 8 + 2 * w);
    s.size = *addr(at + 8 + 3 * w);
    s.link = static_cast<std::uint32_t>(*in_.u32(at + 8 + 4 * w));
    s.info = static_cast<std::uint32_t>(*in_.u32(at + 12 + 4 * w));
    s.align = *addr(at + 16 + 4 * w);
    s.entsize = *addr(at + 16 + 5 * w);
    s.name_offset = *in_.u32(at);
    return s;
  };
  std::uint64_t count = shnum_;
  std::optional<Section> first = read_one(0);
  if (!first) {
    error("section headers at " + std::to_string(shoff_) + " lie past the end of the file");
    return;
  }
  if (count == 0) count = first->size;               // extended numbering
  if (shstrndx_ == 0xffff) shstrndx_ = first->link;  // SHN_XINDEX
  if (phnum_ == 0xffff && first->info != 0) phnum_ = first->info;
  if (count > limits_.max_sections) {
    error(std::to_string(count) + " sections: only the first " + std::to_string(limits_.max_sections) + " are listed");
    count = limits_.max_sections;
  }
  for (std::uint64_t i = 0; i < count; ++i) {
    std::optional<Section> s = read_one(i);
    if (!s) {
      error("section header " + std::to_string(i) + " lies past the end of the file");
      break;
    }
    sections_.push_back(std::move(*s));
  }
  const Section* names = shstrndx_ < sections_.size() ? &sections_[shstrndx_] : nullptr;
  if (names == nullptr && !sections_.empty())
    error("section name table index " + std::to_string(shstrndx_) + " is invalid");
  for (Section& s : sections_) {
    std::optional<std::string> name;
    if (names != nullptr && names->type != kShtNobits) {
      name = in_.string(names->offset, names->size, s.name_offset, limits_.max_name);
    }
    s.name = name ? *name : (names == nullptr ? "" : "<corrupt>");
  }
}

void Parser::read_segments() {
  if (phoff_ == 0 || phnum_ == 0) return;
  const std::size_t min_size = is64_ ? 56 : 32;
  if (phentsize_ < min_size) {
    error("program header size " + std::to_string(phentsize_) + " is below " + std::to_string(min_size));
    return;
  }
  std::uint64_t count = phnum_;
  if (count > limits_.max_segments) {
    error(std::to_string(count) + " segments: only the first " + std::to_string(limits_.max_segments) + " are listed");
    count = limits_.max_segments;
  }
  for (std::uint64_t i = 0; i < count; ++i) {
    std::uint64_t at = phoff_ + i * phentsize_;
    if (at < phoff_ || !in_.bytes().fits(at, min_size)) {
      error("program header " + std::to_string(i) + " lies past the end of the file");
      break;
    }
    Segment p;
    p.type = static_cast<std::uint32_t>(*in_.u32(at));
    if (is64_) {
      p.flags = static_cast<std::uint32_t>(*in_.u32(at + 4));
      p.offset = *in_.u64(at + 8);
      p.vaddr = *in_.u64(at + 16);
      p.paddr = *in_.u64(at + 24);
      p.filesz = *in_.u64(at + 32);
      p.memsz = *in_.u64(at + 40);
      p.align = *in_.u64(at + 48);
    } else {
      p.offset = *in_.u32(at + 4);
      p.vaddr = *in_.u32(at + 8);
      p.paddr = *in_.u32(at + 12);
      p.filesz = *in_.u32(at + 16);
      p.memsz = *in_.u32(at + 20);
      p.flags = static_cast<std::uint32_t>(*in_.u32(at + 24));
      p.align = *in_.u32(at + 28);
    }
    segments_.push_back(p);
    if (p.type == kPtInterp && !result_.contains("interpreter")) {
      std::optional<std::string> path = in_.string(p.offset, p.filesz, 0, limits_.max_name);
      if (path) {
        result_["interpreter"] = *path;
      } else {
        error("the interpreter's path lies past the end of the file");
      }
    }
  }
}

std::optional<std::uint64_t> Parser::vaddr_to_offset(std::uint64_t vaddr) const {
  for (const Segment& p : segments_) {
    if (p.type == kPtLoad && vaddr >= p.vaddr && vaddr - p.vaddr < p.filesz) return p.offset + (vaddr - p.vaddr);
  }
  return std::nullopt;
}

void Parser::read_dynamic() {
  std::optional<std::uint64_t> offset;
  std::uint64_t size = 0;
  for (const Segment& p : segments_) {
    if (p.type == kPtDynamic) {
      offset = p.offset;
      size = p.filesz;
      break;
    }
  }
  const Section* dynamic_section = nullptr;
  for (const Section& s : sections_) {
    if (s.type == kShtDynamic) {
      dynamic_section = &s;
      break;
    }
  }
  if (!offset && dynamic_section != nullptr) {
    offset = dynamic_section->offset;
    size = dynamic_section->size;
  }
  if (!offset) return;
  std::vector<std::pair<std::uint64_t, std::uint64_t>> entries;
  const std::size_t entry_size = 2 * word();
  std::uint64_t strtab = 0, strsz = 0;
  for (std::uint64_t i = 0; i < size / entry_size; ++i) {
    if (entries.size() >= limits_.max_dynamic) {
      error("dynamic section: only the first " + std::to_string(limits_.max_dynamic) + " entries are listed");
      break;
    }
    std::uint64_t at = *offset + i * entry_size;
    auto tag = addr(at), value = addr(at + word());
    if (!tag || !value) {
      error("dynamic entry " + std::to_string(i) + " lies past the end of the file");
      break;
    }
    entries.emplace_back(*tag, *value);
    if (*tag == 5) strtab = *value;
    if (*tag == 10) strsz = *value;
    if (*tag == 0x6ffffffb && (*value & kDfPie) != 0) pie_ = true;
    if (*tag == 0) break;
  }
  std::optional<std::uint64_t> strings = vaddr_to_offset(strtab);
  if (!strings && dynamic_section != nullptr && dynamic_section->link < sections_.size()) {
    strings = sections_[dynamic_section->link].offset;
    strsz = sections_[dynamic_section->link].size;
  }
  for (const auto& [tag, value] : entries) {
    Json entry = {{"tag", dynamic_tag_name(tag)}};
    bool is_string = tag == 1 || tag == 14 || tag == 15 || tag == 29 || tag == 0x7ffffffd || tag == 0x7fffffff;
    if (is_string) {
      std::optional<std::string> text;
      if (strings) text = in_.string(*strings, strsz, value, limits_.max_name);
      if (!text) error("dynamic " + dynamic_tag_name(tag) + " string at " + std::to_string(value) + " is unreadable");
      entry["value"] = text ? *text : "";
      if (tag == 1) needed_.push_back(entry["value"]);
      if (tag == 14 && !result_.contains("soname")) result_["soname"] = entry["value"];
      if (tag == 15 && !result_.contains("rpath")) result_["rpath"] = entry["value"];
      if (tag == 29 && !result_.contains("runpath")) result_["runpath"] = entry["value"];
    } else {
      entry["value"] = value;
    }
    dynamic_.push_back(std::move(entry));
  }
}

void Parser::read_versions() {
  std::size_t steps = 0;  // over all version sections: a file may hold many, each a loop
  for (const Section& s : sections_) {
    if (steps >= kMaxVersionEntries) break;
    if (s.type != kShtVerneed && s.type != kShtVerdef) continue;
    if (s.link >= sections_.size()) continue;
    const Section& strings = sections_[s.link];
    auto name_at = [&](std::uint64_t offset) {
      return in_.string(strings.offset, strings.size, offset, limits_.max_name).value_or("<corrupt>");
    };
    std::uint64_t at = s.offset;
    for (std::uint64_t n = 0; n < s.info && ++steps < kMaxVersionEntries; ++n) {
      if (s.type == kShtVerneed) {
        auto count = in_.u16(at + 2), aux = in_.u32(at + 8), next = in_.u32(at + 12);
        if (!count || !aux || !next) break;
        std::uint64_t a = at + *aux;
        for (std::uint64_t k = 0; k < *count && ++steps < kMaxVersionEntries; ++k) {
          auto other = in_.u16(a + 6), name = in_.u32(a + 8), anext = in_.u32(a + 12);
          if (!other || !name || !anext) break;
          versions_[static_cast<unsigned>(*other & 0x7fff)] = {name_at(*name), true};
          if (*anext == 0) break;
          a += *anext;
        }
        if (*next == 0) break;
        at += *next;
      } else {
        auto index = in_.u16(at + 4), aux = in_.u32(at + 12), next = in_.u32(at + 16);
        if (!index || !aux || !next) break;
        if (auto name = in_.u32(at + *aux)) versions_[static_cast<unsigned>(*index & 0x7fff)] = {name_at(*name), false};
        if (*next == 0) break;
        at += *next;
      }
    }
  }
}

void Parser::read_symbols() {
  const Section* dynsym = nullptr;
  std::size_t dynsym_index = 0;
  for (std::size_t i = 0; i < sections_.size(); ++i) {
    if (sections_[i].type == kShtDynsym) {
      dynsym = &sections_[i];
      dynsym_index = i;
      break;
    }
  }
  if (dynsym == nullptr) return;
  const Section* versym = nullptr;
  for (const Section& s : sections_) {
    if (s.type == kShtVersym && s.link == dynsym_index) versym = &s;
  }
  const std::size_t min_size = is64_ ? 24 : 16;
  std::uint64_t stride = dynsym->entsize >= min_size ? dynsym->entsize : min_size;
  std::uint64_t count = dynsym->size / stride;
  if (count > limits_.max_symbols) {
    error(std::to_string(count) + " dynamic symbols: only the first " + std::to_string(limits_.max_symbols) +
          " are listed");
    count = limits_.max_symbols;
  }
  const Section* strings = dynsym->link < sections_.size() ? &sections_[dynsym->link] : nullptr;
  Json symbols = Json::array();
  for (std::uint64_t i = 0; i < count; ++i) {
    std::uint64_t at = dynsym->offset + i * stride;
    if (at < dynsym->offset || !in_.bytes().fits(at, min_size)) {
      error("dynamic symbol " + std::to_string(i) + " lies past the end of the file");
      break;
    }
    std::uint64_t name = *in_.u32(at), value = 0, size = 0, info = 0, other = 0, shndx = 0;
    if (is64_) {
      info = *in_.u8(at + 4);
      other = *in_.u8(at + 5);
      shndx = *in_.u16(at + 6);
      value = *in_.u64(at + 8);
      size = *in_.u64(at + 16);
    } else {
      value = *in_.u32(at + 4);
      size = *in_.u32(at + 8);
      info = *in_.u8(at + 12);
      other = *in_.u8(at + 13);
      shndx = *in_.u16(at + 14);
    }
    std::optional<std::string> text;
    if (strings != nullptr) text = in_.string(strings->offset, strings->size, name, limits_.max_name);
    std::string section = shndx == 0        ? "UND"
                          : shndx == 0xfff1 ? "ABS"
                          : shndx == 0xfff2 ? "COM"
                          : shndx == 0xffff ? "XINDEX"
                                            : std::to_string(shndx);
    Json symbol = {{"index", i},
                   {"name", text ? *text : "<corrupt>"},
                   {"value", hex(value)},
                   {"size", size},
                   {"type", symbol_type_name(static_cast<unsigned>(info & 0xf))},
                   {"bind", symbol_bind_name(static_cast<unsigned>(info >> 4))},
                   {"visibility", symbol_visibility_name(static_cast<unsigned>(other & 0x3))},
                   {"section", section}};
    if (versym != nullptr && i > 0) {
      auto raw = in_.u16(versym->offset + i * 2);
      auto found = raw ? versions_.find(static_cast<unsigned>(*raw & 0x7fff)) : versions_.end();
      // readelf leaves out the version of a version's own definition symbol.
      if (raw && (*raw & 0x7fff) > 1 && found != versions_.end() && found->second.name != symbol["name"]) {
        symbol["version"] = found->second.name;
        if (!found->second.needed) symbol["version_default"] = (*raw & 0x8000) == 0;
      }
    }
    symbols.push_back(std::move(symbol));
  }
  result_["dynamic_symbols"] = std::move(symbols);
}

Json Parser::header_json() const {
  return {{"class", class_name(is64_ ? 2 : 1)},
          {"data", data_name(in_.bytes().at(5).value_or(0))},
          {"version", version_},
          {"os_abi", osabi_name(osabi_)},
          {"abi_version", abiversion_},
          {"type", type_name(type_, pie_)},
          {"machine", machine_name(machine_)},
          {"entry", hex(entry_)},
          {"program_headers_offset", phoff_},
          {"section_headers_offset", shoff_},
          {"flags", hex(flags_)},
          {"header_size", ehsize_},
          {"program_header_size", phentsize_},
          {"program_headers", phnum_},
          {"section_header_size", shentsize_},
          {"section_headers", shnum_},
          {"section_names_index", shstrndx_}};
}

Json Parser::run() {
  if (!read_header()) {
    result_["errors"] = errors_;
    return result_;
  }
  read_sections();
  read_segments();
  read_dynamic();
  read_versions();
  read_symbols();
  Json out = Json::object();
  out["header"] = header_json();
  Json sections = Json::array();
  for (std::size_t i = 0; i < sections_.size(); ++i) {
    const Section& s = sections_[i];
    sections.push_back({{"index", i},
                        {"name", s.name},
                        {"type", section_type_name(s.type, machine_)},
                        {"flags", section_flags(s.flags, machine_)},
                        {"address", hex(s.addr)},
                        {"offset", s.offset},
                        {"size", s.size},
                        {"entry_size", s.entsize},
                        {"link", s.link},
                        {"info", s.info},
                        {"alignment", s.align}});
  }
  out["sections"] = std::move(sections);
  Json segments = Json::array();
  for (const Segment& p : segments_) {
    segments.push_back({{"type", segment_type_name(p.type, machine_)},
                        {"flags", segment_flags(p.flags)},
                        {"offset", p.offset},
                        {"virtual_address", hex(p.vaddr)},
                        {"physical_address", hex(p.paddr)},
                        {"file_size", p.filesz},
                        {"memory_size", p.memsz},
                        {"alignment", p.align}});
  }
  out["segments"] = std::move(segments);
  for (const char* key : {"interpreter", "soname", "rpath", "runpath"}) {
    if (result_.contains(key)) out[key] = result_[key];
  }
  out["needed"] = needed_;
  out["dynamic"] = dynamic_;
  out["dynamic_symbols"] = result_.value("dynamic_symbols", Json::array());
  if (!errors_.empty()) out["errors"] = errors_;
  return out;
}

}  // namespace

Json parse_elf(ByteView bytes, const ElfLimits& limits) {
  if (!bytes.starts_with("\x7f"
                         "ELF")) {
    throw Error("not an ELF file (no \\x7fELF magic)");
  }
  auto elf_class = bytes.at(4), data = bytes.at(5);
  if (!elf_class || (*elf_class != 1 && *elf_class != 2)) throw Error("ELF file of unknown class");
  if (!data || (*data != 1 && *data != 2)) throw Error("ELF file of unknown data encoding");
  Parser parser(bytes, limits, *elf_class == 2, *data == 2);
  return parser.run();
}

}  // namespace stoq::plugins::worker::elfinfo

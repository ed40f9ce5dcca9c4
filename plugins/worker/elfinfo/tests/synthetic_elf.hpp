// Small ELF files written by hand for elfinfo's tests: any class and byte order, with
// a PT_INTERP and a PT_LOAD segment and three sections (NULL, .interp, .shstrtab).
#pragma once

#include <cstdint>
#include <string>

namespace elfinfo_test {

inline void put(std::string& bytes, std::size_t offset, std::size_t width, std::uint64_t value, bool big) {
  if (bytes.size() < offset + width) bytes.resize(offset + width, '\0');
  for (std::size_t i = 0; i < width; ++i) {
    std::size_t shift = 8 * (big ? width - 1 - i : i);
    bytes[offset + i] = static_cast<char>((value >> shift) & 0xff);
  }
}

inline std::uint64_t get(const std::string& bytes, std::size_t offset, std::size_t width, bool big) {
  std::uint64_t value = 0;
  for (std::size_t i = 0; i < width; ++i) {
    auto byte = static_cast<std::uint8_t>(bytes.at(offset + (big ? i : width - 1 - i)));
    value = (value << 8) | byte;
  }
  return value;
}

inline std::string synthetic_elf(bool is64, bool big) {
  const std::size_t w = is64 ? 8 : 4;
  const std::size_t ehsize = is64 ? 64 : 52, phentsize = is64 ? 56 : 32, shentsize = is64 ? 64 : 40;
  const std::string interp = "/lib/ld-stoq.so.1";
  const std::string names = std::string("\0.interp\0.shstrtab\0", 19);
  const std::size_t phoff = ehsize, interp_off = phoff + 2 * phentsize, names_off = interp_off + interp.size() + 1;
  const std::size_t shoff = (names_off + names.size() + 7) & ~std::size_t{7};
  const std::uint64_t base = 0x400000;
  std::string e;
  e += "\x7f"
       "ELF";
  e += static_cast<char>(is64 ? 2 : 1);
  e += static_cast<char>(big ? 2 : 1);
  e += '\x01';
  put(e, 15, 1, 0, big);
  put(e, 16, 2, 2, big);                                        // ET_EXEC
  put(e, 18, 2, is64 ? (big ? 21 : 62) : (big ? 20 : 3), big);  // PPC64, x86-64, PPC, i386
  put(e, 20, 4, 1, big);
  put(e, 24, w, base + 0x100, big);  // entry
  put(e, 24 + w, w, phoff, big);
  put(e, 24 + 2 * w, w, shoff, big);
  std::size_t rest = 24 + 3 * w;
  put(e, rest + 4, 2, ehsize, big);
  put(e, rest + 6, 2, phentsize, big);
  put(e, rest + 8, 2, 2, big);
  put(e, rest + 10, 2, shentsize, big);
  put(e, rest + 12, 2, 3, big);
  put(e, rest + 14, 2, 2, big);
  // Program headers: INTERP, LOAD (the whole file, R E).
  auto segment = [&](std::size_t at, std::uint32_t type, std::uint32_t flags, std::uint64_t offset, std::uint64_t size,
                     std::uint64_t align) {
    put(e, at, 4, type, big);
    if (is64) {
      put(e, at + 4, 4, flags, big);
      put(e, at + 8, 8, offset, big);
      put(e, at + 16, 8, base + offset, big);
      put(e, at + 24, 8, base + offset, big);
      put(e, at + 32, 8, size, big);
      put(e, at + 40, 8, size, big);
      put(e, at + 48, 8, align, big);
    } else {
      put(e, at + 4, 4, offset, big);
      put(e, at + 8, 4, base + offset, big);
      put(e, at + 12, 4, base + offset, big);
      put(e, at + 16, 4, size, big);
      put(e, at + 20, 4, size, big);
      put(e, at + 24, 4, flags, big);
      put(e, at + 28, 4, align, big);
    }
  };
  std::size_t file_size = shoff + 3 * shentsize;
  segment(phoff, 3, 4, interp_off, interp.size() + 1, 1);
  segment(phoff + phentsize, 1, 5, 0, file_size, 0x1000);
  e.resize(interp_off, '\0');
  e += interp;
  e += '\0';
  e += names;
  e.resize(shoff, '\0');
  auto section = [&](std::size_t index, std::uint32_t name, std::uint32_t type, std::uint64_t flags, std::uint64_t addr,
                     std::uint64_t offset, std::uint64_t size) {
    std::size_t at = shoff + index * shentsize;
    put(e, at, 4, name, big);
    put(e, at + 4, 4, type, big);
    put(e, at + 8, w, flags, big);
    put(e, at + 8 + w, w, addr, big);
    put(e, at + 8 + 2 * w, w, offset, big);
    put(e, at + 8 + 3 * w, w, size, big);
    put(e, at + 8 + 4 * w, 4, 0, big);
    put(e, at + 12 + 4 * w, 4, 0, big);
    put(e, at + 16 + 4 * w, w, 1, big);
    put(e, at + 16 + 5 * w, w, 0, big);
  };
  section(0, 0, 0, 0, 0, 0, 0);
  put(e, shoff + 16 + 4 * w, w, 0, big);  // section 0: alignment 0
  section(1, 1, 1, 2, base + interp_off, interp_off, interp.size() + 1);
  section(2, 9, 3, 0, 0, names_off, names.size());
  return e;
}

}  // namespace elfinfo_test

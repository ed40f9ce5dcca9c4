// readelf's (binutils 2.40) names for the codes of the ELF header and tables, so that
// elfinfo's results read like `readelf -h -S -l -d --dyn-syms -W`.
#include <array>
#include <cstdio>
#include <utility>

#include "elf_parser.hpp"

namespace stoq::plugins::worker::elfinfo {

namespace {

template <std::size_t N>
const char* find(const std::array<std::pair<std::uint64_t, const char*>, N>& table, std::uint64_t value) {
  for (const auto& [code, name] : table) {
    if (code == value) return name;
  }
  return nullptr;
}

std::string format(const char* pattern, std::uint64_t value) {
  std::array<char, 64> buffer{};
  std::snprintf(buffer.data(), buffer.size(), pattern, static_cast<unsigned long long>(value));
  return buffer.data();
}

// "%#llx" prints 0 as "0", as readelf's "%#x" does.
std::string range_name(std::uint64_t value, std::uint64_t lo_os, std::uint64_t hi_os) {
  if (value >= 0x70000000 && value <= 0x7fffffff) return format("LOPROC+%#llx", value - 0x70000000);
  if (value >= lo_os && value <= hi_os) return format("LOOS+%#llx", value - lo_os);
  if (value >= 0x80000000 && value <= 0xffffffff) return format("LOUSER+%#llx", value - 0x80000000);
  return format("<unknown>: %llx", value);
}

constexpr unsigned kX86_64 = 62;
constexpr unsigned kArm = 40;
constexpr unsigned kAarch64 = 183;
constexpr unsigned kRiscv = 243;

}  // namespace

std::string hex(std::uint64_t value) { return format("0x%llx", value); }

std::string class_name(unsigned value) {
  if (value == 0) return "none";
  if (value == 1) return "ELF32";
  if (value == 2) return "ELF64";
  return format("<unknown: %llx>", value);
}

std::string data_name(unsigned value) {
  if (value == 0) return "none";
  if (value == 1) return "2's complement, little endian";
  if (value == 2) return "2's complement, big endian";
  return format("<unknown: %llx>", value);
}

std::string osabi_name(unsigned value) {
  static constexpr std::array<std::pair<std::uint64_t, const char*>, 18> kNames{{
      {0, "UNIX - System V"},
      {1, "UNIX - HP-UX"},
      {2, "UNIX - NetBSD"},
      {3, "UNIX - GNU"},
      {6, "UNIX - Solaris"},
      {7, "UNIX - AIX"},
      {8, "UNIX - IRIX"},
      {9, "UNIX - FreeBSD"},
      {10, "UNIX - TRU64"},
      {11, "Novell - Modesto"},
      {12, "UNIX - OpenBSD"},
      {13, "VMS - OpenVMS"},
      {14, "HP - Non-Stop Kernel"},
      {15, "AROS"},
      {16, "FenixOS"},
      {17, "Nuxi CloudABI"},
      {18, "Stratus Technologies OpenVOS"},
      {97, "ARM"},
  }};
  const char* name = find(kNames, value);
  return name != nullptr ? name : format("<unknown: %llx>", value);
}

std::string type_name(unsigned value, bool pie) {
  switch (value) {
    case 0: return "NONE (None)";
    case 1: return "REL (Relocatable file)";
    case 2: return "EXEC (Executable file)";
    case 3: return pie ? "DYN (Position-Independent Executable file)" : "DYN (Shared object file)";
    case 4: return "CORE (Core file)";
    default: break;
  }
  if (value >= 0xff00) return format("Processor Specific: (%llx)", value);
  if (value >= 0xfe00) return format("OS Specific: (%llx)", value);
  return format("<unknown>: %llx", value);
}

std::string machine_name(unsigned value) {
  static constexpr std::array<std::pair<std::uint64_t, const char*>, 27> kNames{{
      {0, "None"},
      {1, "WE32100"},
      {2, "Sparc"},
      {3, "Intel 80386"},
      {4, "MC68000"},
      {5, "MC88000"},
      {6, "Intel MCU"},
      {7, "Intel 80860"},
      {8, "MIPS R3000"},
      {9, "IBM System/370"},
      {10, "MIPS R4000 big-endian"},
      {15, "HPPA"},
      {18, "Sparc v8+"},
      {19, "Intel 80960"},
      {20, "PowerPC"},
      {21, "PowerPC64"},
      {22, "IBM S/390"},
      {23, "SPU"},
      {40, "ARM"},
      {42, "Renesas / SuperH SH"},
      {43, "Sparc v9"},
      {50, "Intel IA-64"},
      {62, "Advanced Micro Devices X86-64"},
      {83, "Atmel AVR 8-bit microcontroller"},
      {183, "AArch64"},
      {243, "RISC-V"},
      {247, "Linux BPF"},
  }};
  const char* name = find(kNames, value);
  if (name != nullptr) return name;
  if (value == 258) return "LoongArch";
  return format("<unknown>: 0x%llx", value);
}

std::string section_type_name(std::uint32_t value, unsigned machine) {
  static constexpr std::array<std::pair<std::uint64_t, const char*>, 25> kNames{{
      {0, "NULL"},
      {1, "PROGBITS"},
      {2, "SYMTAB"},
      {3, "STRTAB"},
      {4, "RELA"},
      {5, "HASH"},
      {6, "DYNAMIC"},
      {7, "NOTE"},
      {8, "NOBITS"},
      {9, "REL"},
      {10, "SHLIB"},
      {11, "DYNSYM"},
      {14, "INIT_ARRAY"},
      {15, "FINI_ARRAY"},
      {16, "PREINIT_ARRAY"},
      {17, "GROUP"},
      {18, "SYMTAB SECTION INDICES"},
      {19, "RELR"},
      {0x6ffffff5, "GNU_ATTRIBUTES"},
      {0x6ffffff6, "GNU_HASH"},
      {0x6ffffff7, "GNU_LIBLIST"},
      {0x6ffffffd, "VERDEF"},
      {0x6ffffffe, "VERNEED"},
      {0x6fffffff, "VERSYM"},
      {0x6fff4c00, "LLVM_ODRTAB"},
  }};
  const char* name = find(kNames, value);
  if (name != nullptr) return name;
  if (machine == kX86_64 && value == 0x70000001) return "X86_64_UNWIND";
  if (machine == kArm && value == 0x70000001) return "ARM_EXIDX";
  if (machine == kArm && value == 0x70000003) return "ARM_ATTRIBUTES";
  if (machine == kAarch64 && value == 0x70000003) return "AARCH64_ATTRIBUTES";
  if (machine == kRiscv && value == 0x70000003) return "RISCV_ATTRIBUTES";
  return range_name(value, 0x60000000, 0x6fffffff);
}

std::string section_flags(std::uint64_t flags, unsigned machine) {
  std::string letters;
  for (unsigned bit = 0; bit < 64; ++bit) {
    std::uint64_t flag = std::uint64_t{1} << bit;
    if ((flags & flag) == 0) continue;
    switch (flag) {
      case 0x1: letters += 'W'; break;
      case 0x2: letters += 'A'; break;
      case 0x4: letters += 'X'; break;
      case 0x10: letters += 'M'; break;
      case 0x20: letters += 'S'; break;
      case 0x40: letters += 'I'; break;
      case 0x80: letters += 'L'; break;
      case 0x100: letters += 'O'; break;
      case 0x200: letters += 'G'; break;
      case 0x400: letters += 'T'; break;
      case 0x800: letters += 'C'; break;
      case 0x200000: letters += 'R'; break;
      case 0x01000000: letters += 'D'; break;
      case 0x80000000: letters += 'E'; break;
      default:
        if (machine == kX86_64 && flag == 0x10000000) {
          letters += 'l';
        } else if ((flag & 0x0ff00000) != 0) {
          letters += 'o';
        } else if ((flag & 0xf0000000) != 0) {
          letters += 'p';
        } else {
          letters += 'x';
        }
    }
  }
  return letters;
}

std::string segment_type_name(std::uint32_t value, unsigned machine) {
  static constexpr std::array<std::pair<std::uint64_t, const char*>, 16> kNames{{
      {0, "NULL"},
      {1, "LOAD"},
      {2, "DYNAMIC"},
      {3, "INTERP"},
      {4, "NOTE"},
      {5, "SHLIB"},
      {6, "PHDR"},
      {7, "TLS"},
      {0x6474e550, "GNU_EH_FRAME"},
      {0x6474e551, "GNU_STACK"},
      {0x6474e552, "GNU_RELRO"},
      {0x6474e553, "GNU_PROPERTY"},
      {0x6474e554, "GNU_SFRAME"},
      {0x65a3dbe6, "OPENBSD_RANDOMIZE"},
      {0x65a3dbe7, "OPENBSD_WXNEEDED"},
      {0x65a41be6, "OPENBSD_BOOTDATA"},
  }};
  const char* name = find(kNames, value);
  if (name != nullptr) return name;
  if (machine == kArm && value == 0x70000001) return "EXIDX";
  if (machine == kRiscv && value == 0x70000003) return "RISCV_ATTRIBUT";
  return range_name(value, 0x60000000, 0x6fffffff);
}

std::string segment_flags(std::uint32_t flags) {
  std::string text = "   ";
  if ((flags & 4) != 0) text[0] = 'R';
  if ((flags & 2) != 0) text[1] = 'W';
  if ((flags & 1) != 0) text[2] = 'E';
  return text;
}

std::string dynamic_tag_name(std::uint64_t tag) {
  static constexpr std::array<std::pair<std::uint64_t, const char*>, 52> kNames{{
      {0, "NULL"},
      {1, "NEEDED"},
      {2, "PLTRELSZ"},
      {3, "PLTGOT"},
      {4, "HASH"},
      {5, "STRTAB"},
      {6, "SYMTAB"},
      {7, "RELA"},
      {8, "RELASZ"},
      {9, "RELAENT"},
      {10, "STRSZ"},
      {11, "SYMENT"},
      {12, "INIT"},
      {13, "FINI"},
      {14, "SONAME"},
      {15, "RPATH"},
      {16, "SYMBOLIC"},
      {17, "REL"},
      {18, "RELSZ"},
      {19, "RELENT"},
      {20, "PLTREL"},
      {21, "DEBUG"},
      {22, "TEXTREL"},
      {23, "JMPREL"},
      {24, "BIND_NOW"},
      {25, "INIT_ARRAY"},
      {26, "FINI_ARRAY"},
      {27, "INIT_ARRAYSZ"},
      {28, "FINI_ARRAYSZ"},
      {29, "RUNPATH"},
      {30, "FLAGS"},
      {32, "PREINIT_ARRAY"},
      {33, "PREINIT_ARRAYSZ"},
      {34, "SYMTAB_SHNDX"},
      {35, "RELRSZ"},
      {36, "RELR"},
      {37, "RELRENT"},
      {0x6ffffef5, "GNU_HASH"},
      {0x6ffffef6, "TLSDESC_PLT"},
      {0x6ffffef7, "TLSDESC_GOT"},
      {0x6ffffff0, "VERSYM"},
      {0x6ffffff9, "RELACOUNT"},
      {0x6ffffffa, "RELCOUNT"},
      {0x6ffffffb, "FLAGS_1"},
      {0x6ffffffc, "VERDEF"},
      {0x6ffffffd, "VERDEFNUM"},
      {0x6ffffffe, "VERNEED"},
      {0x6fffffff, "VERNEEDNUM"},
      {0x6ffffdf5, "GNU_PRELINKED"},
      {0x6ffffdf6, "GNU_CONFLICTSZ"},
      {0x7ffffffd, "AUXILIARY"},
      {0x7fffffff, "FILTER"},
  }};
  const char* name = find(kNames, tag);
  if (name != nullptr) return name;
  if (tag >= 0x70000000 && tag <= 0x7fffffff) return format("Processor Specific: %llx", tag);
  if (tag >= 0x6000000d && tag <= 0x6ffff000) return format("Operating System specific: %llx", tag);
  return format("<unknown>: %llx", tag);
}

std::string symbol_type_name(unsigned value) {
  static constexpr std::array<const char*, 7> kNames{"NOTYPE", "OBJECT", "FUNC", "SECTION", "FILE", "COMMON", "TLS"};
  if (value < kNames.size()) return kNames[value];
  if (value == 10) return "IFUNC";
  if (value >= 13) return format("<processor specific>: %llu", value);
  if (value >= 10) return format("<OS specific>: %llu", value);
  return format("<unknown>: %llu", value);
}

std::string symbol_bind_name(unsigned value) {
  if (value == 0) return "LOCAL";
  if (value == 1) return "GLOBAL";
  if (value == 2) return "WEAK";
  if (value == 10) return "UNIQUE";
  if (value >= 13) return format("<processor specific>: %llu", value);
  if (value >= 10) return format("<OS specific>: %llu", value);
  return format("<unknown>: %llu", value);
}

std::string symbol_visibility_name(unsigned value) {
  static constexpr std::array<const char*, 4> kNames{"DEFAULT", "INTERNAL", "HIDDEN", "PROTECTED"};
  return kNames[value & 3];
}

}  // namespace stoq::plugins::worker::elfinfo

// Test helpers shared by the carver and decoder plugin tests (header-only; only test
// executables include it): running oracle tools, activating a plugin with the
// ORIGINAL stoQ .stoq file, and fixtures built in memory (a minimal valid PE32).
#pragma once

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "stoq/payload.hpp"
#include "stoq/testing.hpp"

namespace stoq::carve::testing {

inline std::string read_all(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

/// Runs `command` with /bin/sh and returns its stdout; `status` gets the exit status
/// (stoq::testing::run_command: 0 only on success).
inline std::string run(const std::string& command, int* status = nullptr) {
  return stoq::testing::run_command(command, status);
}

/// Runs `command` with `input` on stdin (through a file in `dir`).
inline std::string run_with_input(const stoq::testing::TempDir& dir, const std::string& command, std::string_view input,
                                  int* status = nullptr) {
  std::string path = dir.write("stdin.bin", input);
  return run(command + " < '" + path + "'", status);
}

inline std::string text_of(const Payload& payload) { return std::string(payload.bytes().as_string_view()); }
inline std::string sha256_of(std::string_view bytes) { return compute_hashes(ByteView(bytes)).sha256; }

/// The folder of the original stoQ configs, when the shared corpus is present.
inline std::string original_config(const std::string& category, const std::string& name) {
  return std::string(STOQ_SHARED_DIR) + "/corpus/stoq-configs/" + category + "/" + name + ".stoq";
}

/// A plugin folder under `dir` holding the built module of <category>/<name> beside
/// the ORIGINAL .stoq file; returns the plugin root to give PluginHarness::activate.
inline std::string plugin_dir_with_original(const stoq::testing::TempDir& dir, const std::string& category,
                                            const std::string& name) {
  namespace fs = std::filesystem;
  fs::path target = fs::path(dir.path()) / "plugins" / category / name;
  fs::create_directories(target);
  fs::copy_file(fs::path(STOQ_PLUGIN_DIR) / category / name / (name + ".so"), target / (name + ".so"),
                fs::copy_options::overwrite_existing);
  fs::copy_file(original_config(category, name), target / (name + ".stoq"), fs::copy_options::overwrite_existing);
  return (fs::path(dir.path()) / "plugins").string();
}

inline void put_u16(std::string& out, std::size_t at, std::uint16_t v) {
  out[at] = static_cast<char>(v & 0xFF);
  out[at + 1] = static_cast<char>(v >> 8);
}
inline void put_u32(std::string& out, std::size_t at, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) out[at + i] = static_cast<char>((v >> (8 * i)) & 0xFF);
}
inline std::string u32_le(std::uint32_t v) {
  std::string out(4, '\0');
  put_u32(out, 0, v);
  return out;
}

/// A minimal valid PE32 (i386 GUI executable): DOS header and stub ("This program
/// cannot be run in DOS mode."), PE header, two 0x200-byte sections (.text, .data)
/// filled from `seed`; 0x600 bytes. With `certificate` bytes, the security directory
/// points at them, appended after the last section.
inline std::string build_pe32(std::uint8_t seed = 1, const std::string& certificate = "") {
  std::string pe(0x600, '\0');
  pe[0] = 'M';
  pe[1] = 'Z';
  put_u16(pe, 0x02, 0x90);
  put_u16(pe, 0x04, 3);
  put_u16(pe, 0x08, 4);
  put_u16(pe, 0x18, 0x40);
  put_u32(pe, 0x3C, 0x80);
  static constexpr char kStub[] =
      "\x0e\x1f\xba\x0e\x00\xb4\x09\xcd\x21\xb8\x01\x4c\xcd\x21"
      "This program cannot be run in DOS mode.\r\r\n$";
  const std::string stub(kStub, sizeof(kStub) - 1);
  pe.replace(0x40, stub.size(), stub);
  pe.replace(0x80, 4, std::string("PE\0\0", 4));
  put_u16(pe, 0x84, 0x14C);      // Machine: i386
  put_u16(pe, 0x86, 2);          // NumberOfSections
  put_u32(pe, 0x88, 0x5F5E100);  // TimeDateStamp
  put_u16(pe, 0x94, 0xE0);       // SizeOfOptionalHeader
  put_u16(pe, 0x96, 0x0102);     // Characteristics: executable, 32-bit
  const std::size_t opt = 0x98;
  put_u16(pe, opt + 0, 0x10B);  // PE32
  pe[opt + 2] = 14;
  put_u32(pe, opt + 4, 0x200);      // SizeOfCode
  put_u32(pe, opt + 8, 0x200);      // SizeOfInitializedData
  put_u32(pe, opt + 16, 0x1000);    // AddressOfEntryPoint
  put_u32(pe, opt + 20, 0x1000);    // BaseOfCode
  put_u32(pe, opt + 24, 0x2000);    // BaseOfData
  put_u32(pe, opt + 28, 0x400000);  // ImageBase
  put_u32(pe, opt + 32, 0x1000);    // SectionAlignment
  put_u32(pe, opt + 36, 0x200);     // FileAlignment
  put_u16(pe, opt + 40, 6);         // OS version
  put_u16(pe, opt + 48, 6);         // subsystem version
  put_u32(pe, opt + 56, 0x3000);    // SizeOfImage
  put_u32(pe, opt + 60, 0x200);     // SizeOfHeaders
  put_u16(pe, opt + 68, 2);         // Subsystem: GUI
  put_u32(pe, opt + 72, 0x100000);  // stack reserve
  put_u32(pe, opt + 76, 0x1000);
  put_u32(pe, opt + 80, 0x100000);  // heap reserve
  put_u32(pe, opt + 84, 0x1000);
  put_u32(pe, opt + 92, 16);  // NumberOfRvaAndSizes
  if (!certificate.empty()) {
    put_u32(pe, opt + 96 + 4 * 8, 0x600);  // security directory: a file offset
    put_u32(pe, opt + 96 + 4 * 8 + 4, static_cast<std::uint32_t>(certificate.size()));
  }
  const std::size_t sections = opt + 0xE0;
  const char* names[2] = {".text", ".data"};
  for (std::uint32_t i = 0; i < 2; ++i) {
    std::size_t at = sections + 40 * i;
    pe.replace(at, 5, names[i]);
    put_u32(pe, at + 8, 0x200);              // VirtualSize
    put_u32(pe, at + 12, 0x1000 * (i + 1));  // VirtualAddress
    put_u32(pe, at + 16, 0x200);             // SizeOfRawData
    put_u32(pe, at + 20, 0x200 * (i + 1));   // PointerToRawData
    put_u32(pe, at + 36, i == 0 ? 0x60000020 : 0xC0000040);
  }
  for (std::size_t i = 0x200; i < 0x600; ++i) pe[i] = static_cast<char>((i * 31 + seed * 7) & 0xFF);
  pe[0x200] = static_cast<char>(0xC3);  // ret
  return pe + certificate;
}

}  // namespace stoq::carve::testing

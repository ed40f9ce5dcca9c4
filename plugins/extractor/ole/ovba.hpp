// MS-OVBA pieces needed to recover VBA source code from a VBA project storage:
// the RLE-style decompression of 2.4.1 and the module records of the `dir` stream
// (2.3.4.2). Both take untrusted bytes: every read is bounds-checked and the output
// is capped by the caller.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "stoq/bytes.hpp"

namespace stoq::ovba {

struct Decompressed {
  Bytes data;
  bool truncated = false;  // stopped at max_output
  std::string error;       // malformed container: `data` holds what came before
};

/// Decompresses a CompressedContainer (signature byte 0x01, then chunks), producing at
/// most `max_output` bytes.
Decompressed decompress(ByteView container, std::size_t max_output);

/// One module of a VBA project, from the decompressed `dir` stream.
struct Module {
  std::string name;               // MODULENAMEUNICODE when present, else MODULENAME (as Latin-1)
  std::string stream_name;        // the stream holding it, beside `dir` in the VBA storage
  std::uint32_t text_offset = 0;  // where its compressed source starts in that stream
  bool procedural = true;         // MODULETYPE 0x0021 (standard module) vs 0x0022 (class/document)
};

struct Project {
  std::string name;
  std::uint16_t code_page = 0;
  std::vector<Module> modules;
  std::string error;  // malformed records: `modules` holds those read before
};

/// Reads the records of a decompressed `dir` stream.
Project parse_dir(ByteView dir);

}  // namespace stoq::ovba

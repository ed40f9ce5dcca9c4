// MS-OVBA decompression (2.4.1.3) and `dir` stream records (2.3.4.2).
#include "ovba.hpp"

#include <algorithm>

#include "cfb.hpp"
#include "stoq/text.hpp"

namespace stoq::ovba {
namespace {

constexpr std::size_t kChunkSize = 4096;

// Record ids of 2.3.4.2 that matter here.
constexpr std::uint16_t kProjectCodePage = 0x0003;
constexpr std::uint16_t kProjectName = 0x0004;
constexpr std::uint16_t kProjectVersion = 0x0009;
constexpr std::uint16_t kDirTerminator = 0x0010;
constexpr std::uint16_t kModuleName = 0x0019;
constexpr std::uint16_t kModuleStreamName = 0x001A;
constexpr std::uint16_t kModuleTypeProcedural = 0x0021;
constexpr std::uint16_t kModuleTypeOther = 0x0022;
constexpr std::uint16_t kModuleTerminator = 0x002B;
constexpr std::uint16_t kModuleOffset = 0x0031;
constexpr std::uint16_t kModuleStreamNameUnicode = 0x0032;
constexpr std::uint16_t kModuleNameUnicode = 0x0047;

// Decompresses one CompressedChunk's token sequences (2.4.1.3.4) of [pos, end) onto `out`.
// Returns "" or the reason it stopped early.
std::string decompress_tokens(ByteView in, std::size_t pos, std::size_t end, Bytes& out, std::size_t max_output,
                              bool& truncated) {
  const std::size_t chunk_start = out.size();
  while (pos < end) {
    std::uint8_t flags = in.data()[pos++];
    for (int bit = 0; bit < 8 && pos < end; ++bit) {
      if (out.size() >= max_output) {
        truncated = true;
        return "";
      }
      if (((flags >> bit) & 1) == 0) {
        if (out.size() - chunk_start >= kChunkSize) return "chunk decompresses to more than 4096 bytes";
        out.push_back(in.data()[pos++]);
        continue;
      }
      if (pos + 2 > end) return "copy token cut at the end of a chunk";
      std::uint16_t token = *in.read_le<std::uint16_t>(pos);
      pos += 2;
      // 2.4.1.3.19.1: the split between offset and length bits grows with the
      // decompressed position inside the chunk.
      std::size_t difference = out.size() - chunk_start;
      unsigned bit_count = 4;
      while (bit_count < 12 && (std::size_t{1} << bit_count) < difference) ++bit_count;
      std::uint16_t length_mask = 0xFFFF >> bit_count;
      std::size_t length = (token & length_mask) + 3U;
      std::size_t offset =
          (static_cast<std::size_t>(token & static_cast<std::uint16_t>(~length_mask)) >> (16 - bit_count)) + 1U;
      if (offset > difference) return "copy token points before the start of its chunk";
      if (difference + length > kChunkSize) return "chunk decompresses to more than 4096 bytes";
      std::size_t source = out.size() - offset;
      for (std::size_t i = 0; i < length; ++i) {
        if (out.size() >= max_output) {
          truncated = true;
          return "";
        }
        out.push_back(out[source + i]);  // overlapping copies repeat bytes, byte by byte
      }
    }
  }
  return "";
}

}  // namespace

Decompressed decompress(ByteView container, std::size_t max_output) {
  Decompressed result;
  if (container.at(0) != std::optional<std::uint8_t>(1)) {
    result.error = "compressed container does not start with 0x01";
    return result;
  }
  std::size_t pos = 1;
  while (pos < container.size() && !result.truncated) {
    std::optional<std::uint16_t> header = container.read_le<std::uint16_t>(pos);
    if (!header) {
      result.error = "chunk header cut at the end of the container";
      break;
    }
    std::size_t chunk_size = (*header & 0x0FFFU) + 3U;
    bool compressed = (*header & 0x8000U) != 0;
    std::size_t chunk_end = std::min(container.size(), pos + chunk_size);
    pos += 2;
    if (!compressed) {
      // 2.4.1.3.3: a raw chunk always holds 4096 bytes (less only when the input ends).
      ByteView raw = container.tail(pos).head(kChunkSize);
      std::size_t room = std::min(raw.size(), max_output - result.data.size());
      result.data.insert(result.data.end(), raw.data(), raw.data() + room);
      result.truncated = room < raw.size();
      pos += kChunkSize;
      continue;
    }
    std::string error = decompress_tokens(container, pos, chunk_end, result.data, max_output, result.truncated);
    if (!error.empty()) {
      result.error = error;
      break;
    }
    pos = chunk_end;
  }
  return result;
}

Project parse_dir(ByteView dir) {
  Project project;
  Module module;
  bool in_module = false;
  std::size_t pos = 0;
  while (pos < dir.size()) {
    std::optional<std::uint16_t> id = dir.read_le<std::uint16_t>(pos);
    std::optional<std::uint32_t> size = dir.read_le<std::uint32_t>(pos + 2);
    if (!id || !size) {
      project.error = "dir stream record header cut short";
      break;
    }
    pos += 6;
    // PROJECTVERSION's size field says 4 but 6 bytes follow (2.3.4.2.1.11).
    std::size_t length = *id == kProjectVersion ? 6 : *size;
    std::optional<ByteView> data = dir.subview(pos, length);
    if (!data) {
      project.error = "dir stream record " + std::to_string(*id) + " runs past the end";
      break;
    }
    pos += length;
    switch (*id) {
      case kProjectCodePage: project.code_page = data->read_le<std::uint16_t>(0).value_or(0); break;
      case kProjectName: project.name = latin1_to_utf8(*data); break;
      case kModuleName:
        if (in_module && !module.stream_name.empty()) project.modules.push_back(module);
        module = Module{};
        module.name = latin1_to_utf8(*data);
        in_module = true;
        break;
      case kModuleNameUnicode:
        if (!data->empty()) module.name = utf16le_to_utf8(*data);
        break;
      case kModuleStreamName: module.stream_name = latin1_to_utf8(*data); break;
      case kModuleStreamNameUnicode:
        if (!data->empty()) module.stream_name = utf16le_to_utf8(*data);
        break;
      case kModuleOffset: module.text_offset = data->read_le<std::uint32_t>(0).value_or(0); break;
      case kModuleTypeProcedural: module.procedural = true; break;
      case kModuleTypeOther: module.procedural = false; break;
      case kModuleTerminator:
        if (in_module && !module.stream_name.empty()) project.modules.push_back(module);
        in_module = false;
        break;
      default: break;
    }
    if (*id == kDirTerminator) break;
  }
  if (in_module && !module.stream_name.empty()) project.modules.push_back(module);
  return project;
}

}  // namespace stoq::ovba

// carver:rtf's OLE 1.0 object parser ([MS-OLEDS] 2.2.4 ObjectHeader, 2.2.5
// EmbeddedObject), the format of RTF \objdata:
//   u32 OLEVersion (usually 0x00000501; not checked, Word ignores it)
//   u32 FormatID   (2 = embedded; 1 = linked, which has no native data)
//   ClassName, TopicName, ItemName: u32 length (counting the NUL) + ANSI characters
//   u32 NativeDataSize, NativeData
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "stoq/bytes.hpp"

namespace stoq::plugins::carver::rtf {

struct Ole1Object {
  std::uint32_t version = 0;
  std::string class_name;  // e.g. "Package", "Word.Document.8", "Equation.3"
  std::string topic;
  std::string item;
  ByteView native;         // clamped to the bytes present
  bool truncated = false;  // NativeDataSize runs past the data
};

/// nullopt unless `data` is an embedded OLE1 object with a printable class name.
std::optional<Ole1Object> parse_ole1(ByteView data);

}  // namespace stoq::plugins::carver::rtf

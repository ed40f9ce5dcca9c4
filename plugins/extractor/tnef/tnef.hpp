// A bounds-checked reader of TNEF streams (winmail.dat, application/ms-tnef; [MS-OXTNEF]):
// attributes (level, id, length, data, checksum) and, inside attAttachment, the MAPI
// property list, enough to recover each attachment's name and bytes. Attachment data
// is returned as views into the input: nothing is copied or allocated from a length
// in the file.
//
// No stoq state: shared by extractor:tnef, its tests and the fuzz target fuzz_tnef.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "stoq/bytes.hpp"

namespace stoq::tnef {

inline constexpr std::uint32_t kSignature = 0x223E9F78;

struct Attachment {
  std::string title;          // attAttachTitle (often an 8.3 name)
  std::string long_filename;  // PR_ATTACH_LONG_FILENAME, "" when absent
  std::string mime_type;      // PR_ATTACH_MIME_TAG
  std::string content_id;     // PR_ATTACH_CONTENT_ID
  ByteView data;              // attAttachData, else PR_ATTACH_DATA_BIN / _OBJ
  bool has_data = false;
  bool embedded_object = false;  // the data is a PT_OBJECT (an embedded message: its own TNEF stream)
  std::vector<std::string> errors;
  /// The name to show: the long file name when given, else the title.
  [[nodiscard]] const std::string& filename() const { return long_filename.empty() ? title : long_filename; }
};

struct Message {
  std::uint16_t key = 0;
  std::string message_class;  // attMessageClass
  std::vector<Attachment> attachments;
  std::vector<std::string> warnings;  // bad checksums, truncation, unreadable property lists
};

/// True when `data` starts with the TNEF signature.
bool has_signature(ByteView data);

/// Reads the attributes of `data`. Throws stoq::Error when the signature is missing;
/// damage after it ends the walk with a warning (what was read is kept).
Message parse(ByteView data);

}  // namespace stoq::tnef

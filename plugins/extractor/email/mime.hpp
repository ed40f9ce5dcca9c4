// A tolerant MIME (RFC 5322 / 2045-2049 / 2231) and mbox parser that yields the leaf
// parts of a message, decoded, in the order Python's email.message.Message.walk()
// visits them. Malformed input never fails: a missing header/body separator, a missing
// start or close delimiter, bad base64, all give what can be recovered (as Python's
// feedparser does). Nesting (multipart in multipart, message/rfc822) is bounded.
//
// No stoq state: shared by extractor:email, its tests and the fuzz target fuzz_mime.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "stoq/bytes.hpp"

namespace stoq::mime {

struct Part {
  std::string content_type;  // lower case "type/subtype" (text/plain when absent or invalid)
  std::string filename;      // Content-Disposition filename, else Content-Type name (RFC 2231/2047 decoded)
  std::string disposition;   // lower case "attachment", "inline", "" when absent
  std::string content_id;
  std::string charset;                 // lower case Content-Type charset, "" when absent
  std::string transfer_encoding;       // lower case Content-Transfer-Encoding, "" when absent
  Bytes data;                          // the decoded body
  std::size_t index = 0;               // order among the parts yielded (uuencoded blocks included)
  std::optional<std::size_t> message;  // index of the message in an mbox
  std::size_t depth = 0;               // message/rfc822 nesting (0: the top message)
  bool uuencoded_block = false;        // a "begin ... end" block found inside a text body
  std::optional<std::size_t> parent;   // for a uuencoded block: index of the text part
  bool truncated = false;              // data cut at Settings::max_part_bytes
  // Python's MIMEPart.get_body() could pick this part: not inside an attached message,
  // no ancestor with Content-Disposition: attachment, and inside each multipart/related
  // only the root part (the "start" Content-ID, else the first).
  bool body_candidate = false;
};

struct Settings {
  std::size_t max_nesting = 32;  // multiparts and messages inside each other
  std::uint64_t max_part_bytes = UINT64_MAX;
  bool uuencoded_blocks = true;  // also yield uuencoded blocks found in text bodies
};

struct Outcome {
  std::size_t messages = 0;          // 1, or the messages of an mbox
  std::size_t parts = 0;             // parts yielded
  std::vector<std::string> defects;  // what was malformed (first few)
  bool stopped = false;              // the sink asked to stop
};

/// Receives each part; returns false to stop the parse.
using PartSink = std::function<bool(Part&&)>;

/// True when `data` starts with an mbox "From " line.
bool is_mbox(ByteView data);
/// The messages of an mbox: split before every line starting with "From " (as Python's
/// mailbox.mbox does); each message keeps its own "From " line.
std::vector<std::string_view> split_mbox(std::string_view data);

/// Parses one message, or every message of an mbox, and hands its parts to `sink`.
Outcome parse(ByteView data, const Settings& settings, const PartSink& sink);
/// Parses exactly one message (a leading mbox "From " line is skipped, never split on).
Outcome parse_message(std::string_view message, const Settings& settings, const PartSink& sink);

/// A header field: lower-case name, unfolded value (leading/trailing blanks removed).
using HeaderField = std::pair<std::string, std::string>;
/// The header fields of a message, as parse() reads them (a leading mbox "From " line is
/// skipped; the header ends at a blank line or at the first line that is not a field).
/// `body_offset` gets where the body starts.
std::vector<HeaderField> parse_headers(std::string_view message, std::size_t* body_offset = nullptr);

/// A header parameter list ("type/sub; a=1; b*0*=...") as Python's get_param sees it:
/// RFC 2231 continuations joined, percent-decoding and charset applied, quotes removed,
/// RFC 2047 encoded words decoded. Returns "" when absent (`found` false).
std::string header_param(std::string_view header_value, std::string_view name, bool* found = nullptr);

}  // namespace stoq::mime

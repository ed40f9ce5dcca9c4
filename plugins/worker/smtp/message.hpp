// One e-mail message as the smtp worker reports it: decoded headers, addresses,
// subject, date, message id, text and HTML bodies (transfer-decoded, converted to
// UTF-8, chosen as Python's MIMEPart.get_body() chooses them) and the attachment list
// with sizes and hashes. The MIME walk is extractor:email's parser (stoq_mime).
// No stoq state: shared by the plugin, its tests and the fuzz target fuzz_smtp.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "stoq/json.hpp"

namespace stoq::smtp {

struct MessageLimits {
  std::size_t max_headers = 1000;                              // header fields reported
  std::size_t max_header_bytes = 65536;                        // bytes of each decoded header value
  std::size_t max_addresses = 1000;                            // addresses per address field
  std::size_t max_parts = 1000;                                // MIME leaf parts walked
  std::size_t max_nesting = 32;                                // multiparts and attached messages inside each other
  std::uint64_t max_decoded_bytes = std::uint64_t{256} << 20;  // decoded bytes of all parts
  std::size_t max_body_bytes = std::size_t{1} << 20;           // of each body in the results
};

/// The results of one message (never throws on malformed input).
Json describe_message(std::string_view message, const MessageLimits& limits);

/// Any bytes as UTF-8: valid UTF-8 as is, anything else read as Windows-1252.
std::string utf8(std::string_view bytes);

/// `text` cut to at most `max_bytes` without splitting a UTF-8 sequence.
std::string_view cut_utf8(std::string_view text, std::size_t max_bytes);

}  // namespace stoq::smtp

// libFuzzer target for worker:smtp's parsers: input detection, SMTP session and mbox
// splitting, address lists and the per-message results (which drive extractor:email's
// MIME parser), with what must hold for any input. Seeds: fuzz/corpus/fuzz_smtp/.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "addresses.hpp"
#include "message.hpp"
#include "mime.hpp"
#include "session.hpp"

namespace {
void check(bool condition) {
  if (!condition) std::abort();
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)stoq::smtp::detect(text);

  stoq::smtp::SessionLimits session_limits;
  session_limits.max_transactions = 8;
  session_limits.max_recipients = 4;
  session_limits.max_data_bytes = 4096;
  stoq::smtp::Session session = stoq::smtp::parse_session(text, session_limits);
  check(session.transactions.size() <= session_limits.max_transactions);
  for (const auto& transaction : session.transactions) {
    // Undoing dot-stuffing and joining BDAT chunks never grows the data.
    check(transaction.data.size() <= size && transaction.data.size() <= session_limits.max_data_bytes);
    check(transaction.envelope.rcpt_to.size() <= session_limits.max_recipients);
  }

  std::size_t total = 0;
  for (std::string_view message : stoq::mime::split_mbox(text)) total += message.size();
  check(total <= size);

  check(stoq::smtp::parse_address_list(text, 16).size() <= 16);

  stoq::smtp::MessageLimits limits;
  limits.max_headers = 32;
  limits.max_header_bytes = 256;
  limits.max_addresses = 8;
  limits.max_parts = 16;
  limits.max_nesting = 6;
  limits.max_decoded_bytes = 8192;
  limits.max_body_bytes = 512;
  stoq::Json result = stoq::smtp::describe_message(text, limits);
  (void)result.dump();  // throws (and so aborts) on a string that is not UTF-8
  check(result["headers"].size() <= limits.max_headers);
  check(result["body"].get<std::string>().size() <= limits.max_body_bytes);
  check(result["body_html"].get<std::string>().size() <= limits.max_body_bytes);
  check(result["att"].size() <= limits.max_parts);
  return 0;
}

// What the smtp worker is given, cut into messages: one RFC 5322 message, an mbox
// (split as Python's mailbox.mbox splits it), or a raw SMTP session transcript
// (RFC 5321: HELO/EHLO/LHLO, MAIL FROM, RCPT TO, DATA with dot-stuffing and the "."
// terminator, BDAT chunks, RSET; server replies interleaved in the transcript are
// skipped). No stoq state: shared by the plugin, its tests and the fuzz target fuzz_smtp.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace stoq::smtp {

enum class Container { Message, Mbox, Session };

const char* container_name(Container container);

struct Envelope {
  std::string helo;                  // HELO/EHLO/LHLO argument
  std::string mail_from;             // MAIL FROM reverse-path, without < >
  std::vector<std::string> rcpt_to;  // RCPT TO forward-paths, without < >
  std::string auth_mechanism;        // AUTH <mechanism> (the credentials are never kept)
  bool tls = false;                  // STARTTLS was sent before this transaction
  bool complete = false;             // DATA ended with "." (or BDAT ... LAST)
  bool truncated = false;            // the data was cut at SessionLimits::max_data_bytes
  std::size_t rcpt_dropped = 0;      // RCPT TO beyond SessionLimits::max_recipients
};

struct Transaction {
  Envelope envelope;
  std::string data;  // the message, dot-stuffing undone
};

struct SessionLimits {
  std::size_t max_transactions = 1000;
  std::size_t max_recipients = 1000;
  std::size_t max_data_bytes = std::size_t{256} << 20;
  std::size_t max_field_bytes = 4096;  // HELO, MAIL FROM, RCPT TO values
};

struct Session {
  std::vector<Transaction> transactions;
  std::vector<std::string> defects;  // what was odd (first few)
  bool starttls = false;             // the rest of the session was encrypted: not readable
  bool more = false;                 // transactions beyond max_transactions were left out
  std::size_t commands = 0;          // command lines seen
};

/// The kind of input: a session when the first line that is not a server reply
/// ("220 ...") is an SMTP greeting or MAIL FROM; an mbox when it starts with "From ";
/// else a message.
Container detect(std::string_view data);

/// The transactions of an SMTP session transcript.
Session parse_session(std::string_view data, const SessionLimits& limits);

}  // namespace stoq::smtp

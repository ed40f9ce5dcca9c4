// SMTP session transcripts and input detection; see session.hpp.
#include "session.hpp"

#include <algorithm>
#include <cctype>
#include <optional>

namespace stoq::smtp {
namespace {

constexpr std::size_t kMaxDefects = 20;

struct Line {
  std::string_view text;  // without the line ending
  std::string_view raw;   // with it
  std::size_t next = 0;
};

Line line_at(std::string_view data, std::size_t pos) {
  std::size_t newline = data.find('\n', pos);
  std::size_t next = newline == std::string_view::npos ? data.size() : newline + 1;
  std::string_view raw = data.substr(pos, next - pos);
  std::string_view text = raw;
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.remove_suffix(1);
  return {text, raw, next};
}

bool iequals_prefix(std::string_view text, std::string_view prefix) {
  if (text.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    if (std::toupper(static_cast<unsigned char>(text[i])) != prefix[i]) return false;
  }
  return true;
}

// "250-PIPELINING", "354 go ahead", "221": a server reply line of a two-sided transcript.
bool is_reply(std::string_view line) {
  if (line.size() < 3) return false;
  for (std::size_t i = 0; i < 3; ++i) {
    if (std::isdigit(static_cast<unsigned char>(line[i])) == 0) return false;
  }
  return line.size() == 3 || line[3] == ' ' || line[3] == '-';
}

std::string_view trim(std::string_view text) {
  std::size_t first = text.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  return text.substr(first, text.find_last_not_of(" \t") - first + 1);
}

// The path after "MAIL FROM:" / "RCPT TO:": "<a@b> SIZE=1" -> "a@b"; "a@b" -> "a@b".
std::string path_of(std::string_view rest, std::size_t max_bytes) {
  rest = trim(rest);
  std::string_view path;
  if (!rest.empty() && rest.front() == '<') {
    std::size_t close = rest.find('>');
    path = rest.substr(1, close == std::string_view::npos ? std::string_view::npos : close - 1);
  } else {
    path = rest.substr(0, rest.find_first_of(" \t"));
  }
  return std::string(path.substr(0, max_bytes));
}

class Parser {
 public:
  Parser(std::string_view data, const SessionLimits& limits) : data_(data), limits_(limits) {}

  Session run() {
    for (std::size_t pos = 0; pos < data_.size() && !session_.more;) {
      Line line = line_at(data_, pos);
      pos = line.next;
      if (in_data_) {
        data_line(line);
        continue;
      }
      if (line.text.empty() || is_reply(line.text)) continue;
      pos = command(line, pos);
    }
    if (current_ && (in_data_ || !current_->data.empty())) {
      defect(in_data_ ? "the session ended inside DATA (no \".\" line)" : "the session ended inside BDAT chunks");
      finish();
    }
    return std::move(session_);
  }

 private:
  void defect(std::string text) {
    if (session_.defects.size() < kMaxDefects) session_.defects.push_back(std::move(text));
  }

  Transaction& begin() {
    current_.emplace();
    current_->envelope.helo = helo_;
    current_->envelope.auth_mechanism = auth_;
    current_->envelope.tls = session_.starttls;
    return *current_;
  }

  void finish() {
    if (session_.transactions.size() >= limits_.max_transactions) {
      session_.more = true;
    } else {
      session_.transactions.push_back(std::move(*current_));
    }
    current_.reset();
    in_data_ = false;
  }

  void append(std::string_view bytes) {
    std::string& data = current_->data;
    std::size_t room = limits_.max_data_bytes - std::min(limits_.max_data_bytes, data.size());
    if (bytes.size() > room) current_->envelope.truncated = true;
    data.append(bytes.substr(0, room));
  }

  void data_line(const Line& line) {
    if (line.text == ".") {
      current_->envelope.complete = true;
      finish();
      return;
    }
    // The server's go-ahead, when the transcript holds both directions.
    if (current_->data.empty() && !data_started_ && line.text.substr(0, 4) == "354 ") return;
    data_started_ = true;
    std::string_view raw = line.raw;
    if (!raw.empty() && raw.front() == '.') raw.remove_prefix(1);  // dot-stuffing (RFC 5321 4.5.2)
    append(raw);
  }

  // Returns where parsing goes on (after a BDAT chunk, past its bytes).
  std::size_t command(const Line& line, std::size_t next) {
    ++session_.commands;
    std::string_view text = line.text;
    std::string_view verb = text.substr(0, text.find(' '));
    std::string_view argument = trim(verb.size() < text.size() ? text.substr(verb.size() + 1) : std::string_view{});
    if (iequals_prefix(verb, "HELO") || iequals_prefix(verb, "EHLO") || iequals_prefix(verb, "LHLO")) {
      if (verb.size() == 4) helo_ = std::string(argument.substr(0, limits_.max_field_bytes));
    } else if (iequals_prefix(text, "MAIL FROM:")) {
      if (current_) defect("MAIL FROM inside a transaction: the previous one was dropped");
      begin().envelope.mail_from = path_of(text.substr(10), limits_.max_field_bytes);
    } else if (iequals_prefix(text, "RCPT TO:")) {
      Transaction& transaction = current_ ? *current_ : begin();
      if (transaction.envelope.rcpt_to.size() < limits_.max_recipients) {
        transaction.envelope.rcpt_to.push_back(path_of(text.substr(8), limits_.max_field_bytes));
      } else {
        ++transaction.envelope.rcpt_dropped;
      }
    } else if (iequals_prefix(trim(text), "DATA") && trim(text).size() == 4) {
      if (!current_) {
        defect("DATA without MAIL FROM");
        begin();
      }
      in_data_ = true;
      data_started_ = false;
    } else if (iequals_prefix(text, "BDAT ")) {
      return bdat(argument, next);
    } else if (iequals_prefix(trim(text), "RSET") && trim(text).size() == 4) {
      current_.reset();
    } else if (iequals_prefix(text, "STARTTLS")) {
      session_.starttls = true;
    } else if (iequals_prefix(text, "AUTH ")) {
      auth_ = std::string(argument.substr(0, argument.find(' ')).substr(0, 64));
    } else {
      --session_.commands;  // QUIT, NOOP, an AUTH LOGIN response, a line of garbage
    }
    return next;
  }

  std::size_t bdat(std::string_view argument, std::size_t next) {
    std::string_view size_text = argument.substr(0, argument.find(' '));
    bool last = trim(argument.substr(size_text.size())).size() == 4 &&
                iequals_prefix(trim(argument.substr(size_text.size())), "LAST");
    std::size_t size = 0;
    bool valid = !size_text.empty() && size_text.size() <= 18;
    for (char c : size_text) {
      if (std::isdigit(static_cast<unsigned char>(c)) == 0) valid = false;
      if (valid) size = size * 10 + static_cast<std::size_t>(c - '0');
    }
    if (!valid) {
      defect("BDAT with an invalid size");
      return next;
    }
    if (!current_) {
      defect("BDAT without MAIL FROM");
      begin();
    }
    std::size_t available = data_.size() - next;
    if (size > available) {
      defect("BDAT chunk shorter than announced");
      size = available;
    }
    append(data_.substr(next, size));
    if (last) {
      current_->envelope.complete = true;
      finish();
    }
    return next + size;
  }

  std::string_view data_;
  const SessionLimits& limits_;
  Session session_;
  std::optional<Transaction> current_;
  std::string helo_;
  std::string auth_;
  bool in_data_ = false;
  bool data_started_ = false;
};

}  // namespace

const char* container_name(Container container) {
  switch (container) {
    case Container::Message: return "message";
    case Container::Mbox: return "mbox";
    case Container::Session: return "smtp_session";
  }
  return "message";
}

Container detect(std::string_view data) {
  if (data.substr(0, 5) == "From ") return Container::Mbox;
  for (std::size_t pos = 0, lines = 0; pos < data.size() && lines < 64; ++lines) {
    Line line = line_at(data, pos);
    pos = line.next;
    if (line.text.empty() || is_reply(line.text)) continue;
    std::string_view verb = line.text.substr(0, 5);
    bool greeting = (iequals_prefix(verb, "HELO ") || iequals_prefix(verb, "EHLO ") || iequals_prefix(verb, "LHLO ") ||
                     iequals_prefix(line.text, "MAIL FROM:"));
    return greeting ? Container::Session : Container::Message;
  }
  return Container::Message;
}

Session parse_session(std::string_view data, const SessionLimits& limits) { return Parser(data, limits).run(); }

}  // namespace stoq::smtp

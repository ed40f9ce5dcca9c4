// Results documents as stoq prints them, one after another: one JSON document, several
// concatenated, one per line (-O <file>, compactly), or indented (the stdout connector).
//
// Each document is delimited first (by its brackets and strings, counting the depth in
// an integer: no recursion, any depth) and only then parsed, so a document that is not
// valid JSON costs that document only: the next one starts where it ends.
#pragma once

#include <cstddef>
#include <functional>
#include <istream>
#include <string>

#include "stoq/json.hpp"

namespace stoq::cli {

namespace json_stream_detail {

struct TextPosition {
  std::size_t line = 1;
  std::size_t column = 1;  // in bytes, as nlohmann counts them
};

// `in`, read byte by byte, knowing the line and column of the next byte.
class PositionedInput {
 public:
  explicit PositionedInput(std::istream& in) : in_(in) {}
  int peek() { return in_.peek(); }
  int get() {
    int c = in_.get();
    if (c == '\n') {
      ++position_.line;
      position_.column = 1;
    } else if (c != std::char_traits<char>::eof()) {
      ++position_.column;
    }
    return c;
  }
  [[nodiscard]] const TextPosition& position() const { return position_; }

 private:
  std::istream& in_;
  TextPosition position_;
};

inline bool is_json_space(int c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

enum class Scan { kEnd, kDocument, kCutShort };

// The next document's text. A document opening with { [ or " ends where its brackets
// close; anything else (a number, a literal, or text that is not JSON) runs to the next
// space or document opening. kCutShort: the input ended inside a document.
inline Scan scan_document(PositionedInput& input, std::string& text) {
  constexpr int kEof = std::char_traits<char>::eof();
  text.clear();
  while (is_json_space(input.peek())) input.get();
  int c = input.peek();
  if (c == kEof) return Scan::kEnd;
  if (c == '{' || c == '[' || c == '"') {
    std::size_t depth = 0;
    bool in_string = false;
    bool escaped = false;
    do {
      c = input.get();
      if (c == kEof) return Scan::kCutShort;
      text.push_back(static_cast<char>(c));
      if (in_string) {
        if (escaped) {
          escaped = false;
        } else if (c == '\\') {
          escaped = true;
        } else if (c == '"') {
          in_string = false;
        }
      } else if (c == '"') {
        in_string = true;
      } else if (c == '{' || c == '[') {
        ++depth;
      } else if (c == '}' || c == ']') {
        --depth;
      }
    } while (depth > 0 || in_string);
    return Scan::kDocument;
  }
  while ((c = input.peek()) != kEof && !is_json_space(c) && c != '{' && c != '[' && c != '"') {
    text.push_back(static_cast<char>(input.get()));
  }
  return Scan::kDocument;
}

// Where byte `offset` of a document's text is in the input, the text starting at `start`.
inline TextPosition position_in_input(const std::string& text, std::size_t offset, TextPosition start) {
  for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++start.line;
      start.column = 1;
    } else {
      ++start.column;
    }
  }
  return start;
}

// nlohmann's message without its "[json.exception.parse_error.101] parse error at line 1,
// column 9: " prefix (the position is given in the input's terms instead).
inline std::string json_error_reason(const Json::exception& error) {
  std::string why = error.what();
  if (auto bracket = why.find("] "); why.rfind("[json.exception", 0) == 0 && bracket != std::string::npos) {
    why.erase(0, bracket + 2);
  }
  if (why.rfind("parse error at line ", 0) == 0) {
    if (auto colon = why.find(": "); colon != std::string::npos) why.erase(0, colon + 2);
  }
  if (why.rfind("parse error: ", 0) == 0) why.erase(0, 13);
  return why;
}

}  // namespace json_stream_detail

/// Reads `in` to its end and calls `on_document` with each document as soon as it is
/// complete (a pipe is rendered as it arrives). A document that is not valid JSON (a
/// number out of range such as 1e999, invalid UTF-8, a syntax error, text between
/// documents) goes to `on_bad_document` as "document N, line L, column C: <why>" (its
/// position in the input) and reading goes on after it; a document cut short by the end
/// of the input is reported the same way. Returns how many documents were read, bad
/// ones included.
inline std::size_t read_json_documents(std::istream& in, const std::function<void(Json& document)>& on_document,
                                       const std::function<void(const std::string& problem)>& on_bad_document) {
  using json_stream_detail::Scan;
  json_stream_detail::PositionedInput input(in);
  std::size_t count = 0;
  std::string text;
  while (true) {
    while (json_stream_detail::is_json_space(input.peek())) input.get();
    const json_stream_detail::TextPosition start = input.position();
    Scan scan = json_stream_detail::scan_document(input, text);
    if (scan == Scan::kEnd) break;
    ++count;
    const auto bad = [&](const json_stream_detail::TextPosition& at, const std::string& why) {
      on_bad_document("document " + std::to_string(count) + ", line " + std::to_string(at.line) + ", column " +
                      std::to_string(at.column) + ": " + why);
    };
    if (scan == Scan::kCutShort) {
      bad(start, "the input ends inside this document (cut short?)");
      break;
    }
    Json document;
    try {
      document = Json::parse(text);
    } catch (const Json::parse_error& e) {
      // e.byte counts the bytes read, the offending one included.
      std::size_t offset = e.byte > 0 ? e.byte - 1 : 0;
      bad(json_stream_detail::position_in_input(text, offset, start), json_stream_detail::json_error_reason(e));
      continue;
    } catch (const Json::exception& e) {  // out_of_range: a number such as 1e999
      bad(start, json_stream_detail::json_error_reason(e));
      continue;
    }
    on_document(document);
  }
  return count;
}

}  // namespace stoq::cli

// A recognizer of the STIX 2.1 patterning language, written for the tests from the
// grammar the OASIS specification publishes (STIX Version 2.1, section 9 and
// STIXPattern.g4): observation expressions joined by AND / OR / FOLLOWEDBY with
// qualifiers (WITHIN n SECONDS, REPEATS n TIMES, START t'..' STOP t'..'), comparison
// expressions in brackets, object paths (type:property.'quoted key'[index]), and the
// literals (strings with \' and \\ the only escapes, numbers, booleans, h'', b'', t'').
// valid_pattern() is true when the whole text is one pattern.
#pragma once

#include <cctype>
#include <string>
#include <string_view>

namespace stix_grammar {

class Parser {
 public:
  explicit Parser(std::string_view text) : text_(text) {}

  bool pattern() {
    bool ok = observation_expressions();
    skip_space();
    return ok && pos_ == text_.size();
  }

 private:
  // observationExpressions: Or (FOLLOWEDBY observationExpressions)?
  bool observation_expressions() {
    if (!observation_or()) return false;
    while (keyword("FOLLOWEDBY")) {
      if (!observation_or()) return false;
    }
    return true;
  }
  bool observation_or() {
    if (!observation_and()) return false;
    while (keyword("OR") || keyword("or")) {
      if (!observation_and()) return false;
    }
    return true;
  }
  bool observation_and() {
    if (!observation()) return false;
    while (keyword("AND") || keyword("and")) {
      if (!observation()) return false;
    }
    return true;
  }
  // observationExpression: '[' comparisonExpression ']' | '(' observationExpressions ')',
  // then any qualifiers.
  bool observation() {
    if (symbol("[")) {
      if (!comparison_expression() || !symbol("]")) return false;
    } else if (symbol("(")) {
      if (!observation_expressions() || !symbol(")")) return false;
    } else {
      return false;
    }
    for (;;) {
      if (keyword("START")) {
        if (!timestamp_literal() || !keyword("STOP") || !timestamp_literal()) return false;
      } else if (keyword("WITHIN")) {
        if (!(float_literal(false) || int_literal(false)) || !keyword("SECONDS")) return false;
      } else if (keyword("REPEATS")) {
        if (!int_literal(false) || !keyword("TIMES")) return false;
      } else {
        return true;
      }
    }
  }
  bool comparison_expression() {
    if (!comparison_and()) return false;
    while (keyword("OR") || keyword("or")) {
      if (!comparison_and()) return false;
    }
    return true;
  }
  bool comparison_and() {
    if (!prop_test()) return false;
    while (keyword("AND") || keyword("and")) {
      if (!prop_test()) return false;
    }
    return true;
  }
  bool prop_test() {
    if (symbol("(")) return comparison_expression() && symbol(")");
    if (keyword("EXISTS") || keyword("exists")) return object_path();
    if (!object_path()) return false;
    (void)(keyword("NOT") || keyword("not"));
    if (symbol("==") || symbol("!=") || symbol("<>") || symbol("=")) return primitive_literal();
    if (symbol("<=") || symbol(">=") || symbol("<") || symbol(">")) return orderable_literal();
    if (keyword("IN") || keyword("in")) return set_literal();
    for (const char* op : {"LIKE", "like", "MATCHES", "matches", "ISSUBSET", "issubset", "ISSUPERSET", "issuperset"}) {
      if (keyword(op)) return string_literal();
    }
    return false;
  }
  // objectPath: objectType ':' firstPathComponent objectPathComponent*
  bool object_path() {
    skip_space();
    if (!identifier(true) || !raw(":")) return false;
    if (!identifier(false) && !string_literal_here()) return false;
    for (;;) {
      if (raw(".")) {
        if (!identifier(false) && !string_literal_here()) return false;
      } else if (raw("[")) {
        if (!raw("*") && !int_literal_here(true)) return false;
        if (!raw("]")) return false;
      } else {
        return true;
      }
    }
  }
  bool set_literal() {
    if (!symbol("(")) return false;
    if (symbol(")")) return true;
    do {
      if (!primitive_literal()) return false;
    } while (symbol(","));
    return symbol(")");
  }
  bool primitive_literal() { return orderable_literal() || keyword("true") || keyword("false"); }
  bool orderable_literal() {
    skip_space();
    return timestamp_literal_here() || hex_literal() || binary_literal() || string_literal_here() ||
           float_literal_here(true) || int_literal_here(true);
  }

  // Literals (no space skipping inside).
  bool string_literal() {
    skip_space();
    return string_literal_here();
  }
  bool string_literal_here() {
    std::size_t start = pos_;
    if (!raw("'")) return false;
    while (pos_ < text_.size()) {
      char c = text_[pos_++];
      if (c == '\'') return true;
      if (c == '\\') {
        if (pos_ >= text_.size() || (text_[pos_] != '\'' && text_[pos_] != '\\')) break;
        ++pos_;
      }
    }
    pos_ = start;
    return false;
  }
  bool int_literal(bool negative_allowed) {
    skip_space();
    return int_literal_here(negative_allowed);
  }
  bool int_literal_here(bool negative_allowed) {
    std::size_t start = pos_;
    if (!raw("+") && negative_allowed) (void)raw("-");
    std::size_t digits = pos_;
    while (pos_ < text_.size() && std::isdigit(static_cast<unsigned char>(text_[pos_])) != 0) ++pos_;
    bool ok = pos_ > digits && (text_[digits] != '0' || pos_ == digits + 1) && !word_char_here();
    if (!ok) pos_ = start;
    return ok;
  }
  bool float_literal(bool negative_allowed) {
    skip_space();
    return float_literal_here(negative_allowed);
  }
  bool float_literal_here(bool negative_allowed) {
    std::size_t start = pos_;
    if (!raw("+") && negative_allowed) (void)raw("-");
    while (pos_ < text_.size() && std::isdigit(static_cast<unsigned char>(text_[pos_])) != 0) ++pos_;
    std::size_t dot = pos_;
    bool ok = raw(".");
    while (ok && pos_ < text_.size() && std::isdigit(static_cast<unsigned char>(text_[pos_])) != 0) ++pos_;
    ok = ok && pos_ > dot + 1;
    if (!ok) pos_ = start;
    return ok;
  }
  bool hex_literal() {
    std::size_t start = pos_;
    if (raw("h'")) {
      std::size_t digits = 0;
      while (pos_ < text_.size() && std::isxdigit(static_cast<unsigned char>(text_[pos_])) != 0) ++pos_, ++digits;
      if (digits % 2 == 0 && raw("'")) return true;
    }
    pos_ = start;
    return false;
  }
  bool binary_literal() {
    std::size_t start = pos_;
    if (raw("b'")) {
      std::size_t chars = 0;
      auto base64 = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '+' || c == '/'; };
      while (pos_ < text_.size() && base64(text_[pos_])) ++pos_, ++chars;
      std::size_t pad = 0;
      while (pad < 2 && raw("=")) ++pad;
      if ((chars + pad) % 4 == 0 && (pad == 0 || chars % 4 == 4 - pad) && raw("'")) return true;
    }
    pos_ = start;
    return false;
  }
  bool timestamp_literal() {
    skip_space();
    return timestamp_literal_here();
  }
  // t'YYYY-MM-DDTHH:MM:SS(.fraction)?Z' with the ranges of the grammar.
  bool timestamp_literal_here() {
    std::size_t start = pos_;
    auto two = [this](int low, int high) {
      if (pos_ + 2 > text_.size() || std::isdigit(static_cast<unsigned char>(text_[pos_])) == 0 ||
          std::isdigit(static_cast<unsigned char>(text_[pos_ + 1])) == 0) {
        return false;
      }
      int value = (text_[pos_] - '0') * 10 + (text_[pos_ + 1] - '0');
      pos_ += 2;
      return value >= low && value <= high;
    };
    bool ok = raw("t'") && two(0, 99) && two(0, 99) && raw("-") && two(1, 12) && raw("-") && two(1, 31) && raw("T") &&
              two(0, 23) && raw(":") && two(0, 59) && raw(":") && two(0, 60);
    if (ok && raw(".")) {
      std::size_t digits = pos_;
      while (pos_ < text_.size() && std::isdigit(static_cast<unsigned char>(text_[pos_])) != 0) ++pos_;
      ok = pos_ > digits;
    }
    ok = ok && raw("Z'");
    if (!ok) pos_ = start;
    return ok;
  }
  // objectType allows '-' (IdentifierWithHyphen); path components do not.
  bool identifier(bool hyphen) {
    if (pos_ >= text_.size()) return false;
    char first = text_[pos_];
    if (std::isalpha(static_cast<unsigned char>(first)) == 0 && first != '_') return false;
    ++pos_;
    while (pos_ < text_.size() && (word_char_here() || (hyphen && text_[pos_] == '-'))) ++pos_;
    return true;
  }

  // Tokens.
  bool word_char_here() const {
    return pos_ < text_.size() && (std::isalnum(static_cast<unsigned char>(text_[pos_])) != 0 || text_[pos_] == '_');
  }
  void skip_space() {
    while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_])) != 0) ++pos_;
  }
  bool raw(std::string_view token) {
    if (text_.substr(pos_, token.size()) != token) return false;
    pos_ += token.size();
    return true;
  }
  bool symbol(std::string_view token) {
    skip_space();
    return raw(token);
  }
  bool keyword(std::string_view word) {
    skip_space();
    std::size_t start = pos_;
    if (!raw(word) || word_char_here()) {
      pos_ = start;
      return false;
    }
    return true;
  }

  std::string_view text_;
  std::size_t pos_ = 0;
};

inline bool valid_pattern(std::string_view text) { return Parser(text).pattern(); }

}  // namespace stix_grammar

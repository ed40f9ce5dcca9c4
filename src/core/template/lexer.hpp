// Splits template source into tokens exactly where Jinja2's lexer does, including its
// whitespace rules: `-` trims, `+` keeps, trim_blocks eats the newline after a block or
// comment tag, lstrip_blocks eats spaces/tabs before one on its own line.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace stoq::templating::detail {

enum class Tok : std::uint8_t {
  Data,        // literal text (raw blocks included)
  VarBegin,    // {{
  VarEnd,      // }}
  BlockBegin,  // {%
  BlockEnd,    // %}
  Name,
  String,
  Integer,
  Float,
  Operator,
  Eof,
};

struct Token {
  Tok type = Tok::Eof;
  std::string value;  // Data text, name, decoded string, operator
  __extension__ __int128 integer = 0;
  double number = 0;
  bool overflow = false;  // an integer literal beyond 127 bits
  int line = 1;
  int column = 1;
};

struct LexerOptions {
  bool trim_blocks = true;
  bool lstrip_blocks = true;
  bool keep_trailing_newline = false;
};

/// Throws TemplateError (naming `name`, line, column) for unterminated tags, strings and comments.
[[nodiscard]] std::vector<Token> tokenize(std::string_view source, const std::string& name,
                                          const LexerOptions& options);

}  // namespace stoq::templating::detail

#include "template/lexer.hpp"

#include <charconv>
#include <cstdlib>

#include "stoq/template.hpp"
#include "template/text.hpp"

namespace stoq::templating::detail {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_name_start(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool is_name_char(char c) { return is_name_start(c) || is_digit(c); }
bool is_ws(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

// Jinja2 normalizes every newline sequence to "\n" and (by default) drops one trailing newline.
std::string normalize_source(std::string_view source, bool keep_trailing_newline) {
  std::string out;
  out.reserve(source.size());
  for (std::size_t i = 0; i < source.size(); ++i) {
    if (source[i] == '\r') {
      out.push_back('\n');
      if (i + 1 < source.size() && source[i + 1] == '\n') ++i;
    } else {
      out.push_back(source[i]);
    }
  }
  if (!keep_trailing_newline && !out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

class Lexer {
 public:
  Lexer(std::string source, const std::string& name, const LexerOptions& options)
      : src_(std::move(source)), name_(name), options_(options) {
    line_starts_.push_back(0);
    for (std::size_t i = 0; i < src_.size(); ++i) {
      if (src_[i] == '\n') line_starts_.push_back(i + 1);
    }
  }

  std::vector<Token> run() {
    while (pos_ < src_.size()) root();
    Token eof;
    eof.type = Tok::Eof;
    place(eof, src_.size());
    tokens_.push_back(std::move(eof));
    return std::move(tokens_);
  }

 private:
  [[noreturn]] void fail(std::size_t at, const std::string& message) const {
    int line = 0;
    int column = 0;
    locate(at, line, column);
    throw TemplateError(name_, line, column, message);
  }

  void locate(std::size_t at, int& line, int& column) const {
    auto it = std::upper_bound(line_starts_.begin(), line_starts_.end(), at);
    std::size_t index = static_cast<std::size_t>(it - line_starts_.begin()) - 1;
    line = static_cast<int>(index) + 1;
    column = static_cast<int>(at - line_starts_[index]) + 1;
  }

  void place(Token& token, std::size_t at) const { locate(at, token.line, token.column); }

  void emit(Tok type, std::size_t at, std::string value = {}) {
    Token token;
    token.type = type;
    token.value = std::move(value);
    place(token, at);
    tokens_.push_back(std::move(token));
  }

  void emit_data(std::size_t at, std::string text) {
    if (!text.empty()) emit(Tok::Data, at, std::move(text));
  }

  bool at(std::size_t p, std::string_view s) const { return src_.compare(p, s.size(), s) == 0; }

  // Text before a tag, with the tag's whitespace control applied.
  std::string leading_text(std::size_t from, std::size_t to, char sign, bool lstrip_applies) const {
    std::string text = src_.substr(from, to - from);
    if (sign == '-') return strip(text, false, true);
    if (sign != '+' && lstrip_applies && options_.lstrip_blocks) {
      std::size_t nl = text.rfind('\n');
      std::size_t l_pos = nl == std::string::npos ? 0 : nl + 1;
      if (l_pos > 0 || line_starting_) {
        bool blank = text.find_first_not_of(" \t", l_pos) == std::string::npos;
        if (blank) text.resize(l_pos);
      }
    }
    return text;
  }

  // After a tag's closing delimiter at `end_pos`: `-` eats all whitespace, plain eats one
  // newline under trim_blocks (block and comment tags only).
  void after_close(std::size_t end_pos, bool minus, bool plus, bool trims) {
    std::size_t p = end_pos;
    if (minus) {
      while (p < src_.size() && is_ws(src_[p])) ++p;
    } else if (!plus && trims && options_.trim_blocks && p < src_.size() && src_[p] == '\n') {
      ++p;
    }
    line_starting_ = p > 0 && src_[p - 1] == '\n' && (p != end_pos);
    pos_ = p;
  }

  void root() {
    std::size_t tag = src_.find('{', pos_);
    while (tag != std::string::npos) {
      if (tag + 1 < src_.size() && (src_[tag + 1] == '{' || src_[tag + 1] == '%' || src_[tag + 1] == '#')) break;
      tag = src_.find('{', tag + 1);
    }
    if (tag == std::string::npos) {
      emit_data(pos_, src_.substr(pos_));
      pos_ = src_.size();
      return;
    }
    char kind = src_[tag + 1];
    char sign = tag + 2 < src_.size() && (src_[tag + 2] == '-' || src_[tag + 2] == '+') ? src_[tag + 2] : '\0';
    std::size_t inner = tag + 2 + (sign != '\0' ? 1 : 0);
    emit_data(pos_, leading_text(pos_, tag, sign, kind != '{'));
    line_starting_ = false;
    if (kind == '#') {
      comment(inner);
    } else if (kind == '%' && raw_begin(inner)) {
      // handled
    } else {
      pos_ = inner;
      emit(kind == '{' ? Tok::VarBegin : Tok::BlockBegin, tag);
      inside_tag(kind == '{');
    }
  }

  void comment(std::size_t from) {
    for (std::size_t p = from; p + 1 < src_.size(); ++p) {
      if (src_[p] == '+' && at(p + 1, "#}")) return after_close(p + 3, false, true, true);
      if (src_[p] == '-' && at(p + 1, "#}")) return after_close(p + 3, true, false, true);
      if (at(p, "#}")) return after_close(p + 2, false, false, true);
    }
    fail(from, "Missing end of comment tag");
  }

  // `{% raw %}` ... `{% endraw %}`: the content is data, untouched.
  bool raw_begin(std::size_t inner) {
    std::size_t p = inner;
    while (p < src_.size() && is_ws(src_[p])) ++p;
    if (!at(p, "raw")) return false;
    p += 3;
    std::size_t q = p;
    while (q < src_.size() && is_ws(src_[q])) ++q;
    bool minus = false;
    if (at(q, "-%}")) {
      minus = true;
      q += 3;
    } else if (at(q, "%}")) {
      q += 2;
    } else {
      return false;  // e.g. {% rawx %}: an ordinary block (and an unknown tag)
    }
    if (minus) {
      std::size_t body = q;
      while (q < src_.size() && is_ws(src_[q])) ++q;
      line_starting_ = q != body && src_[q - 1] == '\n';
    }
    // Find {%[-+]? \s* endraw \s* (+%}|-%}\s*|%}\n?)
    for (std::size_t t = src_.find("{%", q); t != std::string::npos; t = src_.find("{%", t + 1)) {
      std::size_t r = t + 2;
      char sign = r < src_.size() && (src_[r] == '-' || src_[r] == '+') ? src_[r] : '\0';
      if (sign != '\0') ++r;
      while (r < src_.size() && is_ws(src_[r])) ++r;
      if (!at(r, "endraw")) continue;
      r += 6;
      while (r < src_.size() && is_ws(src_[r])) ++r;
      bool close_plus = at(r, "+%}");
      bool close_minus = at(r, "-%}");
      if (!close_plus && !close_minus && !at(r, "%}")) continue;
      emit_data(q, leading_text(q, t, sign, true));
      after_close(r + (close_plus || close_minus ? 3 : 2), close_minus, close_plus, true);
      return true;
    }
    fail(inner, "Missing end of raw directive");
  }

  void inside_tag(bool variable) {
    std::vector<char> balance;
    const std::size_t open_at = pos_;
    while (true) {
      if (pos_ >= src_.size())
        fail(open_at,
             variable ? "unexpected end of template, expected '}}'" : "unexpected end of template, expected '%}'");
      char c = src_[pos_];
      if (balance.empty()) {
        if (variable) {
          if (at(pos_, "-}}")) {
            emit(Tok::VarEnd, pos_);
            return after_close(pos_ + 3, true, false, false);
          }
          if (at(pos_, "}}")) {
            emit(Tok::VarEnd, pos_);
            return after_close(pos_ + 2, false, false, false);
          }
        } else {
          if (at(pos_, "+%}")) {
            emit(Tok::BlockEnd, pos_);
            return after_close(pos_ + 3, false, true, true);
          }
          if (at(pos_, "-%}")) {
            emit(Tok::BlockEnd, pos_);
            return after_close(pos_ + 3, true, false, true);
          }
          if (at(pos_, "%}")) {
            emit(Tok::BlockEnd, pos_);
            return after_close(pos_ + 2, false, false, true);
          }
        }
      }
      if (is_ws(c)) {
        ++pos_;
      } else if (is_digit(c)) {
        number();
      } else if (is_name_start(c)) {
        std::size_t start = pos_;
        while (pos_ < src_.size() && is_name_char(src_[pos_])) ++pos_;
        emit(Tok::Name, start, src_.substr(start, pos_ - start));
      } else if (c == '\'' || c == '"') {
        string_literal();
      } else {
        operator_token(balance);
      }
    }
  }

  // Digits with single underscores between them.
  std::size_t digits(std::size_t p, std::string& out) const {
    std::size_t start = p;
    while (p < src_.size()) {
      if (is_digit(src_[p])) {
        out.push_back(src_[p++]);
      } else if (src_[p] == '_' && p > start && p + 1 < src_.size() && is_digit(src_[p + 1])) {
        ++p;
      } else {
        break;
      }
    }
    return p;
  }

  // Digits of `base` into token.integer (128-bit; overflow flagged). False on a bad digit.
  static bool parse_digits(std::string_view digits, int base, Token& token) {
    token.integer = 0;
    for (char c : digits) {
      int d = c >= '0' && c <= '9'   ? c - '0'
              : c >= 'a' && c <= 'f' ? c - 'a' + 10
              : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                     : 99;
      if (d >= base) return false;
      if (__builtin_mul_overflow(token.integer, base, &token.integer) ||
          __builtin_add_overflow(token.integer, d, &token.integer)) {
        token.overflow = true;
      }
    }
    return true;
  }

  void number() {
    std::size_t start = pos_;
    Token token;
    place(token, start);
    // 0b / 0o / 0x integers
    if (src_[pos_] == '0' && pos_ + 1 < src_.size() &&
        std::string_view("bBoOxX").find(src_[pos_ + 1]) != std::string_view::npos) {
      int base = (src_[pos_ + 1] | 0x20) == 'b' ? 2 : (src_[pos_ + 1] | 0x20) == 'o' ? 8 : 16;
      std::size_t p = pos_ + 2;
      std::string body;
      while (p < src_.size() && (std::isxdigit(static_cast<unsigned char>(src_[p])) || src_[p] == '_')) {
        if (src_[p] != '_') body.push_back(src_[p]);
        ++p;
      }
      if (body.empty() || !parse_digits(body, base, token)) fail(start, "invalid integer literal");
      token.type = Tok::Integer;
      pos_ = p;
      tokens_.push_back(std::move(token));
      return;
    }
    std::string text;
    std::size_t p = digits(pos_, text);
    bool is_float = false;
    if (p + 1 < src_.size() && src_[p] == '.' && is_digit(src_[p + 1])) {
      text.push_back('.');
      p = digits(p + 1, text);
      is_float = true;
    }
    if (p < src_.size() && (src_[p] == 'e' || src_[p] == 'E')) {
      std::size_t q = p + 1;
      std::string exp = "e";
      if (q < src_.size() && (src_[q] == '+' || src_[q] == '-')) exp.push_back(src_[q++]);
      if (q < src_.size() && is_digit(src_[q])) {
        q = digits(q, exp);
        text += exp;
        p = q;
        is_float = true;
      }
    }
    pos_ = p;
    if (is_float) {
      token.type = Tok::Float;
      token.number = std::strtod(text.c_str(), nullptr);
    } else {
      token.type = Tok::Integer;
      parse_digits(text, 10, token);
    }
    tokens_.push_back(std::move(token));
  }

  void string_literal() {
    std::size_t start = pos_;
    char quote = src_[pos_];
    std::string out;
    std::size_t p = pos_ + 1;
    while (true) {
      if (p >= src_.size()) fail(start, "unexpected end of string");
      char c = src_[p];
      if (c == quote) break;
      if (c != '\\') {
        out.push_back(c);
        ++p;
        continue;
      }
      if (p + 1 >= src_.size()) fail(start, "unexpected end of string");
      char e = src_[p + 1];
      p += 2;
      switch (e) {
        case 'n': out.push_back('\n'); break;
        case 't': out.push_back('\t'); break;
        case 'r': out.push_back('\r'); break;
        case 'a': out.push_back('\a'); break;
        case 'b': out.push_back('\b'); break;
        case 'f': out.push_back('\f'); break;
        case 'v': out.push_back('\v'); break;
        case '\\': out.push_back('\\'); break;
        case '\'': out.push_back('\''); break;
        case '"': out.push_back('"'); break;
        case '\n': break;  // line continuation
        case 'x':
        case 'u':
        case 'U': {
          std::size_t n = e == 'x' ? 2 : e == 'u' ? 4 : 8;
          unsigned long cp = 0;
          for (std::size_t k = 0; k < n; ++k) {
            if (p + k >= src_.size() || !std::isxdigit(static_cast<unsigned char>(src_[p + k]))) {
              fail(p - 2, "truncated \\" + std::string(1, e) + " escape in string literal");
            }
            cp = cp * 16 + static_cast<unsigned long>(std::stoi(std::string(1, src_[p + k]), nullptr, 16));
          }
          if (cp > 0x10FFFF) fail(p - 2, "illegal Unicode character in string literal");
          p += n;
          append_utf8(out, static_cast<char32_t>(cp));
          break;
        }
        default:
          if (e >= '0' && e <= '7') {
            unsigned cp = static_cast<unsigned>(e - '0');
            for (int k = 0; k < 2 && p < src_.size() && src_[p] >= '0' && src_[p] <= '7'; ++k) {
              cp = cp * 8 + static_cast<unsigned>(src_[p++] - '0');
            }
            append_utf8(out, static_cast<char32_t>(cp));
          } else {
            out.push_back('\\');  // unknown escapes stay as written
            out.push_back(e);
          }
      }
    }
    pos_ = p + 1;
    emit(Tok::String, start, std::move(out));
  }

  void operator_token(std::vector<char>& balance) {
    static constexpr std::string_view kTwo[] = {"//", "**", "==", "!=", ">=", "<="};
    for (std::string_view op : kTwo) {
      if (at(pos_, op)) {
        emit(Tok::Operator, pos_, std::string(op));
        pos_ += 2;
        return;
      }
    }
    char c = src_[pos_];
    if (std::string_view("+-/*%~[](){}><=.:|,;").find(c) == std::string_view::npos) {
      fail(pos_, std::string("unexpected char '") + c + "'");
    }
    if (c == '(' || c == '[' || c == '{') {
      balance.push_back(c == '(' ? ')' : c == '[' ? ']' : '}');
    } else if (c == ')' || c == ']' || c == '}') {
      if (balance.empty()) fail(pos_, std::string("unexpected '") + c + "'");
      if (balance.back() != c) {
        fail(pos_, std::string("unexpected '") + c + "', expected '" + balance.back() + "'");
      }
      balance.pop_back();
    }
    emit(Tok::Operator, pos_, std::string(1, c));
    ++pos_;
  }

  std::string src_;
  const std::string& name_;
  LexerOptions options_;
  std::vector<std::size_t> line_starts_;
  std::vector<Token> tokens_;
  std::size_t pos_ = 0;
  bool line_starting_ = true;
};

}  // namespace

std::vector<Token> tokenize(std::string_view source, const std::string& name, const LexerOptions& options) {
  Lexer lexer(normalize_source(source, options.keep_trailing_newline), name, options);
  return lexer.run();
}

}  // namespace stoq::templating::detail

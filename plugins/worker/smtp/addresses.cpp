// RFC 5322 address lists; see addresses.hpp. The structure follows Python's
// email._header_value_parser where the input is malformed: a missing '>' ends at the
// next comma, a source route ("<@relay:user@host>") is dropped, empty items are skipped.
#include "addresses.hpp"

#include <algorithm>
#include <optional>

#include "codecs.hpp"

namespace stoq::smtp {
namespace {

enum class Kind { Word, Quoted, Special, Comment };

struct Token {
  Kind kind = Kind::Word;
  std::string text;  // a word, a quoted string's content (unescaped), a special character
  bool space_before = false;
};

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }
bool is_special(char c) {
  return c == '(' || c == ')' || c == '<' || c == '>' || c == '@' || c == ',' || c == ';' || c == ':' || c == '"' ||
         c == '[' || c == ']';
}

// "=?charset?X?text?=" starting at `pos`: its length, or 0.
std::size_t encoded_word_at(std::string_view value, std::size_t pos) {
  if (value.substr(pos, 2) != "=?") return 0;
  std::size_t q1 = value.find('?', pos + 2);
  if (q1 == std::string_view::npos || q1 + 2 >= value.size() || value[q1 + 2] != '?') return 0;
  std::size_t close = value.find("?=", q1 + 3);
  if (close == std::string_view::npos) return 0;
  std::string_view word = value.substr(pos, close + 2 - pos);
  if (std::any_of(word.begin(), word.end(), is_space)) return 0;
  return word.size();
}

std::vector<Token> tokenize(std::string_view value) {
  std::vector<Token> tokens;
  bool space = false;
  for (std::size_t pos = 0; pos < value.size();) {
    char c = value[pos];
    if (is_space(c)) {
      space = true;
      ++pos;
      continue;
    }
    Token token;
    token.space_before = space;
    space = false;
    if (c == '"' || c == '(') {
      token.kind = c == '"' ? Kind::Quoted : Kind::Comment;
      int depth = 1;
      for (++pos; pos < value.size() && depth > 0; ++pos) {
        char d = value[pos];
        if (d == '\\' && pos + 1 < value.size()) {
          token.text += value[++pos];
        } else if (token.kind == Kind::Quoted && d == '"') {
          depth = 0;
        } else if (token.kind == Kind::Comment && (d == '(' || d == ')')) {
          depth += d == '(' ? 1 : -1;
          if (depth > 0) token.text += d;
        } else {
          token.text += d;
        }
      }
    } else if (c == '[') {  // a domain literal: one word
      std::size_t close = value.find(']', pos);
      std::size_t end = close == std::string_view::npos ? value.size() : close + 1;
      token.text = std::string(value.substr(pos, end - pos));
      pos = end;
    } else if (std::size_t length = encoded_word_at(value, pos); length > 0) {
      token.text = std::string(value.substr(pos, length));
      pos += length;
    } else if (is_special(c)) {
      token.kind = Kind::Special;
      token.text = std::string(1, c);
      ++pos;
    } else {
      std::size_t end = pos;
      while (end < value.size() && !is_space(value[end]) && !is_special(value[end]) &&
             encoded_word_at(value, end) == 0) {
        ++end;
      }
      if (end == pos) end = pos + 1;
      token.text = std::string(value.substr(pos, end - pos));
      pos = end;
    }
    tokens.push_back(std::move(token));
  }
  return tokens;
}

bool is(const Token& token, char special) {
  return token.kind == Kind::Special && token.text.size() == 1 && token.text[0] == special;
}

using Range = std::pair<std::size_t, std::size_t>;  // [first, last) token indexes

// Words and quoted strings joined as written (one space where there was space or a
// comment), then RFC 2047 decoded.
std::string phrase(const std::vector<Token>& tokens, Range range) {
  std::string out;
  bool gap = false;
  for (std::size_t i = range.first; i < range.second; ++i) {
    const Token& token = tokens[i];
    if (token.kind == Kind::Comment) {
      gap = true;
      continue;
    }
    if (!out.empty() && (gap || token.space_before)) out += ' ';
    gap = false;
    out += token.text;
  }
  return mime::decode_encoded_words(out);
}

// local@domain without comments or spaces; a quoted local part keeps its quotes when
// it needs them. A source route ("@a,@b:") and stray ':' are dropped.
std::string addr_spec(const std::vector<Token>& tokens, Range range) {
  for (std::size_t i = range.second; i > range.first; --i) {
    if (is(tokens[i - 1], ':') && i - 1 > range.first && tokens[range.first].text == "@") {
      range.first = i;  // after the route
      break;
    }
  }
  std::string out;
  for (std::size_t i = range.first; i < range.second; ++i) {
    const Token& token = tokens[i];
    if (token.kind == Kind::Comment || is(token, ':') || is(token, '<') || is(token, '>')) continue;
    if (token.kind == Kind::Quoted) {
      bool plain = !token.text.empty() && std::none_of(token.text.begin(), token.text.end(), [](char c) {
        return is_space(c) || is_special(c) || c == '\\';
      });
      out += plain ? token.text : "\"" + token.text + "\"";
    } else {
      out += token.text;
    }
  }
  return out;
}

Address mailbox(const std::vector<Token>& tokens, Range range) {
  Address address;
  for (std::size_t i = range.first; i < range.second; ++i) {
    if (!is(tokens[i], '<')) continue;
    std::size_t close = i + 1;
    while (close < range.second && !is(tokens[close], '>')) ++close;
    address.name = phrase(tokens, {range.first, i});
    address.address = addr_spec(tokens, {i + 1, close});
    return address;
  }
  address.address = addr_spec(tokens, range);
  return address;
}

// The end of the item starting at `first`: the next ',' (or ';' inside a group). A
// ',' right before '@' inside angle brackets belongs to a source route.
std::size_t item_end(const std::vector<Token>& tokens, std::size_t first, bool in_group) {
  bool angle = false;
  for (std::size_t i = first; i < tokens.size(); ++i) {
    if (is(tokens[i], '<')) angle = true;
    if (is(tokens[i], '>')) angle = false;
    if (is(tokens[i], ',') && !(angle && i + 1 < tokens.size() && tokens[i + 1].text == "@")) return i;
    if (in_group && is(tokens[i], ';')) return i;
  }
  return tokens.size();
}

// A ':' before any '<', '@', ',' or ';' starts a group.
std::optional<std::size_t> group_colon(const std::vector<Token>& tokens, std::size_t first) {
  for (std::size_t i = first; i < tokens.size(); ++i) {
    if (is(tokens[i], ':')) return i;
    if (is(tokens[i], '<') || is(tokens[i], '@') || is(tokens[i], ',') || is(tokens[i], ';')) return std::nullopt;
  }
  return std::nullopt;
}

}  // namespace

std::vector<Address> parse_address_list(std::string_view value, std::size_t max_addresses) {
  std::vector<Token> tokens = tokenize(value);
  std::vector<Address> addresses;
  auto add = [&](Address&& address) {
    if (address.address.empty() && address.name.empty()) return;
    if (addresses.size() < max_addresses) addresses.push_back(std::move(address));
  };
  std::size_t pos = 0;
  while (pos < tokens.size() && addresses.size() < max_addresses) {
    if (is(tokens[pos], ',') || is(tokens[pos], ';') || tokens[pos].kind == Kind::Comment) {
      ++pos;
      continue;
    }
    if (std::optional<std::size_t> colon = group_colon(tokens, pos)) {
      std::string group = phrase(tokens, {pos, *colon});
      pos = *colon + 1;
      while (pos < tokens.size() && !is(tokens[pos], ';')) {
        if (is(tokens[pos], ',')) {
          ++pos;
          continue;
        }
        std::size_t end = item_end(tokens, pos, true);
        Address member = mailbox(tokens, {pos, end});
        member.group = group;
        add(std::move(member));
        pos = end;
      }
      ++pos;  // the ';'
      continue;
    }
    std::size_t end = item_end(tokens, pos, false);
    add(mailbox(tokens, {pos, end}));
    pos = end;
  }
  return addresses;
}

}  // namespace stoq::smtp

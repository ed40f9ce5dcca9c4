#include "template/text.hpp"

#include <locale.h>
#include <wctype.h>

#include <cstdio>

namespace stoq::templating::detail {
namespace {

// Unicode case and class tables come from glibc's C.UTF-8 locale (built in since 2.35).
locale_t unicode_locale() {
  static locale_t loc = [] {
    locale_t l = newlocale(LC_CTYPE_MASK, "C.UTF-8", static_cast<locale_t>(nullptr));
    return l;
  }();
  return loc;
}

bool is_surrogate_escape(char32_t c) { return c >= 0xDC80 && c <= 0xDCFF; }

}  // namespace

std::u32string decode_utf8(std::string_view s) {
  std::u32string out;
  out.reserve(s.size());
  std::size_t i = 0;
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  while (i < s.size()) {
    unsigned char c = byte(i);
    if (c < 0x80) {
      out.push_back(c);
      ++i;
      continue;
    }
    int extra = c >= 0xF5 ? -1 : c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : c >= 0xC2 ? 1 : -1;
    char32_t cp = extra == 1 ? (c & 0x1F) : extra == 2 ? (c & 0x0F) : (c & 0x07);
    bool ok = extra > 0;
    for (int k = 1; ok && k <= extra; ++k) {
      if (i + k >= s.size() || (byte(i + k) & 0xC0) != 0x80) {
        ok = false;
        break;
      }
      cp = (cp << 6) | (byte(i + k) & 0x3F);
    }
    // Overlongs, surrogates and > U+10FFFF are invalid in UTF-8.
    if (ok && ((extra == 2 && cp < 0x800) || (extra == 3 && (cp < 0x10000 || cp > 0x10FFFF)) ||
               (cp >= 0xD800 && cp <= 0xDFFF))) {
      ok = false;
    }
    if (!ok) {
      out.push_back(0xDC00 + c);
      ++i;
      continue;
    }
    out.push_back(cp);
    i += static_cast<std::size_t>(extra) + 1;
  }
  return out;
}

void append_utf8(std::string& out, char32_t cp) {
  if (is_surrogate_escape(cp)) {
    out.push_back(static_cast<char>(cp - 0xDC00));
  } else if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

void append_python_escape(std::string& out, char32_t cp) {
  char buf[16];
  if (cp < 0x100) {
    std::snprintf(buf, sizeof buf, "\\x%02x", static_cast<unsigned>(cp));
  } else if (cp < 0x10000) {
    std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(cp));
  } else {
    std::snprintf(buf, sizeof buf, "\\U%08x", static_cast<unsigned>(cp));
  }
  out += buf;
}

std::string encode_utf8(std::u32string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char32_t c : s) append_utf8(out, c);
  return out;
}

bool is_ascii(std::string_view s) {
  for (char c : s) {
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  }
  return true;
}

std::size_t cp_length(std::string_view s) { return is_ascii(s) ? s.size() : decode_utf8(s).size(); }

char32_t to_upper(char32_t c) {
  if (c < 0x80) return c >= 'a' && c <= 'z' ? c - 32 : c;
  if (is_surrogate_escape(c)) return c;
  return static_cast<char32_t>(towupper_l(static_cast<wint_t>(c), unicode_locale()));
}

char32_t to_lower(char32_t c) {
  if (c < 0x80) return c >= 'A' && c <= 'Z' ? c + 32 : c;
  if (is_surrogate_escape(c)) return c;
  return static_cast<char32_t>(towlower_l(static_cast<wint_t>(c), unicode_locale()));
}

bool is_space(char32_t c) {
  return (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x20) || c == 0x85 || c == 0xA0 || c == 0x1680 ||
         (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F || c == 0x3000;
}

bool is_alpha(char32_t c) {
  if (c < 0x80) return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  if (is_surrogate_escape(c)) return false;
  return iswalpha_l(static_cast<wint_t>(c), unicode_locale()) != 0;
}

bool is_alnum(char32_t c) {
  if (c < 0x80) return is_alpha(c) || (c >= '0' && c <= '9');
  if (is_surrogate_escape(c)) return false;
  return iswalnum_l(static_cast<wint_t>(c), unicode_locale()) != 0;
}

bool is_printable(char32_t c) {
  if (c < 0x80) return c >= 0x20 && c < 0x7F;
  if (c < 0xA0 || c == 0xAD) return false;
  if (c >= 0xD800 && c <= 0xDFFF) return false;
  if (c != ' ' && is_space(c)) return false;  // Zs, Zl, Zp
  if ((c >= 0x200B && c <= 0x200F) || (c >= 0x202A && c <= 0x202E) || (c >= 0x2060 && c <= 0x206F) || c == 0xFEFF ||
      (c >= 0xFFF9 && c <= 0xFFFB) || (c >= 0xE000 && c <= 0xF8FF) || c >= 0xF0000) {
    return false;  // Cf, Co
  }
  return iswprint_l(static_cast<wint_t>(c), unicode_locale()) != 0;
}

namespace {
template <typename F>
std::string map_chars(std::string_view s, F f) {
  if (is_ascii(s)) {
    std::string out(s);
    for (char& c : out) c = static_cast<char>(f(static_cast<char32_t>(c)));
    return out;
  }
  std::u32string u = decode_utf8(s);
  for (char32_t& c : u) c = f(c);
  return encode_utf8(u);
}
}  // namespace

// Python applies Unicode's full case mappings: a few characters become several.
std::string upper(std::string_view s) {
  if (is_ascii(s)) return map_chars(s, to_upper);
  static const std::pair<char32_t, std::u32string_view> kSpecial[] = {
      {0xDF, U"SS"},    {0xFB00, U"FF"}, {0xFB01, U"FI"}, {0xFB02, U"FL"},    {0xFB03, U"FFI"},
      {0xFB04, U"FFL"}, {0xFB05, U"ST"}, {0xFB06, U"ST"}, {0x149, U"\u02BCN"}};
  std::u32string out;
  for (char32_t c : decode_utf8(s)) {
    bool special = false;
    for (const auto& [from, to] : kSpecial) {
      if (c == from) {
        out += to;
        special = true;
        break;
      }
    }
    if (!special) out.push_back(to_upper(c));
  }
  return encode_utf8(out);
}

namespace {

// str.lower's full mapping of one string, Final_Sigma included (a capital sigma after a
// letter and not before one becomes the final form).
std::u32string lower_u32(const std::u32string& u) {
  std::u32string out;
  out.reserve(u.size());
  for (std::size_t i = 0; i < u.size(); ++i) {
    char32_t c = u[i];
    if (c == 0x130) {
      out += U"i\u0307";  // LATIN CAPITAL LETTER I WITH DOT ABOVE
    } else if (c == 0x3A3) {
      bool after_letter = i > 0 && is_alpha(u[i - 1]);
      bool before_letter = i + 1 < u.size() && is_alpha(u[i + 1]);
      out.push_back(after_letter && !before_letter ? 0x3C2 : 0x3C3);
    } else {
      out.push_back(to_lower(c));
    }
  }
  return out;
}

// Title case of a first character (str.capitalize): digraphs and ligatures differ from upper.
std::u32string title_first(char32_t c) {
  switch (c) {
    case 0xDF: return U"Ss";
    case 0x1C4:
    case 0x1C5:
    case 0x1C6: return U"\u01C5";
    case 0x1C7:
    case 0x1C8:
    case 0x1C9: return U"\u01C8";
    case 0x1CA:
    case 0x1CB:
    case 0x1CC: return U"\u01CB";
    case 0x1F1:
    case 0x1F2:
    case 0x1F3: return U"\u01F2";
    case 0xFB00: return U"Ff";
    case 0xFB01: return U"Fi";
    case 0xFB02: return U"Fl";
    case 0xFB03: return U"Ffi";
    case 0xFB04: return U"Ffl";
    case 0xFB05:
    case 0xFB06: return U"St";
    default: return std::u32string(1, to_upper(c));
  }
}

}  // namespace

std::string lower(std::string_view s) {
  if (is_ascii(s)) return map_chars(s, to_lower);
  return encode_utf8(lower_u32(decode_utf8(s)));
}

// Jinja2's do_title: split on r"([-\s({\[<]+)", each piece's first character upper-cased,
// the rest lower-cased.
std::string title(std::string_view s) {
  std::u32string u = decode_utf8(s);
  const auto separator = [](char32_t c) {
    return c == '-' || c == '[' || c == '{' || c == '(' || c == '<' || is_space(c);
  };
  std::u32string out;
  std::size_t i = 0;
  while (i < u.size()) {
    std::size_t start = i;
    bool sep = separator(u[i]);
    while (i < u.size() && separator(u[i]) == sep) ++i;
    std::u32string piece = u.substr(start, i - start);
    if (sep) {
      out += piece;
      continue;
    }
    out += decode_utf8(upper(encode_utf8(piece.substr(0, 1))));
    out += lower_u32(piece.substr(1));
  }
  return encode_utf8(out);
}

std::string capitalize(std::string_view s) {
  std::u32string u = decode_utf8(s);
  if (u.empty()) return std::string();
  return encode_utf8(title_first(u[0]) + lower_u32(u.substr(1)));
}

std::string strip(std::string_view s, bool left, bool right, const std::u32string* chars) {
  std::u32string u = decode_utf8(s);
  const auto strippable = [&](char32_t c) {
    return chars == nullptr ? is_space(c) : chars->find(c) != std::u32string::npos;
  };
  std::size_t begin = 0;
  std::size_t end = u.size();
  if (left) {
    while (begin < end && strippable(u[begin])) ++begin;
  }
  if (right) {
    while (end > begin && strippable(u[end - 1])) --end;
  }
  return encode_utf8(std::u32string_view(u).substr(begin, end - begin));
}

std::vector<std::string> split(std::string_view s, const std::string* sep, long maxsplit) {
  std::vector<std::string> parts;
  if (sep != nullptr) {
    std::size_t pos = 0;
    while (maxsplit < 0 || static_cast<long>(parts.size()) < maxsplit) {
      std::size_t hit = s.find(*sep, pos);
      if (hit == std::string_view::npos) break;
      parts.emplace_back(s.substr(pos, hit - pos));
      pos = hit + sep->size();
    }
    parts.emplace_back(s.substr(pos));
    return parts;
  }
  std::u32string u = decode_utf8(s);
  std::size_t i = 0;
  while (i < u.size()) {
    while (i < u.size() && is_space(u[i])) ++i;
    if (i == u.size()) break;
    if (maxsplit >= 0 && static_cast<long>(parts.size()) == maxsplit) {
      std::size_t end = u.size();
      while (end > i && is_space(u[end - 1])) --end;
      parts.push_back(encode_utf8(std::u32string_view(u).substr(i, end - i)));
      break;
    }
    std::size_t start = i;
    while (i < u.size() && !is_space(u[i])) ++i;
    parts.push_back(encode_utf8(std::u32string_view(u).substr(start, i - start)));
  }
  return parts;
}

std::string replace(std::string_view s, std::string_view old, std::string_view with, long count_limit) {
  std::string out;
  if (old.empty()) {
    // Python inserts `with` around every code point.
    std::u32string u = decode_utf8(s);
    long done = 0;
    for (std::size_t i = 0; i <= u.size(); ++i) {
      if (count_limit < 0 || done < count_limit) {
        out += with;
        ++done;
      }
      if (i < u.size()) append_utf8(out, u[i]);
    }
    return out;
  }
  std::size_t pos = 0;
  long done = 0;
  while (count_limit < 0 || done < count_limit) {
    std::size_t hit = s.find(old, pos);
    if (hit == std::string_view::npos) break;
    out.append(s.substr(pos, hit - pos));
    out.append(with);
    pos = hit + old.size();
    ++done;
  }
  out.append(s.substr(pos));
  return out;
}

std::int64_t count(std::string_view s, std::string_view sub) {
  if (sub.empty()) return static_cast<std::int64_t>(cp_length(s)) + 1;
  std::int64_t n = 0;
  for (std::size_t pos = s.find(sub); pos != std::string_view::npos; pos = s.find(sub, pos + sub.size())) ++n;
  return n;
}

bool is_lower_str(std::string_view s) {
  bool cased = false;
  for (char32_t c : decode_utf8(s)) {
    if (to_upper(c) != c)
      cased = true;  // a lowercase letter
    else if (to_lower(c) != c)
      return false;  // an uppercase letter
  }
  return cased;
}

bool is_upper_str(std::string_view s) {
  bool cased = false;
  for (char32_t c : decode_utf8(s)) {
    if (to_lower(c) != c)
      cased = true;
    else if (to_upper(c) != c)
      return false;
  }
  return cased;
}

}  // namespace stoq::templating::detail

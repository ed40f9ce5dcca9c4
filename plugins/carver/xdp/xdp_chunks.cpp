#include "xdp_chunks.hpp"

#include <charconv>
#include <cstring>

namespace stoq::plugins::carver::xdp {
namespace {

std::size_t find(std::string_view text, std::string_view needle, std::size_t from) {
  if (from >= text.size() || needle.size() > text.size() - from) return std::string_view::npos;
  const void* hit = ::memmem(text.data() + from, text.size() - from, needle.data(), needle.size());
  return hit == nullptr ? std::string_view::npos
                        : static_cast<std::size_t>(static_cast<const char*>(hit) - text.data());
}

bool name_ends(char c) { return c == '>' || c == '/' || c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

void append_reference(std::string_view reference, std::string& out) {
  if (reference == "amp")
    out.push_back('&');
  else if (reference == "lt")
    out.push_back('<');
  else if (reference == "gt")
    out.push_back('>');
  else if (reference == "quot")
    out.push_back('"');
  else if (reference == "apos")
    out.push_back('\'');
  else if (reference.size() > 1 && reference[0] == '#') {
    bool hex = reference[1] == 'x' || reference[1] == 'X';
    std::string_view digits = reference.substr(hex ? 2 : 1);
    unsigned value = 0;
    auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), value, hex ? 16 : 10);
    if (error == std::errc() && end == digits.data() + digits.size() && value < 0x80) {
      out.push_back(static_cast<char>(value));
    }
  }
}

}  // namespace

std::optional<ElementText> ElementScanner::next() {
  std::string_view text = document_.as_string_view();
  while (true) {
    std::size_t start = find(text, open_, position_);
    if (start == std::string_view::npos) break;
    std::size_t after_name = start + open_.size();
    position_ = after_name;
    if (after_name >= text.size() || !name_ends(text[after_name])) continue;
    std::size_t tag_end = text.find('>', after_name);
    if (tag_end == std::string_view::npos) break;
    position_ = tag_end + 1;
    if (text[tag_end - 1] == '/') continue;  // <chunk/>: no text
    for (std::size_t close = find(text, close_, tag_end + 1); close != std::string_view::npos;
         close = find(text, close_, close + 1)) {
      std::size_t after_close = close + close_.size();
      if (after_close < text.size() && text[after_close] != '>' && !name_ends(text[after_close])) continue;
      position_ = after_close;
      return ElementText{start, ByteView(document_.data() + tag_end + 1, close - tag_end - 1)};
    }
    break;
  }
  position_ = text.size();
  return std::nullopt;
}

bool needs_unescaping(ByteView raw) {
  if (raw.empty()) return false;
  return std::memchr(raw.data(), '&', raw.size()) != nullptr || std::memchr(raw.data(), '<', raw.size()) != nullptr;
}

std::string element_text(ByteView raw) {
  static constexpr std::string_view kCdataOpen = "<![CDATA[";
  static constexpr std::string_view kCdataClose = "]]>";
  std::string_view text = raw.as_string_view();
  std::string out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    char c = text[i];
    if (c == '<' && text.substr(i).starts_with(kCdataOpen)) {
      std::size_t end = text.find(kCdataClose, i + kCdataOpen.size());
      std::size_t stop = end == std::string_view::npos ? text.size() : end;
      out.append(text.substr(i + kCdataOpen.size(), stop - i - kCdataOpen.size()));
      i = end == std::string_view::npos ? text.size() : end + kCdataClose.size();
    } else if (c == '<') {
      std::size_t end = text.find('>', i);  // a comment or nested tag: skipped
      i = end == std::string_view::npos ? text.size() : end + 1;
    } else if (c == '&') {
      std::size_t end = text.find(';', i);
      if (end == std::string_view::npos || end - i > 12) {
        out.push_back(c);
        ++i;
        continue;
      }
      append_reference(text.substr(i + 1, end - i - 1), out);
      i = end + 1;
    } else {
      out.push_back(c);
      ++i;
    }
  }
  return out;
}

}  // namespace stoq::plugins::carver::xdp

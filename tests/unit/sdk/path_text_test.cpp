// stoq/path_text.hpp: which paths JSON output can carry unchanged, and the escaped form
// that keeps the others' bytes recoverable.
#include "stoq/path_text.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace {

using stoq::escape_invalid_utf8;
using stoq::is_strict_utf8;

// The oracle: nlohmann's strict dump throws on exactly the text it would otherwise
// print with U+FFFD (the output path of results).
bool json_accepts(const std::string& text) {
  try {
    (void)nlohmann::json(text).dump(-1, ' ', false, nlohmann::json::error_handler_t::strict);
    return true;
  } catch (const nlohmann::json::type_error&) {
    return false;
  }
}

// The documented way back: \\ is a backslash, \xNN a byte, anything else itself.
std::string unescape(const std::string& text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\\' && i + 1 < text.size() && text[i + 1] == '\\') {
      out += '\\';
      ++i;
    } else if (text[i] == '\\' && i + 3 < text.size() && text[i + 1] == 'x') {
      out += static_cast<char>(std::stoi(text.substr(i + 2, 2), nullptr, 16));
      i += 3;
    } else {
      out += text[i];
    }
  }
  return out;
}

const std::vector<std::string> kSamples = {
    "plain/ascii.txt",          "caf\xc3\xa9",       "\xe2\x82\xac euro",      "\xf0\x9f\x98\x80 emoji",
    "latin1 caf\xe9",           "overlong \xc0\xaf", "overlong \xe0\x80\xaf",  "surrogate \xed\xa0\x80",
    "too big \xf4\x90\x80\x80", "cut \xe2\x82",      "lone continuation \x80", "back\\slash \xff",
    "\xf5\x80\x80\x80",         "last \xef\xbf\xbf", "max \xf4\x8f\xbf\xbf",
};

TEST(PathText, StrictUtf8IsWhatJsonOutputAccepts) {
  for (const std::string& sample : kSamples) EXPECT_EQ(is_strict_utf8(sample), json_accepts(sample)) << sample;
}

TEST(PathText, EscapedFormIsValidAndGivesTheBytesBack) {
  for (const std::string& sample : kSamples) {
    std::string escaped = escape_invalid_utf8(sample);
    EXPECT_TRUE(json_accepts(escaped)) << sample;
    EXPECT_EQ(unescape(escaped), sample) << escaped;
  }
}

TEST(PathText, KnownForms) {
  EXPECT_EQ(escape_invalid_utf8("caf\xe9"), "caf\\xe9");
  EXPECT_EQ(escape_invalid_utf8("a\\b\xff"), "a\\\\b\\xff");
  EXPECT_EQ(escape_invalid_utf8("caf\xc3\xa9"), "caf\xc3\xa9");  // valid sequences stay as they are
  EXPECT_EQ(escape_invalid_utf8("\xe2\x82"), "\\xe2\\x82");      // a cut sequence, byte by byte
}

}  // namespace

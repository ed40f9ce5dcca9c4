// config/ini.hpp: the configparser dialect every stoq.cfg and .stoq file is written in.
#include "config/ini.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "stoq/error.hpp"
#include "stoq/testing.hpp"
#include "test_support.hpp"

namespace {

using stoq::config::IniFile;
using stoq::config::kMaxIniBytes;
using stoq::config::parse_ini;
using stoq::config::read_ini;
using stoq::test::error_of;

constexpr const char* kPath = "/etc/stoq/test.cfg";

std::string value_of(const IniFile& file, const char* section, const char* key) {
  const auto* found = file.find(section);
  if (found == nullptr) return "<no section>";
  const auto* entry = found->find(key);
  return entry == nullptr ? "<no key>" : entry->value;
}

TEST(Ini, SectionsAndBothSeparators) {
  IniFile file = parse_ini("[core]\nalpha = 1\nbeta: two\n\n[other]\ngamma=3\n", kPath);
  ASSERT_EQ(file.sections.size(), 2u);
  EXPECT_EQ(file.path, kPath);
  EXPECT_EQ(file.sections[0].name, "core");
  EXPECT_EQ(file.sections[0].line, 1);
  EXPECT_EQ(file.sections[1].name, "other");
  EXPECT_EQ(file.sections[1].line, 5);
  EXPECT_EQ(value_of(file, "core", "alpha"), "1");
  EXPECT_EQ(value_of(file, "core", "beta"), "two");
  EXPECT_EQ(value_of(file, "other", "gamma"), "3");
  EXPECT_EQ(file.find("core")->find("beta")->line, 3);
  EXPECT_EQ(file.find("missing"), nullptr);
  EXPECT_EQ(file.find("core")->find("gamma"), nullptr);
}

TEST(Ini, FirstSeparatorSplitsKeyFromValue) {
  IniFile file = parse_ini("[a]\nk: a=b\nj = c:d\nurl = http://example.com:8080/x\n", kPath);
  EXPECT_EQ(value_of(file, "a", "k"), "a=b");
  EXPECT_EQ(value_of(file, "a", "j"), "c:d");
  EXPECT_EQ(value_of(file, "a", "url"), "http://example.com:8080/x");
}

TEST(Ini, EmptyValueAllowed) {
  IniFile file = parse_ini("[a]\nempty =\nalso:\n", kPath);
  EXPECT_EQ(value_of(file, "a", "empty"), "");
  EXPECT_EQ(value_of(file, "a", "also"), "");
}

TEST(Ini, CommentsAreWholeLinesOnly) {
  IniFile file = parse_ini(
      "# hash comment\n; semicolon comment\n[a]\n  # indented comment\n"
      "k = v # not a comment\n; k2 = hidden\n",
      kPath);
  ASSERT_EQ(file.sections.size(), 1u);
  ASSERT_EQ(file.sections[0].entries.size(), 1u);
  EXPECT_EQ(value_of(file, "a", "k"), "v # not a comment");
  EXPECT_EQ(value_of(file, "a", "k2"), "<no key>");
}

TEST(Ini, KeysAreLowerCasedSectionsAreNot) {
  IniFile file = parse_ini("[Core]\nName = x\nMODULE = y\n", kPath);
  EXPECT_EQ(value_of(file, "Core", "name"), "x");
  EXPECT_EQ(value_of(file, "Core", "module"), "y");
  EXPECT_EQ(file.find("core"), nullptr);
  EXPECT_EQ(file.sections[0].entries[0].key, "name");
}

TEST(Ini, WhitespaceAroundKeysAndValuesTrimmed) {
  IniFile file = parse_ini("[ spaced ]\n   key   =   value with  inner  \t\n", kPath);
  EXPECT_EQ(file.sections[0].name, "spaced");
  EXPECT_EQ(value_of(file, "spaced", "key"), "value with  inner");
}

TEST(Ini, CrLfLineEndings) {
  IniFile file = parse_ini("[a]\r\nk = v\r\nj: w\r\n", kPath);
  EXPECT_EQ(value_of(file, "a", "k"), "v");
  EXPECT_EQ(value_of(file, "a", "j"), "w");
}

TEST(Ini, NoTrailingNewlineAndEmptyText) {
  EXPECT_EQ(value_of(parse_ini("[a]\nk = last", kPath), "a", "k"), "last");
  EXPECT_TRUE(parse_ini("", kPath).sections.empty());
  EXPECT_TRUE(parse_ini("\n\n# only comments\n", kPath).sections.empty());
}

TEST(Ini, ContinuationLines) {
  IniFile file = parse_ini("[a]\nk = first\n  second\n\tthird\nj = x\n", kPath);
  EXPECT_EQ(value_of(file, "a", "k"), "first\nsecond\nthird");
  EXPECT_EQ(value_of(file, "a", "j"), "x");
  EXPECT_EQ(file.find("a")->find("j")->line, 5);
}

TEST(Ini, ContinuationOfEmptyValue) {
  IniFile file = parse_ini("[a]\nk =\n  a\n  b\n", kPath);
  EXPECT_EQ(value_of(file, "a", "k"), "\na\nb");  // as configparser
}

TEST(Ini, CommentInsideContinuationIsSkipped) {
  IniFile file = parse_ini("[a]\nk = v\n# note\n  more\n", kPath);
  EXPECT_EQ(value_of(file, "a", "k"), "v\nmore");
}

// Regression: configparser continues a value only with lines indented deeper than its key.
TEST(Ini, EquallyIndentedKeysAreSeparateEntries) {
  IniFile file = parse_ini("[a]\n  x = 1\n  y = 2\n", kPath);
  EXPECT_EQ(value_of(file, "a", "x"), "1");
  EXPECT_EQ(value_of(file, "a", "y"), "2");
}

TEST(Ini, PercentPercentIsLiteralPercent) {
  IniFile file = parse_ini("[a]\nk = 100%%\nj = %%(x)s\n", kPath);
  EXPECT_EQ(value_of(file, "a", "k"), "100%");
  EXPECT_EQ(value_of(file, "a", "j"), "%(x)s");
}

TEST(Ini, InterpolationWithinSection) {
  IniFile file = parse_ini(
      "[a]\nbase = /opt/stoq\nlogs = %(base)s/logs\n"
      "deep = %(LOGS)s/x %%\nlater = %(after)s!\nafter = z\n",
      kPath);
  EXPECT_EQ(value_of(file, "a", "logs"), "/opt/stoq/logs");
  EXPECT_EQ(value_of(file, "a", "deep"), "/opt/stoq/logs/x %");
  EXPECT_EQ(value_of(file, "a", "later"), "z!");  // references are resolved after reading
  EXPECT_EQ(value_of(file, "a", "base"), "/opt/stoq");
}

TEST(Ini, InterpolationDoesNotCrossSections) {
  auto message = error_of([] { parse_ini("[a]\nx = 1\n[b]\ny = %(x)s\n", kPath); });
  EXPECT_NE(message.find(std::string(kPath) + ":4"), std::string::npos) << message;
  EXPECT_NE(message.find("'x'"), std::string::npos) << message;
}

TEST(Ini, InterpolationErrorsNameLine) {
  struct Case {
    const char* text;
    int line;
    const char* fragment;
  };
  const Case cases[] = {
      {"[a]\nk = 50%\n", 2, "%%"},                         // lone % at the end
      {"[a]\n\nk = 50% off\n", 3, "%%"},                   // lone % in the middle
      {"[a]\nk = %(missing)s\n", 2, "missing"},            // unknown reference
      {"[a]\nk = %(self)s\nself = %(k)s\n", 0, "deeply"},  // a cycle (either line)
      {"[a]\nk = %(k)s\n", 2, "'k'"},                      // a self reference
      {"[a]\nk = %(unterminated\n", 2, "interpolation"},
      {"[a]\nk = %s\n", 2, "%%"},
  };
  for (const Case& c : cases) {
    auto message = error_of([&] { parse_ini(c.text, kPath); });
    std::string where = std::string(kPath) + ":" + (c.line > 0 ? std::to_string(c.line) : "");
    EXPECT_NE(message.find(where), std::string::npos) << c.text << " -> " << message;
    EXPECT_NE(message.find(c.fragment), std::string::npos) << c.text << " -> " << message;
  }
}

TEST(Ini, ParseErrorsNamePathAndLine) {
  struct Case {
    const char* text;
    int line;
    const char* fragment;
  };
  const Case cases[] = {
      {"[a]\nk = 1\nK = 2\n", 3, "twice"},               // duplicate key, any case
      {"[a]\nk = 1\n[b]\n[a]\n", 4, "twice"},            // duplicate section
      {"# c\nk = 1\n[a]\n", 2, "before any [section]"},  // key before a section
      {"[a]\nk = 1\njust words\n", 3, "expected 'key = value'"},
      {"[a\nk = 1\n", 1, "malformed section header"},
      {"[a]\n[]\n", 2, "empty section"},
      {"[a]\n = 5\n", 2, "empty key"},
      {"[a]\nk = v\n\n  orphan line\n", 4, "expected"},  // a blank line ends a continuation
  };
  for (const Case& c : cases) {
    auto message = error_of([&] { parse_ini(c.text, kPath); });
    EXPECT_NE(message.find(std::string(kPath) + ":" + std::to_string(c.line) + ":"), std::string::npos)
        << c.text << " -> " << message;
    EXPECT_NE(message.find(c.fragment), std::string::npos) << c.text << " -> " << message;
  }
}

TEST(Ini, SameKeyInDifferentSectionsIsFine) {
  IniFile file = parse_ini("[a]\nk = 1\n[b]\nk = 2\n", kPath);
  EXPECT_EQ(value_of(file, "a", "k"), "1");
  EXPECT_EQ(value_of(file, "b", "k"), "2");
}

TEST(Ini, NulBytesRejected) {
  std::string text = "[a]\nk = v";
  text.push_back('\0');
  text += "w\n";
  auto message = error_of([&] { parse_ini(text, kPath); });
  EXPECT_NE(message.find(kPath), std::string::npos) << message;
  EXPECT_NE(message.find("NUL"), std::string::npos) << message;
}

TEST(Ini, SizeLimit) {
  std::string body = "[a]\nk = v\n";
  std::string text = body + std::string(kMaxIniBytes - body.size(), '\n');
  ASSERT_EQ(text.size(), kMaxIniBytes);
  EXPECT_NO_THROW(parse_ini(text, kPath));
  text.push_back('\n');
  auto message = error_of([&] { parse_ini(text, kPath); });
  EXPECT_NE(message.find(kPath), std::string::npos) << message;
  EXPECT_NE(message.find("1 MiB"), std::string::npos) << message;
}

TEST(Ini, WhereFormatsPathAndLine) {
  IniFile file{"x/y.stoq", {}};
  EXPECT_EQ(file.where(12), "x/y.stoq:12");
}

TEST(IniFileRead, ReadsFileAndLabelsWithPath) {
  stoq::test::TempDir dir;
  std::string path = dir.write("ok.cfg", "[core]\nmax_queue = 7\n");
  IniFile file = read_ini(path);
  EXPECT_EQ(file.path, path);
  EXPECT_EQ(value_of(file, "core", "max_queue"), "7");
  std::string bad = dir.write("bad.cfg", "[core]\nnonsense\n");
  auto message = error_of([&] { read_ini(bad); });
  EXPECT_NE(message.find(bad + ":2"), std::string::npos) << message;
}

TEST(IniFileRead, MissingFileAndOversizedFile) {
  stoq::test::TempDir dir;
  std::string missing = dir.path("absent.cfg");
  auto message = error_of([&] { read_ini(missing); });
  EXPECT_NE(message.find(missing), std::string::npos) << message;

  std::string big = dir.write("big.cfg", "[a]\nk = v\n" + std::string(kMaxIniBytes, '#'));
  message = error_of([&] { read_ini(big); });
  EXPECT_NE(message.find(big), std::string::npos) << message;
  EXPECT_NE(message.find("1 MiB"), std::string::npos) << message;
}

// Every stoq.cfg and .stoq of the public plugin set parses.
TEST(IniCorpus, EveryRealConfigParses) {
  std::filesystem::path root = std::filesystem::path(STOQ_SHARED_DIR) / "corpus" / "stoq-configs";
  if (!std::filesystem::is_directory(root)) STOQ_MISSING("corpus not present: " << root);
  int stoq_files = 0;
  for (const auto& item : std::filesystem::recursive_directory_iterator(root)) {
    if (!item.is_regular_file()) continue;
    std::string name = item.path().filename().string();
    bool is_stoq = item.path().extension() == ".stoq";
    if (!is_stoq && name != "stoq.cfg") continue;
    SCOPED_TRACE(item.path().string());
    IniFile file;
    ASSERT_NO_THROW(file = read_ini(item.path().string()));
    if (is_stoq) {
      ++stoq_files;
      const auto* core = file.find("Core");
      ASSERT_NE(core, nullptr);
      EXPECT_NE(core->find("name"), nullptr);
      EXPECT_NE(core->find("module"), nullptr);
      EXPECT_NE(file.find("Documentation"), nullptr);
    } else {
      EXPECT_NE(file.find("core"), nullptr);
    }
  }
  EXPECT_EQ(stoq_files, 61);
}

}  // namespace

// Differential test of stoq's template engine against the real Jinja2.
//
// Every cases/*.tpl (the sub-folders _partials/ and _lib/ hold templates the cases
// include or import) is rendered against every documents/*.json twice: by Jinja2
// 3.1 through oracle.py (Debian's /usr/bin/python3 with python3-jinja2, the
// environment stoQ configured) and by stoq::templating::Environment(cases/). Where
// Jinja2 renders, the engine must produce the same bytes; where Jinja2 raises, the
// engine must throw stoq::templating::TemplateError or stoq::Error.
//
// One ctest test per case: the list is globbed by CMake (template_cases.inc), and a
// corpus test checks it still matches cases/. The oracle runs once: its answers are
// cached in the build tree under a name made from a hash of oracle.py, the cases and
// the documents, so the per-case processes ctest starts reuse one run. Without /usr/bin/python3 or its jinja2 module
// every case is skipped (GTEST_SKIP) with the reason.
//
// Environment:
//   STOQ_TEMPLATE_PYTHON    the Python running oracle.py (default /usr/bin/python3)
//   STOQ_TEMPLATE_DIFF_DIR  when set, each mismatch writes <case>.<document>.expected/.got there
#include <fcntl.h>
#include <gtest/gtest.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "stoq/error.hpp"
#include "stoq/json.hpp"
#include "stoq/template.hpp"
#include "stoq/testing.hpp"

extern char** environ;

namespace {

namespace fs = std::filesystem;

const fs::path kTestDir = fs::path(STOQ_SOURCE_DIR) / "tests" / "template";
const fs::path kCasesDir = kTestDir / "cases";
const fs::path kDocumentsDir = kTestDir / "documents";
const fs::path kOracleScript = kTestDir / "oracle.py";
const fs::path kCacheDir = fs::path(STOQ_TEMPLATE_ORACLE_CACHE);

// The cases CMake globbed at configure time (template_cases.inc): the names ctest lists.
const std::vector<std::string> kConfiguredCases = {
#include "template_cases.inc"
};

// The cases on disk now: regular *.tpl files directly in cases/, sorted.
std::vector<std::string> discover_cases() {
  std::vector<std::string> cases;
  std::error_code error;
  for (const auto& entry : fs::directory_iterator(kCasesDir, error)) {
    if (entry.is_regular_file(error) && entry.path().extension() == ".tpl") {
      cases.push_back(entry.path().filename().string());
    }
  }
  std::sort(cases.begin(), cases.end());
  return cases;
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

struct Document {
  std::string name;  // file stem, as the oracle keys it
  stoq::Json vars;
};

std::vector<Document> load_documents() {
  std::vector<fs::path> paths;
  std::error_code error;
  for (const auto& entry : fs::directory_iterator(kDocumentsDir, error)) {
    if (entry.is_regular_file(error) && entry.path().extension() == ".json") paths.push_back(entry.path());
  }
  std::sort(paths.begin(), paths.end());
  std::vector<Document> documents;
  for (const fs::path& path : paths) {
    documents.push_back({path.stem().string(), stoq::Json::parse(read_file(path))});
  }
  return documents;
}

// FNV-1a over the names and bytes of everything the oracle's answers depend on.
class Fingerprint {
 public:
  void add(std::string_view bytes) {
    for (unsigned char c : bytes) {
      hash_ ^= c;
      hash_ *= 1099511628211ULL;
    }
    hash_ ^= 0xffU;  // separator, so ("ab","c") and ("a","bc") differ
    hash_ *= 1099511628211ULL;
  }
  void add_tree(const fs::path& root) {
    std::vector<fs::path> files;
    std::error_code error;
    for (const auto& entry : fs::recursive_directory_iterator(root, error)) {
      if (entry.is_regular_file(error)) files.push_back(entry.path());
    }
    std::sort(files.begin(), files.end());
    for (const fs::path& file : files) {
      add(fs::relative(file, root).generic_string());
      add(read_file(file));
    }
  }
  [[nodiscard]] std::string hex() const {
    char buffer[17];
    std::snprintf(buffer, sizeof buffer, "%016llx", static_cast<unsigned long long>(hash_));
    return buffer;
  }

 private:
  std::uint64_t hash_ = 14695981039346656037ULL;
};

std::string python_path() {
  const char* configured = std::getenv("STOQ_TEMPLATE_PYTHON");
  return (configured != nullptr && *configured != '\0') ? configured : "/usr/bin/python3";
}

// Runs argv with stdout and stderr sent to log_path; returns the exit status, or -1
// when it could not start or died of a signal.
int run_process(const std::vector<std::string>& argv, const fs::path& log_path) {
  std::vector<char*> args;
  args.reserve(argv.size() + 1);
  for (const std::string& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
  pid_t pid = 0;
  int spawned = posix_spawn(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (spawned != 0) return -1;
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return -1;
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// The oracle's answers, loaded once per process.
struct Oracle {
  enum class State { kReady, kSkip, kBroken };
  State state = State::kBroken;
  std::string reason;  // why skipped or broken
  stoq::Json results;  // {"<case>|<document>": {"ok": ..., ...}}
  std::vector<Document> documents;
};

Oracle load_oracle() {
  Oracle oracle;
  try {
    oracle.documents = load_documents();
  } catch (const std::exception& e) {
    oracle.reason = std::string("cannot read the documents in ") + kDocumentsDir.string() + ": " + e.what();
    return oracle;
  }
  const std::string python = python_path();
  if (access(python.c_str(), X_OK) != 0) {
    oracle.state = Oracle::State::kSkip;
    oracle.reason = python + " not found: the Jinja2 oracle needs Debian's python3 with python3-jinja2 (3.1)";
    return oracle;
  }
  Fingerprint fingerprint;
  fingerprint.add(python);
  fingerprint.add(read_file(kOracleScript));
  fingerprint.add_tree(kCasesDir);
  fingerprint.add_tree(kDocumentsDir);
  std::error_code error;
  fs::create_directories(kCacheDir, error);
  const fs::path cache = kCacheDir / ("oracle-" + fingerprint.hex() + ".json");
  if (!fs::is_regular_file(cache, error)) {
    const fs::path log = kCacheDir / ("oracle-" + std::to_string(getpid()) + ".log");
    int status =
        run_process({python, kOracleScript.string(), kCasesDir.string(), kDocumentsDir.string(), cache.string()}, log);
    std::string output = read_file(log);
    fs::remove(log, error);
    if (status == 3) {  // oracle.py: "cannot import jinja2"
      oracle.state = Oracle::State::kSkip;
      oracle.reason = python + " has no jinja2 module (apt-get install python3-jinja2): " + output;
      return oracle;
    }
    if (status != 0 || !fs::is_regular_file(cache, error)) {
      oracle.reason = "oracle.py failed (exit status " + std::to_string(status) + "): " + output;
      return oracle;
    }
    // Older answers (other inputs) are of no further use.
    for (const auto& entry : fs::directory_iterator(kCacheDir, error)) {
      const std::string name = entry.path().filename().string();
      if (name.starts_with("oracle-") && name.ends_with(".json") && entry.path() != cache) {
        fs::remove(entry.path(), error);
      }
    }
  }
  try {
    oracle.results = stoq::Json::parse(read_file(cache));
  } catch (const std::exception& e) {
    oracle.reason = "cannot parse the oracle's answers " + cache.string() + ": " + e.what();
    fs::remove(cache, error);
    return oracle;
  }
  oracle.state = Oracle::State::kReady;
  return oracle;
}

std::string from_hex(std::string_view hex) {
  std::string bytes;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
    bytes.push_back(static_cast<char>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
  }
  return bytes;
}

// The length of the valid UTF-8 sequence starting at text[i], or 0 when it is not one.
std::size_t utf8_length(std::string_view text, std::size_t i) {
  const auto lead = static_cast<unsigned char>(text[i]);
  std::size_t length = lead < 0x80 ? 1 : (lead >> 5) == 0x6 ? 2 : (lead >> 4) == 0xe ? 3 : (lead >> 3) == 0x1e ? 4 : 0;
  if (length == 0 || i + length > text.size()) return 0;
  for (std::size_t k = 1; k < length; ++k) {
    if ((static_cast<unsigned char>(text[i + k]) & 0xc0) != 0x80) return 0;
  }
  return length;
}

// Text for a failure message: control characters, backslashes and bytes that are not
// UTF-8 escaped; valid UTF-8 kept.
std::string visible(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size();) {
    const char c = text[i];
    const auto u = static_cast<unsigned char>(c);
    const std::size_t length = utf8_length(text, i);
    if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\\') {
      out += "\\\\";
    } else if (u < 0x20 || u == 0x7f || length == 0) {
      char buffer[8];
      std::snprintf(buffer, sizeof buffer, "\\x%02x", u);
      out += buffer;
    } else {
      out.append(text.substr(i, length));
      i += length;
      continue;
    }
    ++i;
  }
  return out;
}

// Where two outputs first differ, with the lines around it.
std::string describe_difference(const std::string& expected, const std::string& got) {
  std::size_t at = 0;
  while (at < expected.size() && at < got.size() && expected[at] == got[at]) ++at;
  const std::size_t line_start = expected.rfind('\n', at == 0 ? 0 : at - 1);
  const std::size_t begin = (line_start == std::string::npos || at == 0) ? 0 : line_start + 1;
  const auto line = 1 + std::count(expected.begin(), expected.begin() + static_cast<std::ptrdiff_t>(begin), '\n');
  auto excerpt = [&](const std::string& text) {
    std::size_t from = at - begin > 60 ? at - 60 : begin;
    return visible(std::string_view(text).substr(std::min(from, text.size()), at - from + 60));
  };
  std::ostringstream out;
  out << "first difference at byte " << at << " (line " << line << ", column " << (at - begin + 1) << "); lengths "
      << expected.size() << " (Jinja2) vs " << got.size() << " (engine)\n"
      << "  jinja2: \"" << excerpt(expected) << "\"\n"
      << "  engine: \"" << excerpt(got) << "\"";
  if (expected.size() + got.size() < 1600) {
    out << "\n  whole jinja2 output: \"" << visible(expected) << "\"\n  whole engine output: \"" << visible(got)
        << "\"";
  }
  return out.str();
}

void keep_mismatch(const std::string& case_name, const std::string& document, const std::string& expected,
                   const std::string& got) {
  const char* dir = std::getenv("STOQ_TEMPLATE_DIFF_DIR");
  if (dir == nullptr || *dir == '\0') return;
  std::error_code error;
  fs::create_directories(dir, error);
  const fs::path base = fs::path(dir) / (case_name + "." + document);
  std::ofstream(base.string() + ".expected", std::ios::binary) << expected;
  std::ofstream(base.string() + ".got", std::ios::binary) << got;
}

class TemplateCase : public ::testing::TestWithParam<std::string> {
 protected:
  static void SetUpTestSuite() {
    if (oracle_ == nullptr) oracle_ = std::make_unique<Oracle>(load_oracle());
  }
  static std::unique_ptr<Oracle> oracle_;
};

std::unique_ptr<Oracle> TemplateCase::oracle_;

TEST_P(TemplateCase, MatchesJinja2) {
  const Oracle& oracle = *oracle_;
  if (oracle.state == Oracle::State::kSkip) STOQ_MISSING(oracle.reason);
  ASSERT_EQ(oracle.state, Oracle::State::kReady) << oracle.reason;
  ASSERT_FALSE(oracle.documents.empty()) << "no documents in " << kDocumentsDir;

  const std::string& case_name = GetParam();
  const bool error_case = case_name.starts_with("err_");
  stoq::templating::Environment environment(kCasesDir);
  for (const Document& document : oracle.documents) {
    const std::string key = case_name + "|" + document.name;
    auto answer = oracle.results.find(key);
    ASSERT_NE(answer, oracle.results.end()) << "the oracle has no answer for " << key << " (stale cache?)";
    const bool jinja_ok = answer->at("ok").get<bool>();
    if (error_case) {
      EXPECT_FALSE(jinja_ok) << key << ": err_* cases must make Jinja2 raise for every document";
    }

    bool engine_ok = false;
    std::string got;
    std::string engine_error;
    try {
      got = environment.get_template(case_name)->render(document.vars);
      engine_ok = true;
    } catch (const stoq::Error& e) {  // TemplateError is a stoq::Error
      engine_error = e.what();
    } catch (const std::exception& e) {
      ADD_FAILURE() << key << ": the engine threw a non-stoq exception: " << e.what();
      continue;
    } catch (...) {
      ADD_FAILURE() << key << ": the engine threw a non-standard exception";
      continue;
    }

    if (jinja_ok) {
      const std::string expected = answer->contains("output_hex")
                                       ? from_hex(answer->at("output_hex").get<std::string>())
                                       : answer->at("output").get<std::string>();
      if (!engine_ok) {
        ADD_FAILURE() << key << ": Jinja2 rendered " << expected.size() << " bytes (\""
                      << visible(expected.substr(0, 300)) << "\") but the engine threw: " << engine_error;
      } else if (got != expected) {
        keep_mismatch(case_name, document.name, expected, got);
        ADD_FAILURE() << key << ": output differs from Jinja2\n" << describe_difference(expected, got);
      }
    } else if (engine_ok) {
      ADD_FAILURE() << key << ": Jinja2 raised " << answer->value("error", std::string("?")) << " ("
                    << answer->value("message", std::string()) << ") but the engine rendered \""
                    << visible(got.substr(0, 300)) << "\"";
    }
  }
}

std::string case_test_name(const ::testing::TestParamInfo<std::string>& info) {
  std::string name = fs::path(info.param).stem().string();
  for (char& c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) c = '_';
  }
  return name;
}

INSTANTIATE_TEST_SUITE_P(Jinja2, TemplateCase, ::testing::ValuesIn(kConfiguredCases), case_test_name);
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(TemplateCase);

// The corpus itself: enough cases and documents, and the shapes the brief asks for.
TEST(TemplateCorpus, HasCasesDocumentsAndFixtures) {
  const std::vector<std::string> cases = discover_cases();
  EXPECT_GE(cases.size(), 170U) << "cases in " << kCasesDir;
  const auto errors =
      std::count_if(cases.begin(), cases.end(), [](const std::string& c) { return c.starts_with("err_"); });
  EXPECT_GE(errors, 15) << "deliberate error cases (err_*.tpl)";
  const std::vector<Document> documents = load_documents();
  EXPECT_GE(documents.size(), 5U) << "documents in " << kDocumentsDir;
  for (const Document& document : documents) {
    EXPECT_TRUE(document.vars.is_object()) << document.name;
    EXPECT_TRUE(document.vars.contains("results")) << document.name;
  }
  EXPECT_TRUE(fs::is_directory(kCasesDir / "_partials"));
  EXPECT_TRUE(fs::is_directory(kCasesDir / "_lib"));
  EXPECT_EQ(cases, kConfiguredCases) << "cases/ changed since the last build: rebuild template_diff (CMake re-globs "
                                        "cases/*.tpl) so that ctest lists every case";
}

}  // namespace

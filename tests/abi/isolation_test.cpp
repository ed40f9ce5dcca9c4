// Isolation and per-plugin time limits, end to end through the real `stoq` CLI, with the
// hostile test plugins of plugins/hostile.cpp (docs/architecture.md#isolation):
//   * isolated worker: a segfault, an abort, an endless loop, unbounded allocation, a
//     write to stdout and an exception each cost one errors entry naming the plugin and
//     the signal or limit; every other file's results are saved; stdout stays JSON;
//   * isolated extractor under -D: children come back from the helper (small and large),
//     and a crash in the helper costs one errors entry while the root is saved;
//   * without isolation, call_timeout abandons the stuck call, saves its document with
//     the error and a replacement thread finishes the other files (-M 1);
//   * the new options are checked like any other.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "run_cli.hpp"

namespace {

namespace fs = std::filesystem;
using stoq_test::CliResult;
using stoq_test::contains;
using stoq_test::OJson;
using stoq_test::StoqEnv;
using Clock = std::chrono::steady_clock;

const std::string kTree = STOQ_TEST_PLUGIN_DIR;

// The files of a mixed directory: name -> content.
const std::map<std::string, std::string> kMixed = {
    {"a_normal.txt", "just text"}, {"b_segv.bin", "SEGV"},
    {"c_abort.bin", "ABRT"},       {"d_loop.bin", "LOOP"},
    {"e_alloc.bin", "ALLOC"},      {"f_print.bin", "PRINT then normal"},
    {"g_throw.bin", "THROW"},      {"h_normal.txt", "more text, still normal"}};

class IsolationTest : public ::testing::Test {
 protected:
  CliResult stoq(const std::vector<std::string>& args, std::chrono::seconds timeout = std::chrono::seconds(90)) {
    return stoq_test::run_stoq(env, args, timeout);
  }

  std::string write_mixed(const std::string& dir) {
    for (const auto& [name, content] : kMixed) env.home().write(dir + "/" + name, content);
    return env.home().path(dir);
  }

  // Documents by the file name of their root payload.
  static std::map<std::string, OJson> by_filename(const std::vector<OJson>& documents) {
    std::map<std::string, OJson> found;
    for (const OJson& document : documents) found[document["results"][0].value("filename", "")] = document;
    return found;
  }

  // "plugin: error" of every errors entry.
  static std::string errors_text(const OJson& document) {
    std::string text;
    for (const OJson& error : document.value("errors", OJson::array())) {
      text += error.value("plugin", "") + ": " + error.value("error", "") + "\n";
    }
    return text;
  }

  StoqEnv env{{kTree}};
};

TEST_F(IsolationTest, EveryHostileCaseIsContainedAndReported) {
  std::string dir = write_mixed("mixed");
  auto started = Clock::now();
  CliResult run = stoq({"hostile", "-F", dir, "-M", "2", "--plugin-opt", "hostile:isolation=True", "--plugin-opt",
                        "hostile:call_timeout=3", "--plugin-opt", "hostile:memory_limit=536870912"});
  auto elapsed = Clock::now() - started;
  EXPECT_LT(elapsed, std::chrono::seconds(40)) << run.describe();
  EXPECT_FALSE(run.timed_out) << run.describe();
  EXPECT_EQ(run.term_signal, 0) << run.describe();
  // Every document parses: PRINT's text went to stderr, not into the results.
  std::vector<OJson> documents = stoq_test::documents_of(run);
  std::map<std::string, OJson> docs = by_filename(documents);
  ASSERT_EQ(docs.size(), kMixed.size()) << run.describe();
  EXPECT_TRUE(contains(run.err, "}{ this is not JSON")) << run.describe();
  EXPECT_FALSE(contains(run.out, "this is not JSON")) << run.describe();

  for (const char* normal : {"a_normal.txt", "h_normal.txt", "f_print.bin"}) {
    const OJson& doc = docs[normal];
    EXPECT_EQ(doc["results"][0]["scan"].value("hostile", ""), "ok") << normal << "\n" << doc.dump(2);
    EXPECT_FALSE(doc.contains("errors")) << normal << "\n" << doc.dump(2);
  }
  const std::map<std::string, std::string> expected = {{"b_segv.bin", "killed by SIGSEGV"},
                                                       {"c_abort.bin", "killed by SIGABRT"},
                                                       {"d_loop.bin", "exceeded call_timeout of 3 s"},
                                                       {"e_alloc.bin", "exceeded memory_limit of 536870912 bytes"},
                                                       {"g_throw.bin", "hostile: thrown on purpose"}};
  for (const auto& [file, reason] : expected) {
    const OJson& doc = docs[file];
    ASSERT_EQ(doc.value("errors", OJson::array()).size(), 1U) << file << "\n" << doc.dump(2);
    const OJson& error = doc["errors"][0];
    EXPECT_EQ(error.value("plugin", ""), "worker:hostile") << file;
    EXPECT_TRUE(contains(error.value("error", ""), reason)) << file << ": " << errors_text(doc);
    // The results document is still there, with the hashes the framework computed.
    EXPECT_EQ(doc["results"][0].value("sha1", "").size(), 40U) << file;
    if (file != "g_throw.bin") {
      EXPECT_TRUE(contains(error.value("error", ""), "payload sha1 " + doc["results"][0].value("sha1", "")))
          << file << ": " << errors_text(doc);
    }
  }
}

TEST_F(IsolationTest, CpuLimitEndsASpinningCall) {
  env.home().write("spin/loop.bin", "LOOP");
  env.home().write("spin/ok.txt", "fine");
  CliResult run = stoq({"hostile", "-F", env.home().path("spin"), "-M", "1", "--plugin-opt", "hostile:isolation=True",
                        "--plugin-opt", "hostile:cpu_limit=1", "--plugin-opt", "hostile:call_timeout=60"});
  std::map<std::string, OJson> docs = by_filename(stoq_test::documents_of(run));
  ASSERT_EQ(docs.size(), 2U) << run.describe();
  EXPECT_TRUE(contains(errors_text(docs["loop.bin"]), "exceeded cpu_limit of 1 s")) << errors_text(docs["loop.bin"]);
  EXPECT_EQ(docs["ok.txt"]["results"][0]["scan"].value("hostile", ""), "ok");
}

TEST_F(IsolationTest, HelperIsReusedAndRestartedAfterACrash) {
  // -M 1: one helper serves the files in order; the crash in the middle costs one entry.
  env.home().write("seq/1.txt", "one");
  env.home().write("seq/2.bin", "SEGV");
  env.home().write("seq/3.txt", "three");
  CliResult run = stoq({"hostile", "-F", env.home().path("seq"), "-M", "1", "--plugin-opt", "hostile:isolation=True"});
  EXPECT_EQ(run.exit_code, 0) << run.describe();
  std::map<std::string, OJson> docs = by_filename(stoq_test::documents_of(run));
  ASSERT_EQ(docs.size(), 3U) << run.describe();
  EXPECT_EQ(docs["1.txt"]["results"][0]["scan"].value("size", 0), 3);
  EXPECT_TRUE(contains(errors_text(docs["2.bin"]), "killed by SIGSEGV"));
  EXPECT_EQ(docs["3.txt"]["results"][0]["scan"].value("size", 0), 5);
}

TEST_F(IsolationTest, IsolatedExtractorReturnsChildrenAndContainsItsCrash) {
  std::string rules = env.home().write("rules.yar", R"(
rule kids { meta: plugin = "extractor:hostile_extract" strings: $a = "KIDS " condition: $a at 0 }
rule big { meta: plugin = "extractor:hostile_extract" strings: $a = "BIGKID " condition: $a at 0 }
rule crash { meta: plugin = "extractor:hostile_extract" strings: $a = "SEGV" condition: $a at 0 }
)");
  env.write_config("dispatch_rules = " + rules + "\n");
  env.home().write("d/kids.txt", "KIDS alpha|beta|gamma");
  env.home().write("d/big.txt", "BIGKID 1048576");
  env.home().write("d/crash.bin", "SEGV in the extractor");
  CliResult run =
      stoq({"hash", "-D", "-F", env.home().path("d"), "-M", "1", "--plugin-opt", "hostile_extract:isolation=True"});
  EXPECT_EQ(run.exit_code, 0) << run.describe();
  std::map<std::string, OJson> docs = by_filename(stoq_test::documents_of(run));
  ASSERT_EQ(docs.size(), 3U) << run.describe();

  const OJson& kids = docs["kids.txt"];
  ASSERT_EQ(kids["results"].size(), 4U) << kids.dump(2);
  EXPECT_EQ(kids["results"][1].value("filename", ""), "kid0");
  EXPECT_EQ(kids["results"][3].value("size", 0), 5);                                            // "gamma"
  EXPECT_EQ(kids["results"][2].value("sha1", ""), "a295e0bdde1938d1fbfd343e5a3e569e868e1465");  // sha1("beta")
  EXPECT_FALSE(kids.contains("errors")) << kids.dump(2);

  const OJson& big = docs["big.txt"];
  ASSERT_EQ(big["results"].size(), 2U) << big.dump(2);
  EXPECT_EQ(big["results"][1].value("size", 0), 1048576);

  const OJson& crash = docs["crash.bin"];
  ASSERT_EQ(crash["results"].size(), 1U) << crash.dump(2);
  EXPECT_EQ(crash["results"][0].value("sha1", "").size(), 40U);
  ASSERT_EQ(crash.value("errors", OJson::array()).size(), 1U) << crash.dump(2);
  EXPECT_EQ(crash["errors"][0].value("plugin", ""), "extractor:hostile_extract");
  EXPECT_TRUE(contains(crash["errors"][0].value("error", ""), "killed by SIGSEGV")) << crash.dump(2);
}

TEST_F(IsolationTest, TimeoutWithoutIsolationReplacesTheStuckThread) {
  std::string dir = env.home().path("t");
  env.home().write("t/a.txt", "first");
  env.home().write("t/b.bin", "LOOP");
  env.home().write("t/c.txt", "third");
  env.home().write("t/d.txt", "fourth");
  auto started = Clock::now();
  CliResult run = stoq({"hostile", "-F", dir, "-M", "1", "--plugin-opt", "hostile:call_timeout=1"});
  EXPECT_LT(Clock::now() - started, std::chrono::seconds(20)) << run.describe();
  EXPECT_FALSE(run.timed_out) << run.describe();
  EXPECT_EQ(run.term_signal, 0) << run.describe();
  std::map<std::string, OJson> docs = by_filename(stoq_test::documents_of(run));
  ASSERT_EQ(docs.size(), 4U) << run.describe();
  for (const char* normal : {"a.txt", "c.txt", "d.txt"}) {
    EXPECT_EQ(docs[normal]["results"][0]["scan"].value("hostile", ""), "ok") << normal;
  }
  const OJson& stuck = docs["b.bin"];
  ASSERT_EQ(stuck.value("errors", OJson::array()).size(), 1U) << stuck.dump(2);
  EXPECT_EQ(stuck["errors"][0].value("plugin", ""), "worker:hostile");
  EXPECT_TRUE(contains(stuck["errors"][0].value("error", ""), "exceeded call_timeout of 1 s")) << stuck.dump(2);
  EXPECT_EQ(stuck["results"][0].value("sha1", "").size(), 40U) << stuck.dump(2);
  EXPECT_FALSE(stuck["results"][0].contains("scan") && !stuck["results"][0]["scan"].is_null()) << stuck.dump(2);
}

TEST_F(IsolationTest, OptionsAreCheckedLikeAnyOther) {
  env.home().write("x/a.txt", "a");
  CliResult negative = stoq({"hostile", "-F", env.home().path("x"), "--plugin-opt", "hostile:call_timeout=-1"});
  EXPECT_EQ(negative.exit_code, 2) << negative.describe();
  EXPECT_TRUE(contains(negative.err, "call_timeout must be 0 (no limit) or more")) << negative.describe();
  CliResult not_bool = stoq({"hostile", "-F", env.home().path("x"), "--plugin-opt", "hostile:isolation=sometimes"});
  EXPECT_EQ(not_bool.exit_code, 2) << not_bool.describe();
  EXPECT_TRUE(contains(not_bool.err, "isolation")) << not_bool.describe();
}

}  // namespace

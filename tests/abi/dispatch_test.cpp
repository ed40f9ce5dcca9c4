// -D end to end through the CLI, with the test extractors/carvers/decoders of
// plugins/dispatch_plugins.cpp and rules written by each test: the original's results
// shape for dispatched children (stoq-original §c.4 step 6), recursion, every limit,
// failures that cost one errors entry, and the start-up checks.
#include <gtest/gtest.h>

#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "run_cli.hpp"

namespace {

namespace fs = std::filesystem;
using stoq_test::CliResult;
using stoq_test::contains;
using stoq_test::keys_of;
using stoq_test::OJson;
using stoq_test::StoqEnv;

const std::string kTree = STOQ_TEST_PLUGIN_DIR;

const char* const kRules = R"(
rule nested { meta: plugin = "decoder:unnest" save = "True" key = "k1"
  strings: $a = "NEST:" condition: $a at 0 }
rule split { meta: plugin = "extractor:split, extractor:split"
  strings: $a = "SPLIT|" condition: $a at 0 }
rule boom { meta: plugin = "carver:boom,extractor:split,worker:hash"
  strings: $a = "SPLIT|BOOM" condition: $a at 0 }
rule bomb { meta: plugin = "extractor:bomb"
  strings: $a = "BOMB " condition: $a at 0 }
rule loop { meta: plugin = "extractor:loop"
  strings: $a = "LOOP" condition: $a at 0 }
rule big { meta: plugin = "extractor:big"
  strings: $a = "BIG " condition: $a at 0 }
)";

class DispatchTest : public ::testing::Test {
 protected:
  void SetUp() override { configure(""); }

  // stoq.cfg with the test rules and `extra` [core] lines.
  void configure(const std::string& extra) {
    std::string rules = env.home().write("rules.yar", kRules);
    env.write_config("dispatch_rules = " + rules + "\n" + extra);
  }

  CliResult stoq(const std::vector<std::string>& args) { return stoq_test::run_stoq(env, args); }

  // Runs `stoq hash -D -F <file with content>` and returns its one document.
  OJson dispatch(const std::string& content, std::vector<std::string> more = {}) {
    std::string file = env.home().write("in/sample", content);
    std::vector<std::string> args = {"hash", "-D", "-F", file, "-M", "1"};
    args.insert(args.end(), more.begin(), more.end());
    last = stoq(args);
    EXPECT_EQ(last.exit_code, 0) << last.describe();
    std::vector<OJson> docs = stoq_test::documents_of(last);
    EXPECT_EQ(docs.size(), 1U) << last.describe();
    return docs.empty() ? OJson::object() : docs[0];
  }

  static std::vector<std::string> errors_of(const OJson& doc) {
    std::vector<std::string> texts;
    for (const OJson& error : doc.value("errors", OJson::array())) {
      texts.push_back(error["plugin"].get<std::string>() + "@" + std::to_string(error["payload_id"].get<int>()) + ": " +
                      error["error"].get<std::string>());
    }
    return texts;
  }

  static bool any_error(const OJson& doc, std::string_view part) {
    for (const std::string& text : errors_of(doc)) {
      if (contains(text, part)) return true;
    }
    return false;
  }

  StoqEnv env{{kTree}};
  CliResult last;
};

TEST_F(DispatchTest, ChildrenAreEntriesInTheOriginalShapeAndRecurse) {
  OJson doc = dispatch("NEST:NEST:NEST:hello");
  const OJson& results = doc["results"];
  ASSERT_EQ(results.size(), 4U) << doc.dump(2);
  EXPECT_EQ(doc["payloads"], 4);
  EXPECT_EQ(doc["plugins"],
            OJson({{"0", "hash"}, {"1", "decoder:unnest"}, {"2", "decoder:unnest"}, {"3", "decoder:unnest"}}));
  EXPECT_FALSE(doc.contains("errors")) << doc.dump(2);
  const OJson& child = results[1];
  // Rule meta first (its "plugin" replaced by the worker's name), then the original's order.
  EXPECT_EQ(keys_of(child),
            (std::vector<std::string>{"plugin", "save", "key", "dispatcher", "uuid", "scan", "md5", "sha1", "sha256",
                                      "sha512", "size", "filename", "source_meta", "payload_id"}));
  EXPECT_EQ(child["plugin"], "hash");
  EXPECT_EQ(child["save"], "True");
  EXPECT_EQ(child["dispatcher"], "decoder:unnest");
  EXPECT_EQ(child["filename"], "inner");
  EXPECT_EQ(child["size"], 15);
  // The rule's meta reached the decoder as kwargs.
  EXPECT_EQ(child["source_meta"]["seen_key"], "k1");
  // sha256 of "NEST:NEST:hello", from Python's hashlib; the worker scanned the child itself.
  EXPECT_EQ(child["sha256"], "f904485da56baabbefbb169e746d4e8af8d4c7a22595ec1512945dd77a5e1476");
  EXPECT_EQ(child["scan"]["md5"], child["md5"]);
  for (std::size_t i = 0; i < results.size(); ++i) {
    EXPECT_EQ(results[i]["payload_id"], i);
    ASSERT_EQ(results[i]["uuid"].size(), i + 1) << "each child's uuid list is its ancestry";
    if (i > 0) {
      for (std::size_t j = 0; j < i; ++j) EXPECT_EQ(results[i]["uuid"][j], results[i - 1]["uuid"][j]);
    }
  }
  EXPECT_EQ(results[3]["size"], 5);
  EXPECT_EQ(results[3]["md5"], "5d41402abc4b2a76b9719d911017c592");  // md5("hello")
}

TEST_F(DispatchTest, MaxRecursionFromTheCommandLineAndFromStoqCfg) {
  OJson one = dispatch("NEST:NEST:NEST:hello", {"-R", "1"});
  EXPECT_EQ(one["results"].size(), 2U) << one.dump(2);
  EXPECT_TRUE(any_error(one, "max_recursion (1) reached")) << one.dump(2);

  configure("max_recursion = 2\n");
  OJson two = dispatch("NEST:NEST:NEST:hello");
  EXPECT_EQ(two["results"].size(), 3U) << two.dump(2);
  EXPECT_TRUE(any_error(two, "dispatch@2: max_recursion (2)")) << two.dump(2);

  OJson zero = dispatch("NEST:NEST:NEST:hello", {"-R", "0"});
  EXPECT_EQ(zero["results"].size(), 1U) << zero.dump(2);
}

TEST_F(DispatchTest, RecursionLimitIsRefusedWithoutDispatch) {
  std::string file = env.home().write("in/sample", "x");
  CliResult result = stoq({"hash", "-F", file, "-R", "2"});
  EXPECT_EQ(result.exit_code, 2) << result.describe();
  EXPECT_TRUE(contains(result.err, "-D")) << result.describe();
}

TEST_F(DispatchTest, NamesFromInsideAContainerAreOnlyMetadata) {
  OJson doc = dispatch("SPLIT|one|two|three|four");
  const OJson& results = doc["results"];
  ASSERT_EQ(results.size(), 5U) << doc.dump(2);  // a plugin named twice in a rule runs once
  EXPECT_EQ(results[1]["filename"], "../../etc/x");
  EXPECT_EQ(results[2]["filename"], "/etc/passwd");
  EXPECT_EQ(results[4]["filename"], "a/../../b");
  // Nothing was written anywhere under the home (results go to stdout), the temp dir is empty again.
  for (const fs::path& file : stoq_test::files_under(env.home().root())) {
    std::string name = file.filename().string();
    EXPECT_TRUE(name == "stoq.cfg" || name == "rules.yar" || name == "sample" || file.extension() == ".log")
        << "unexpected file " << file;
  }
  EXPECT_FALSE(fs::exists("/etc/x"));
}

TEST_F(DispatchTest, AThrowingPluginCostsOneErrorEntryAndTheRestCarriesOn) {
  OJson doc = dispatch("SPLIT|BOOM|x");
  ASSERT_EQ(doc["results"].size(), 3U) << doc.dump(2);  // split still ran
  ASSERT_EQ(errors_of(doc).size(), 1U) << doc.dump(2);
  EXPECT_EQ(errors_of(doc)[0], "carver:boom@0: boom carver refuses this payload");
  EXPECT_EQ(doc["plugins"]["1"], "extractor:split");
}

TEST_F(DispatchTest, AContainerThatContainsItselfIsRecordedOnce) {
  OJson doc = dispatch("LOOP forever");
  ASSERT_EQ(doc["results"].size(), 2U) << doc.dump(2);
  const OJson& child = doc["results"][1];
  EXPECT_EQ(child["source_meta"]["duplicate_of"], 0);
  EXPECT_TRUE(child["scan"].is_null());
  EXPECT_EQ(child["sha256"], doc["results"][0]["sha256"]);
}

TEST_F(DispatchTest, ChildrenPerPayloadAndPayloadsPerRequestAreLimited) {
  configure("max_children = 2\n");
  OJson doc = dispatch("SPLIT|a|b|c|d");
  EXPECT_EQ(doc["results"].size(), 3U) << doc.dump(2);
  EXPECT_TRUE(any_error(doc, "max_children (2) reached")) << doc.dump(2);

  configure("max_payloads = 3\n");
  OJson capped = dispatch("SPLIT|a|b|c|d");
  EXPECT_EQ(capped["results"].size(), 3U) << capped.dump(2);
  EXPECT_EQ(capped["payloads"], 3);
  EXPECT_TRUE(any_error(capped, "max_payloads (3) reached")) << capped.dump(2);
}

TEST_F(DispatchTest, ChildSizeAndExtractedBytesAreLimited) {
  configure("max_child_size = 1000000\n");
  OJson truncated = dispatch("BOMB 2 3000000");
  ASSERT_EQ(truncated["results"].size(), 3U) << truncated.dump(2);
  EXPECT_EQ(truncated["results"][1]["size"], 1000000);
  EXPECT_EQ(truncated["results"][1]["source_meta"]["truncated"], true);

  OJson big = dispatch("BIG 3000000");  // a plugin that ignores the limit is cut by the framework
  ASSERT_EQ(big["results"].size(), 2U) << big.dump(2);
  EXPECT_EQ(big["results"][1]["size"], 1000000);
  EXPECT_TRUE(any_error(big, "max_child_size (1000000 bytes) reached")) << big.dump(2);

  configure("max_extracted_bytes = 2500000\n");
  OJson total = dispatch("BOMB 5 1000000");
  EXPECT_EQ(total["results"].size(), 3U) << total.dump(2);
  EXPECT_TRUE(any_error(total, "max_extracted_bytes (2500000 bytes) reached")) << total.dump(2);
}

TEST_F(DispatchTest, ChildrenOverTheMemoryBudgetSpillAndTheSpillDirectoryIsRemoved) {
  // One call's children keep at most an eighth of the budget (1 MB here) in memory.
  configure("dispatch_memory_budget = 8000000\n");
  OJson doc = dispatch("BOMB 3 600000");
  ASSERT_EQ(doc["results"].size(), 4U) << doc.dump(2);
  EXPECT_EQ(doc["results"][1]["source_meta"]["spilled"], false);  // 600 kB fit
  EXPECT_EQ(doc["results"][2]["source_meta"]["spilled"], true);   // 400 kB left: to disk
  EXPECT_EQ(doc["results"][3]["source_meta"]["spilled"], true);
  // The spilled child was hashed while written: the worker saw the same bytes.
  EXPECT_EQ(doc["results"][3]["scan"]["sha256"], doc["results"][3]["sha256"]);
  fs::path temp = env.home().root() / "temp";
  if (fs::exists(temp)) EXPECT_TRUE(fs::is_empty(temp)) << "spill directory left behind in " << temp;
}

TEST_F(DispatchTest, ARuleNamingAMissingPluginStopsTheRunBeforeAnyPayload) {
  std::string rules = env.home().write("bad.yar",
                                       "rule ghost_route { meta: plugin = \"extractor:nosuchthing\" "
                                       "condition: true }\n");
  env.write_config("dispatch_rules = " + rules + "\n");
  std::string file = env.home().write("in/sample", "x");
  CliResult result = stoq({"hash", "-D", "-F", file});
  EXPECT_EQ(result.exit_code, 2) << result.describe();
  EXPECT_TRUE(contains(result.err, "ghost_route")) << result.describe();
  EXPECT_TRUE(contains(result.err, "extractor:nosuchthing")) << result.describe();
  EXPECT_TRUE(result.out.empty()) << result.describe();
}

TEST_F(DispatchTest, BrokenRulesStopTheRunNamingTheLine) {
  std::string rules = env.home().write("broken.yar", "rule a {\n condition: nonsense_here\n}\n");
  env.write_config("dispatch_rules = " + rules + "\n");
  std::string file = env.home().write("in/sample", "x");
  CliResult result = stoq({"hash", "-D", "-F", file});
  EXPECT_EQ(result.exit_code, 2) << result.describe();
  EXPECT_TRUE(contains(result.err, "broken.yar:2")) << result.describe();
}

TEST_F(DispatchTest, SplitSavesEveryEntryAsItsOwnDocument) {
  std::string file = env.home().write("in/sample", "NEST:NEST:x");
  CliResult result = stoq({"hash", "-D", "-F", file, "--split"});
  ASSERT_EQ(result.exit_code, 0) << result.describe();
  std::vector<OJson> docs = stoq_test::documents_of(result);
  ASSERT_EQ(docs.size(), 3U) << result.describe();
  EXPECT_EQ(docs[2]["payload_id"], 2);
  EXPECT_EQ(docs[2]["payloads"], 3);
}

}  // namespace

namespace {

// -A: children of a rule with save = "True" are archived too (by sha1, as the payload).
TEST_F(DispatchTest, SaveTrueArchivesTheChildrenWithDashA) {
  OJson doc = dispatch("NEST:NEST:x", {"-A", "file"});
  ASSERT_EQ(doc["results"].size(), 3U) << doc.dump(2);
  std::set<std::string> archived;
  for (const fs::path& file : stoq_test::files_under(env.archive_base())) archived.insert(file.filename().string());
  for (const OJson& entry : doc["results"]) {
    EXPECT_EQ(archived.count(entry["sha1"].get<std::string>()), 1U) << entry.dump(2);
  }
  // A rule without save = "True" archives nothing more.
  OJson split = dispatch("SPLIT|p|q", {"-A", "file"});
  std::size_t files = stoq_test::files_under(env.archive_base()).size();
  EXPECT_EQ(files, archived.size() + 1) << "only the new root";
  EXPECT_EQ(split["results"].size(), 3U);
}

}  // namespace

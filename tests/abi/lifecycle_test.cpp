// The worker lifecycle end to end, through the CLI with the test plugins
// (stoq-original §c.4 and the LIFECYCLE / ERRORS contract of include/stoq/plugin.hpp).
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
using stoq_test::OJson;
using stoq_test::StoqEnv;

const std::string kTree = STOQ_TEST_PLUGIN_DIR;

class LifecycleTest : public ::testing::Test {
 protected:
  StoqEnv env{{kTree}};

  CliResult stoq(const std::vector<std::string>& args) { return stoq_test::run_stoq(env, args); }

  // Parses stdout; a test failure when it is not a stream of JSON documents.
  std::vector<OJson> documents(const CliResult& result) { return stoq_test::documents_of(result); }

  // The marker files the hbconn connector wrote at deactivate.
  std::vector<OJson> markers() {
    std::vector<OJson> found;
    for (const fs::path& file : stoq_test::files_under(env.results_dir())) {
      if (file.filename().string().rfind("hbconn-", 0) == 0 && file.extension() == ".json") {
        found.push_back(OJson::parse(stoq_test::read_file(file)));
      }
    }
    return found;
  }
};

std::string path_of(const OJson& document) { return document["results"][0].value("path", std::string()); }

TEST_F(LifecycleTest, ScanThatThrowsBecomesAnErrorsEntryAndOthersCarryOn) {
  std::string dir = env.home().mkdir("in");
  env.home().write("in/a.txt", "first file\n");
  std::string bad = env.home().write("in/b.txt", "this one goes boom\n");
  env.home().write("in/c.txt", "third file\n");
  CliResult result = stoq({"thrower", "-F", dir, "-M", "1"});
  EXPECT_EQ(result.exit_code, 0) << result.describe();
  std::vector<OJson> docs = documents(result);
  ASSERT_EQ(docs.size(), 3U) << result.describe();
  int failed = 0;
  for (const OJson& doc : docs) {
    const OJson& entry = doc["results"][0];
    if (path_of(doc) == bad) {
      ++failed;
      ASSERT_TRUE(doc.contains("errors")) << doc.dump(2);
      ASSERT_EQ(doc["errors"].size(), 1U) << doc.dump(2);
      const OJson& error = doc["errors"][0];
      EXPECT_EQ(stoq_test::keys_of(error), (std::vector<std::string>{"plugin", "payload_id", "error"}));
      EXPECT_EQ(error["plugin"], "worker:thrower");
      EXPECT_EQ(error["payload_id"], 0);
      EXPECT_TRUE(contains(error["error"].get<std::string>(), "thrower refuses")) << error.dump();
      EXPECT_TRUE(entry["scan"].is_null()) << doc.dump(2);
      EXPECT_EQ(entry["filename"], "b.txt");  // the document still says which payload failed
      EXPECT_TRUE(entry.contains("sha1"));
    } else {
      EXPECT_FALSE(doc.contains("errors")) << doc.dump(2);
      EXPECT_EQ(entry["scan"], OJson({{"ok", true}}));
    }
  }
  EXPECT_EQ(failed, 1);
}

// plugin.hpp ERRORS: "The framework catches at the plugin boundary and records an entry
// in the results' errors list; other plugins and payloads carry on."
TEST_F(LifecycleTest, NonStandardExceptionIsAnErrorsEntryToo) {
  std::string dir = env.home().mkdir("in");
  env.home().write("in/a.txt", "first file\n");
  std::string bad = env.home().write("in/b.txt", "this one goes boom\n");
  env.home().write("in/c.txt", "third file\n");
  CliResult result = stoq({"wild", "-F", dir, "-M", "1"});
  EXPECT_EQ(result.exit_code, 0) << result.describe();
  std::vector<OJson> docs = documents(result);
  ASSERT_EQ(docs.size(), 3U) << result.describe();
  for (const OJson& doc : docs) {
    if (path_of(doc) != bad) continue;
    ASSERT_TRUE(doc.contains("errors")) << doc.dump(2);
    EXPECT_EQ(doc["errors"][0]["plugin"], "worker:wild");
  }
}

TEST_F(LifecycleTest, ArrayResultGivesOneDocumentPerElement) {
  std::string input = env.home().write("in/one.bin", "0123456789");
  CliResult result = stoq({"multi", "-F", input});
  EXPECT_EQ(result.exit_code, 0) << result.describe();
  std::vector<OJson> docs = documents(result);
  ASSERT_EQ(docs.size(), 3U) << result.describe();
  std::set<int> parts;
  for (const OJson& doc : docs) {
    ASSERT_EQ(doc["results"].size(), 1U);
    const OJson& entry = doc["results"][0];
    parts.insert(entry["scan"]["part"].get<int>());
    EXPECT_EQ(entry["scan"]["size"], 10);
    EXPECT_EQ(entry["plugin"], "multi");
    EXPECT_EQ(doc["payloads"], 1);
    // The documents come from one payload: they share its uuid chain.
    EXPECT_EQ(entry["uuid"], docs[0]["results"][0]["uuid"]);
  }
  EXPECT_EQ(parts, (std::set<int>{0, 1, 2}));
}

TEST_F(LifecycleTest, TrueMeansTheWorkerHandledOutput) {
  std::string input = env.home().write("in/x.txt", "x");
  CliResult result = stoq({"handled", "-F", input});
  EXPECT_EQ(result.exit_code, 0) << result.describe();
  EXPECT_EQ(result.out, "") << result.describe();
}

TEST_F(LifecycleTest, NullMeansNothingToSave) {
  std::string input = env.home().write("in/x.txt", "x");
  CliResult result = stoq({"nothing", "-F", input});
  EXPECT_EQ(result.exit_code, 0) << result.describe();
  EXPECT_EQ(result.out, "") << result.describe();
}

TEST_F(LifecycleTest, ActivateReturningFalseStopsTheRun) {
  std::string dir = env.home().mkdir("in");
  for (int i = 0; i < 5; ++i) env.home().write("in/f" + std::to_string(i), "payload");
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"refuser", "-F", dir, "-M", "2"}, std::vector<std::string>{"refuser"}}) {
    CliResult result = stoq(args);
    EXPECT_NE(result.exit_code, 0) << result.describe();
    EXPECT_FALSE(result.timed_out) << result.describe();
    EXPECT_EQ(result.out, "") << result.describe();
    EXPECT_TRUE(contains(result.err, "worker:refuser")) << result.describe();
    EXPECT_TRUE(contains(result.err, "activate")) << result.describe();
  }
}

TEST_F(LifecycleTest, MaxTlpSkipsLessShareablePayloads) {
  std::string input = env.home().write("in/x.txt", "tlp test");
  for (const char* tlp : {"red"}) {
    CliResult result = stoq({"amber", "-F", input, "--tlp", tlp});
    EXPECT_EQ(result.exit_code, 0) << result.describe();
    EXPECT_EQ(result.out, "") << tlp << ": skipped payloads print nothing\n" << result.describe();
  }
  for (const char* tlp : {"amber", "green", "white"}) {
    CliResult result = stoq({"amber", "-F", input, "--tlp", tlp});
    EXPECT_EQ(result.exit_code, 0) << result.describe();
    std::vector<OJson> docs = documents(result);
    ASSERT_EQ(docs.size(), 1U) << tlp << "\n" << result.describe();
    EXPECT_EQ(docs[0]["tlp"], tlp);
    EXPECT_EQ(docs[0]["results"][0]["scan"]["worker"], "amber");
  }
  // The worker's max_tlp can be overridden from the command line too.
  CliResult result = stoq({"amber", "-F", input, "--tlp", "red", "--max-tlp", "red"});
  EXPECT_EQ(result.exit_code, 0) << result.describe();
  EXPECT_EQ(documents(result).size(), 1U) << result.describe();
}

TEST_F(LifecycleTest, MaxTlpFromTheCommandLineIsValidated) {
  std::string input = env.home().write("in/x.txt", "tlp test");
  CliResult result = stoq({"amber", "-F", input, "--max-tlp", "purple"});
  EXPECT_NE(result.exit_code, 0) << result.describe();
  EXPECT_TRUE(contains(result.err, "max_tlp")) << result.describe();
  EXPECT_EQ(result.out, "") << result.describe();
}

OJson echo_options(const std::vector<OJson>& docs) {
  if (docs.size() != 1) return {};
  return docs[0]["results"][0]["scan"]["options"];
}

TEST_F(LifecycleTest, StoqFileValuesReachThePlugin) {
  std::string input = env.home().write("in/x.txt", "echo");
  CliResult result = stoq({"echo", "-F", input});
  EXPECT_EQ(result.exit_code, 0) << result.describe();
  OJson options = echo_options(documents(result));
  EXPECT_EQ(options["my_int"], 3);
  EXPECT_EQ(options["my_flag"], false);
  EXPECT_EQ(options["strict"], true);
  EXPECT_EQ(options["my_string"], "from-stoq");
  EXPECT_EQ(options["tags_list"], OJson::array({"c", "d", "e"}));
  EXPECT_EQ(options["extra_dict"], OJson({{"k", "v"}}));
  EXPECT_EQ(options["hashpayload"], true);
}

// docs/writing-plugins.md promises a worker filename, tlp and uuid in kwargs, whatever
// the source wrote (filedir queues only the path); the uuid is the results' own.
TEST_F(LifecycleTest, WorkerKwargsCarryFilenameTlpAndTheResultsUuid) {
  std::string input = env.home().write("in/named.txt", "echo");
  CliResult result = stoq({"echo", "-F", input, "--tlp", "amber"});
  ASSERT_EQ(result.exit_code, 0) << result.describe();
  std::vector<OJson> docs = documents(result);
  ASSERT_EQ(docs.size(), 1U) << result.describe();
  const OJson& entry = docs[0]["results"][0];
  const OJson& kwargs = entry["scan"]["kwargs"];
  EXPECT_EQ(kwargs["path"], input) << kwargs.dump();
  EXPECT_EQ(kwargs["filename"], "named.txt") << kwargs.dump();
  EXPECT_EQ(kwargs["tlp"], "amber") << kwargs.dump();
  ASSERT_TRUE(kwargs["uuid"].is_array() && kwargs["uuid"].size() == 1) << kwargs.dump();
  EXPECT_EQ(kwargs["uuid"], entry["uuid"]) << result.describe();
  EXPECT_EQ(kwargs["uuid"][0].get<std::string>().size(), 36U) << kwargs.dump();

  // Without --tlp: the configured default.
  result = stoq({"echo", "-F", input});
  docs = documents(result);
  ASSERT_EQ(docs.size(), 1U) << result.describe();
  EXPECT_EQ(docs[0]["results"][0]["scan"]["kwargs"]["tlp"], "white") << result.describe();
}

TEST_F(LifecycleTest, CommandLineFlagsOverrideStoqFileValues) {
  std::string input = env.home().write("in/x.txt", "echo");
  CliResult result = stoq({"echo", "-F", input, "--my-int", "7", "--my-flag=true", "--strict=false", "-x", "short",
                           "--tags-list", "x, y", "--extra-dict", R"({"a": 1})"});
  EXPECT_EQ(result.exit_code, 0) << result.describe();
  OJson options = echo_options(documents(result));
  EXPECT_EQ(options["my_int"], 7) << options.dump();
  EXPECT_EQ(options["my_flag"], true) << options.dump();
  EXPECT_EQ(options["strict"], false) << options.dump();
  EXPECT_EQ(options["my_string"], "short") << options.dump();
  EXPECT_EQ(options["tags_list"], OJson::array({"x", "y"})) << options.dump();
  EXPECT_EQ(options["extra_dict"], OJson({{"a", 1}})) << options.dump();

  // The snake_case spelling works too, and the long name of the short flag.
  result = stoq({"echo", "-F", input, "--my_int", "9", "--my-string", "long"});
  EXPECT_EQ(result.exit_code, 0) << result.describe();
  options = echo_options(documents(result));
  EXPECT_EQ(options["my_int"], 9) << options.dump();
  EXPECT_EQ(options["my_string"], "long") << options.dump();
}

TEST_F(LifecycleTest, BoolFlagsTakeAValue) {
  std::string input = env.home().write("in/x.txt", "echo");
  CliResult result = stoq({"echo", "-F", input, "--my-flag", "yes", "--strict", "off"});
  EXPECT_EQ(result.exit_code, 0) << result.describe();
  OJson options = echo_options(documents(result));
  EXPECT_EQ(options["my_flag"], true) << result.describe();
  EXPECT_EQ(options["strict"], false) << result.describe();

  result = stoq({"echo", "-F", input, "--my-flag", "maybe"});
  EXPECT_NE(result.exit_code, 0) << result.describe();
  EXPECT_TRUE(contains(result.err, "my_flag") && contains(result.err, "maybe")) << result.describe();
  EXPECT_EQ(result.out, "") << result.describe();
}

TEST_F(LifecycleTest, BareBoolFlagTurnsTheOptionOn) {
  std::string input = env.home().write("in/x.txt", "echo");
  CliResult result = stoq({"echo", "-F", input, "--my-flag"});
  EXPECT_EQ(result.exit_code, 0) << result.describe();
  EXPECT_EQ(echo_options(documents(result))["my_flag"], true) << result.describe();
}

TEST_F(LifecycleTest, FrameworkOptionsAreFlagsToo) {
  std::string input = env.home().write("in/x.txt", "echo");
  CliResult result = stoq({"echo", "-F", input, "--hashpayload=false"});
  EXPECT_EQ(result.exit_code, 0) << result.describe();
  std::vector<OJson> docs = documents(result);
  ASSERT_EQ(docs.size(), 1U) << result.describe();
  EXPECT_FALSE(docs[0]["results"][0].contains("md5")) << docs[0].dump(2);
  EXPECT_EQ(docs[0]["results"][0]["scan"]["options"]["hashpayload"], false);

  result = stoq({"echo", "-F", input, "--saveresults=false"});
  EXPECT_EQ(result.exit_code, 0) << result.describe();
  EXPECT_EQ(result.out, "") << result.describe();
}

TEST_F(LifecycleTest, BadFlagValueNamesTheOption) {
  std::string input = env.home().write("in/x.txt", "echo");
  CliResult result = stoq({"echo", "-F", input, "--my-int", "seven"});
  EXPECT_NE(result.exit_code, 0) << result.describe();
  EXPECT_EQ(result.out, "") << result.describe();
  EXPECT_TRUE(contains(result.err, "my_int") || contains(result.err, "my-int")) << result.describe();
  ASSERT_EQ(result.err_lines().size(), 1U) << result.describe();
}

TEST_F(LifecycleTest, HelpListsTheOptionTable) {
  CliResult result = stoq({"echo", "-h"});
  EXPECT_EQ(result.exit_code, 0) << result.describe();
  for (const char* text : {"--my-int", "--my-flag", "--strict", "-x", "--my-string", "--tags-list", "--extra-dict",
                           "--rules-path", "An integer.", "A string with a short flag.", "--split", "-F"}) {
    EXPECT_TRUE(contains(result.out, text)) << text << "\n" << result.out;
  }
}

TEST_F(LifecycleTest, WorkerWithoutSourceRunsOnceWithoutPayload) {
  CliResult result = stoq({"echo"});
  EXPECT_EQ(result.exit_code, 0) << result.describe();
  std::vector<OJson> docs = documents(result);
  ASSERT_EQ(docs.size(), 1U) << result.describe();
  const OJson& entry = docs[0]["results"][0];
  EXPECT_EQ(entry["scan"]["has_payload"], false);
  EXPECT_FALSE(entry.contains("md5")) << entry.dump(2);
  EXPECT_FALSE(entry.contains("size")) << entry.dump(2);
}

TEST_F(LifecycleTest, HeartbeatRunsOnceOnItsOwnThreadAndDeactivateRunsAtExit) {
  std::string dir = env.home().mkdir("in");
  for (int i = 0; i < 3; ++i) env.home().write("in/f" + std::to_string(i), "payload " + std::to_string(i));
  CliResult result = stoq({"echo", "-F", dir, "-C", "hbconn", "-M", "1"});
  EXPECT_EQ(result.exit_code, 0) << result.describe();
  EXPECT_EQ(documents(result).size(), 3U) << result.describe();
  std::vector<OJson> found = markers();
  ASSERT_EQ(found.size(), 1U) << "one connector instance, one marker written by deactivate()";
  const OJson& marker = found[0];
  EXPECT_EQ(marker["heartbeat_calls"], 1) << marker.dump();
  EXPECT_EQ(marker["heartbeat_on_own_thread"], true) << marker.dump();
  EXPECT_EQ(marker["heartbeat_after_activate"], true) << marker.dump();
  EXPECT_EQ(marker["heartbeat_returned_before_deactivate"], true) << marker.dump();
  EXPECT_EQ(marker["deactivate_on_owner_thread"], true) << marker.dump();
  EXPECT_EQ(marker["saves"], 3) << marker.dump();
  EXPECT_EQ(marker["saves_off_owner_thread"], 0) << marker.dump();
}

TEST_F(LifecycleTest, EveryWorkerThreadHasItsOwnConnectorInstance) {
  std::string dir = env.home().mkdir("in");
  for (int i = 0; i < 6; ++i) env.home().write("in/f" + std::to_string(i), "payload " + std::to_string(i));
  CliResult result = stoq({"echo", "-F", dir, "-C", "hbconn", "-M", "2"});
  EXPECT_EQ(result.exit_code, 0) << result.describe();
  EXPECT_EQ(documents(result).size(), 6U) << result.describe();
  std::vector<OJson> found = markers();
  ASSERT_EQ(found.size(), 2U);
  int saves = 0;
  for (const OJson& marker : found) {
    EXPECT_EQ(marker["heartbeat_calls"], 1) << marker.dump();
    EXPECT_EQ(marker["heartbeat_on_own_thread"], true) << marker.dump();
    EXPECT_EQ(marker["deactivate_on_owner_thread"], true) << marker.dump();
    EXPECT_EQ(marker["saves_off_owner_thread"], 0) << marker.dump();
    saves += marker["saves"].get<int>();
  }
  EXPECT_EQ(saves, 6);
}

TEST_F(LifecycleTest, HeartbeatAndDeactivateWithoutSource) {
  CliResult result = stoq({"echo", "-C", "hbconn"});
  EXPECT_EQ(result.exit_code, 0) << result.describe();
  EXPECT_EQ(documents(result).size(), 1U) << result.describe();
  std::vector<OJson> found = markers();
  ASSERT_EQ(found.size(), 1U);
  EXPECT_EQ(found[0]["heartbeat_calls"], 1) << found[0].dump();
  EXPECT_EQ(found[0]["heartbeat_returned_before_deactivate"], true) << found[0].dump();
  EXPECT_EQ(found[0]["saves"], 1) << found[0].dump();
}

TEST_F(LifecycleTest, DecoratorAddsAKey) {
  std::string input = env.home().write("in/x.txt", "decorate me");
  CliResult plain = stoq({"echo", "-F", input});
  CliResult result = stoq({"echo", "-F", input, "-P", "addkey"});
  EXPECT_EQ(result.exit_code, 0) << result.describe();
  std::vector<OJson> docs = documents(result);
  std::vector<OJson> plain_docs = documents(plain);
  ASSERT_EQ(docs.size(), 1U) << result.describe();
  ASSERT_EQ(plain_docs.size(), 1U) << plain.describe();
  EXPECT_EQ(docs[0]["decorated"], OJson({{"by", "addkey"}, {"errors_seen", 0}})) << docs[0].dump(2);
  std::vector<std::string> keys = stoq_test::keys_of(plain_docs[0]);
  keys.push_back("decorated");
  EXPECT_EQ(stoq_test::keys_of(docs[0]), keys);
}

TEST_F(LifecycleTest, DecoratorSeesTheErrors) {
  std::string input = env.home().write("in/x.txt", "boom");
  CliResult result = stoq({"thrower", "-F", input, "-P", "addkey"});
  EXPECT_EQ(result.exit_code, 0) << result.describe();
  std::vector<OJson> docs = documents(result);
  ASSERT_EQ(docs.size(), 1U) << result.describe();
  EXPECT_EQ(docs[0]["decorated"]["errors_seen"], 1) << docs[0].dump(2);
  ASSERT_TRUE(docs[0].contains("errors")) << docs[0].dump(2);
  EXPECT_EQ(docs[0]["errors"].size(), 1U) << docs[0].dump(2);  // not duplicated after decorating
  EXPECT_EQ(docs[0]["errors"][0]["plugin"], "worker:thrower");
}

TEST_F(LifecycleTest, DecoratorThatThrowsLeavesResultsUnchangedPlusAnError) {
  std::string input = env.home().write("in/x.txt", "decorate me");
  CliResult plain = stoq({"echo", "-F", input});
  CliResult result = stoq({"echo", "-F", input, "-P", "boom"});
  EXPECT_EQ(result.exit_code, 0) << result.describe();
  std::vector<OJson> docs = documents(result);
  std::vector<OJson> plain_docs = documents(plain);
  ASSERT_EQ(docs.size(), 1U) << result.describe();
  ASSERT_EQ(plain_docs.size(), 1U) << plain.describe();
  OJson doc = docs[0];
  ASSERT_TRUE(doc.contains("errors")) << doc.dump(2);
  ASSERT_EQ(doc["errors"].size(), 1U);
  EXPECT_EQ(doc["errors"][0],
            OJson({{"plugin", "decorator:boom"}, {"payload_id", 0}, {"error", "boom decorator always fails"}}));
  doc.erase("errors");
  std::vector<std::string> keys = stoq_test::keys_of(doc);
  EXPECT_EQ(keys, stoq_test::keys_of(plain_docs[0]));
  // Same document apart from what changes every run (echo returns its kwargs, uuid included).
  for (OJson* one : {&doc, &plain_docs[0]}) {
    (*one).erase("date");
    (*one)["results"][0].erase("uuid");
    (*one)["results"][0]["scan"]["kwargs"].erase("uuid");
  }
  EXPECT_EQ(doc, plain_docs[0]);
}

}  // namespace

namespace {

// Acknowledgement contract (plugin.hpp Ack): exactly once per message, true only after
// the results were saved; a failed fetch still yields a saved document carrying the error.
class AckTest : public LifecycleTest {
 protected:
  OJson run_and_read_acks(const std::vector<std::string>& extra, int expected_exit) {
    std::string dir = env.home().mkdir("acks-in");
    env.home().write("acks-in/a.txt", "a\n");
    env.home().write("acks-in/b.txt", "b\n");
    fs::create_symlink(env.home().path("nowhere"), dir + "/dangling");
    std::string record = env.home().path("acks.json");
    std::vector<std::string> args = {
        "hash", "-I", "acksource", "-F", dir, "--plugin-opt", "acksource:record=" + record};
    args.insert(args.end(), extra.begin(), extra.end());
    CliResult result = stoq(args);
    EXPECT_EQ(result.exit_code, expected_exit) << result.describe();
    return OJson::parse(stoq_test::read_file(record));
  }
};

TEST_F(AckTest, EveryMessageIsAcknowledgedOnceAfterItsResultsWereSaved) {
  OJson acks = run_and_read_acks({"-C", "file"}, 0);
  ASSERT_EQ(acks.size(), 3U) << acks.dump();
  for (const auto& [path, saved] : acks.items()) EXPECT_EQ(saved, true) << path;  // the dangling link too
  EXPECT_EQ(stoq_test::files_under(env.results_dir()).size(), 3U);
}

TEST_F(AckTest, MessagesWhoseResultsCouldNotBeSavedAreNegativelyAcknowledged) {
  // -O is a writable folder (checked before the run), but where the connector must make
  // the folder of the index (out/hash) there is a file: every save fails.
  env.home().write("out/hash", "a file where the results folder should be");
  OJson acks = run_and_read_acks({"-C", "file", "-O", env.home().path("out")}, 1);
  ASSERT_EQ(acks.size(), 3U) << acks.dump();
  for (const auto& [path, saved] : acks.items()) EXPECT_EQ(saved, false) << path;
}

}  // namespace

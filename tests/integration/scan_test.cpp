// `stoq scan -w ... `: several workers on every payload, in one pass (docs/scan.md).
// The real executable on files the tests write: one document per payload tree, `scan`
// keyed by worker name (checked against OpenSSL's digests and Python's zipfile), a
// failing worker as one `errors` entry, TLP per worker, concurrent workers on threads
// of their own (the timing test workers of tests/abi), and the progress line, which
// appears on a terminal only.
#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <cmath>
#include <cstdlib>
#include <map>
#include <string>
#include <vector>

#include "hashes.hpp"
#include "run_cli.hpp"

namespace {

using stoq_test::CliResult;
using stoq_test::contains;
using stoq_test::OJson;
using stoq_test::StoqEnv;

const std::vector<std::string> kQuiet = {"--no-progress", "-M", "1"};

std::vector<std::string> with(std::vector<std::string> args, const std::vector<std::string>& more = kQuiet) {
  args.insert(args.end(), more.begin(), more.end());
  return args;
}

// Shannon entropy in bits per byte, computed here.
double entropy_of(const std::string& data) {
  std::map<unsigned char, double> counts;
  for (char c : data) counts[static_cast<unsigned char>(c)] += 1;
  double bits = 0;
  for (const auto& [byte, count] : counts) {
    double p = count / static_cast<double>(data.size());
    bits -= p * std::log2(p);
  }
  return bits;
}

OJson only_document(const CliResult& result) {
  std::vector<OJson> documents = stoq_test::documents_of(result);
  EXPECT_EQ(documents.size(), 1U) << result.describe();
  return documents.empty() ? OJson::object() : documents[0];
}

TEST(ScanCli, OneDocumentWithScanKeyedByWorker) {
  StoqEnv env;
  const std::string data = "some text to hash and measure, twice: some text to hash\n";
  std::string file = env.home().write("input/note.txt", data);
  CliResult result = stoq_test::run_stoq(env, with({"scan", "-w", "hash", "-w", "entropy", "-F", file}));
  ASSERT_EQ(result.exit_code, 0) << result.describe();
  OJson document = only_document(result);
  const OJson& entry = document["results"][0];
  EXPECT_EQ(entry["plugin"], OJson::parse(R"(["hash", "entropy"])"));
  EXPECT_EQ(document["plugins"]["0"], OJson::parse(R"(["hash", "entropy"])"));
  EXPECT_EQ(stoq_test::keys_of(entry["scan"]), (std::vector<std::string>{"hash", "entropy"}));
  EXPECT_EQ(entry["scan"]["hash"]["sha256"], stoq_test::digest_hex(EVP_sha256(), data));
  EXPECT_EQ(entry["scan"]["hash"]["md5"], stoq_test::digest_hex(EVP_md5(), data));
  EXPECT_NEAR(entry["scan"]["entropy"]["entropy"].get<double>(), entropy_of(data), 1e-6);
  EXPECT_EQ(entry["sha1"], stoq_test::digest_hex(EVP_sha1(), data));  // hashpayload, as stoq hash
  EXPECT_TRUE(contains(result.err, "stoq: 1 payload, 1 saved")) << result.err;
}

// `stoq scan -w W` differs from `stoq W` only in `scan` (keyed by W) and `plugin` (a list).
TEST(ScanCli, OneWorkerDiffersOnlyInScanAndPlugin) {
  StoqEnv env;
  std::string file = env.home().write("input/a.bin", std::string("\x01\x02zzz\n", 6));
  CliResult single = stoq_test::run_stoq(env, with({"hash", "-F", file}));
  CliResult scan = stoq_test::run_stoq(env, with({"scan", "-w", "hash", "-F", file}));
  ASSERT_EQ(single.exit_code, 0) << single.describe();
  ASSERT_EQ(scan.exit_code, 0) << scan.describe();
  OJson one = only_document(single);
  OJson combined = only_document(scan);
  EXPECT_EQ(stoq_test::keys_of(one), stoq_test::keys_of(combined));
  EXPECT_EQ(stoq_test::keys_of(one["results"][0]), stoq_test::keys_of(combined["results"][0]));
  EXPECT_EQ(combined["results"][0]["scan"], OJson({{"hash", one["results"][0]["scan"]}}));
  EXPECT_EQ(combined["results"][0]["plugin"], OJson::array({"hash"}));
  for (OJson* document : {&one, &combined}) {
    (*document)["results"][0].erase("scan");
    (*document)["results"][0].erase("plugin");
    (*document)["results"][0].erase("uuid");
    (*document).erase("date");
    (*document)["plugins"].erase("0");
  }
  EXPECT_EQ(one, combined);
}

// -D: every child of a zip (written by Python's zipfile) is scanned by every worker.
TEST(ScanCli, DispatchedChildrenAreScannedByEveryWorker) {
  StoqEnv env;
  std::string zip = env.home().path("input/two.zip");
  std::filesystem::create_directories(env.home().path("input"));
  int status = 0;
  std::string out = stoq::testing::run_command(
      "python3 -c \"import zipfile; z = zipfile.ZipFile('" + zip +
          "', 'w', zipfile.ZIP_DEFLATED); z.writestr('a.txt', 'alpha ' * 50); z.writestr('b.txt', 'bravo!'); "
          "z.close()\" 2>&1",
      &status);
  ASSERT_EQ(status, 0) << out;
  CliResult result = stoq_test::run_stoq(env, with({"scan", "-w", "hash", "-w", "entropy", "-D", "-F", zip}));
  ASSERT_EQ(result.exit_code, 0) << result.describe();
  OJson document = only_document(result);
  ASSERT_EQ(document["results"].size(), 3U) << document.dump(2);
  std::map<std::string, std::string> expected = {{"a.txt", std::string()}, {"b.txt", "bravo!"}};
  for (int i = 0; i < 50; ++i) expected["a.txt"] += "alpha ";
  for (std::size_t id = 1; id < 3; ++id) {
    const OJson& child = document["results"][id];
    std::string name = child.value("filename", "");
    ASSERT_TRUE(expected.contains(name)) << child.dump(2);
    EXPECT_EQ(child["plugin"], OJson::parse(R"(["hash", "entropy"])"));
    EXPECT_EQ(child["scan"]["hash"]["sha256"], stoq_test::digest_hex(EVP_sha256(), expected[name])) << name;
    EXPECT_NEAR(child["scan"]["entropy"]["entropy"].get<double>(), entropy_of(expected[name]), 1e-6) << name;
    EXPECT_EQ(child["uuid"].size(), 2U);
  }
}

// A worker that throws is one `errors` entry; the other workers' results are saved.
TEST(ScanCli, AFailingWorkerIsOneErrorAndTheOthersRun) {
  StoqEnv env({STOQ_TEST_PLUGIN_DIR});
  std::string file = env.home().write("input/x.txt", "boom\n");  // the thrower worker throws on "boom"
  CliResult result = stoq_test::run_stoq(env, with({"scan", "-w", "thrower", "-w", "hash", "-F", file}));
  ASSERT_EQ(result.exit_code, 0) << result.describe();
  OJson document = only_document(result);
  ASSERT_TRUE(document.contains("errors")) << document.dump(2);
  ASSERT_EQ(document["errors"].size(), 1U) << document.dump(2);
  EXPECT_EQ(document["errors"][0]["plugin"], "worker:thrower");
  EXPECT_EQ(document["results"][0]["scan"]["hash"]["sha256"], stoq_test::digest_hex(EVP_sha256(), "boom\n"));
  EXPECT_FALSE(document["results"][0]["scan"].contains("thrower")) << document.dump(2);
  EXPECT_TRUE(contains(result.err, "1 with errors")) << result.err;
}

// max_tlp is each worker's: a payload too red for one worker is scanned by the others,
// and skipped (counted, not saved) when it is too red for all of them.
TEST(ScanCli, TlpGateIsPerWorker) {
  StoqEnv env;
  std::string file = env.home().write("input/x.txt", "payload\n");
  CliResult one = stoq_test::run_stoq(env, with({"scan", "-w", "hash", "-w", "entropy", "-F", file, "--tlp", "red",
                                                 "--plugin-opt", "hash:max_tlp=green"}));
  ASSERT_EQ(one.exit_code, 0) << one.describe();
  OJson document = only_document(one);
  EXPECT_EQ(stoq_test::keys_of(document["results"][0]["scan"]), std::vector<std::string>{"entropy"});
  EXPECT_EQ(document["tlp"], "red");

  CliResult none =
      stoq_test::run_stoq(env, with({"scan", "-w", "hash", "-w", "entropy", "-F", file, "--tlp", "red", "--plugin-opt",
                                     "hash:max_tlp=amber", "--plugin-opt", "entropy:max_tlp=white"}));
  ASSERT_EQ(none.exit_code, 0) << none.describe();
  EXPECT_TRUE(none.out.empty()) << none.describe();
  EXPECT_TRUE(contains(none.err, "1 skipped by TLP")) << none.err;
}

// Workers whose .stoq says concurrent = True run on one payload at the same time, on
// threads of their own; the others run in order on the payload's thread.
TEST(ScanCli, ConcurrentWorkersOverlapOnOnePayload) {
  StoqEnv env({STOQ_TEST_PLUGIN_DIR});
  std::string file = env.home().write("input/x.txt", "payload\n");
  CliResult result =
      stoq_test::run_stoq(env, with({"scan", "-w", "conc_a", "-w", "seq_c", "-w", "conc_b", "-F", file}));
  ASSERT_EQ(result.exit_code, 0) << result.describe();
  const OJson scan = only_document(result)["results"][0]["scan"];
  ASSERT_TRUE(scan.contains("conc_a") && scan.contains("conc_b") && scan.contains("seq_c")) << scan.dump(2);
  EXPECT_NE(scan["conc_a"]["thread"], scan["conc_b"]["thread"]) << scan.dump(2);
  EXPECT_EQ(scan["conc_a"]["thread"], scan["seq_c"]["thread"]) << scan.dump(2);  // the payload's thread
  // Both 300 ms calls were in progress at one moment.
  EXPECT_LT(scan["conc_a"]["start"].get<std::int64_t>(), scan["conc_b"]["end"].get<std::int64_t>()) << scan.dump(2);
  EXPECT_LT(scan["conc_b"]["start"].get<std::int64_t>(), scan["conc_a"]["end"].get<std::int64_t>()) << scan.dump(2);

  // concurrent = False (the default) for one of them: everything runs in order, on one thread.
  CliResult ordered = stoq_test::run_stoq(
      env, with({"scan", "-w", "conc_a", "-w", "conc_b", "-F", file, "--plugin-opt", "conc_b:concurrent=False"}));
  ASSERT_EQ(ordered.exit_code, 0) << ordered.describe();
  const OJson in_order = only_document(ordered)["results"][0]["scan"];
  EXPECT_EQ(in_order["conc_a"]["thread"], in_order["conc_b"]["thread"]) << in_order.dump(2);
  EXPECT_LE(in_order["conc_a"]["end"].get<std::int64_t>(), in_order["conc_b"]["start"].get<std::int64_t>());
}

TEST(ScanCli, BadWorkerListsStopBeforeAnyPayload) {
  StoqEnv env;
  std::string file = env.home().write("input/x.txt", "payload\n");
  CliResult missing = stoq_test::run_stoq(env, {"scan", "-F", file});
  EXPECT_EQ(missing.exit_code, 2) << missing.describe();
  EXPECT_TRUE(contains(missing.err, "--worker is required")) << missing.err;
  CliResult twice = stoq_test::run_stoq(env, {"scan", "-w", "hash", "-w", "hash", "-F", file});
  EXPECT_EQ(twice.exit_code, 2) << twice.describe();
  EXPECT_TRUE(contains(twice.err, "-w hash is given twice")) << twice.err;
  CliResult unknown = stoq_test::run_stoq(env, {"scan", "-w", "hash", "-w", "nosuchworker", "-F", file});
  EXPECT_EQ(unknown.exit_code, 2) << unknown.describe();
  EXPECT_TRUE(contains(unknown.err, "nosuchworker")) << unknown.err;
  EXPECT_TRUE(missing.out.empty() && twice.out.empty() && unknown.out.empty());
}

// -T NAME: the first worker, in -w order, that has the template renders the document.
TEST(ScanCli, TemplateOfTheFirstWorkerThatHasIt) {
  StoqEnv env;
  std::string file = env.home().write("input/x.txt", "payload\n");
  CliResult result =
      stoq_test::run_stoq(env, with({"scan", "-w", "entropy", "-w", "hash", "-F", file, "-T", "stdout.tpl"}));
  ASSERT_EQ(result.exit_code, 0) << result.describe();
  EXPECT_TRUE(contains(result.out, "entropy")) << result.out;
  EXPECT_TRUE(contains(result.out, "x.txt")) << result.out;
  CliResult absent = stoq_test::run_stoq(env, {"scan", "-w", "entropy", "-w", "hash", "-F", file, "-T", "none.tpl"});
  EXPECT_EQ(absent.exit_code, 2) << absent.describe();
  EXPECT_TRUE(contains(absent.err, "none of the workers (entropy, hash)")) << absent.err;
}

// The progress line: on a terminal (script(1) gives stoq one) for a run longer than a
// second; never on stdout, and not with --no-progress or when stderr is not a terminal.
TEST(ScanCli, ProgressLineOnATerminalOnly) {
  StoqEnv env({STOQ_TEST_PLUGIN_DIR});
  for (int i = 0; i < 6; ++i) env.home().write("input/f" + std::to_string(i), "payload " + std::to_string(i));
  std::string command = std::string(STOQ_CLI) + " scan -w seq_c -w hash -M 1 -F " +
                        stoq::testing::shell_quote(env.home().path("input")) + " --config " +
                        stoq::testing::shell_quote(env.config());
  auto on_terminal = [&](const std::string& extra, const std::string& out) {
    int status = 0;
    std::string terminal = stoq::testing::run_command(
        "TERM=xterm script -qefc " + stoq::testing::shell_quote(command + extra + " > " + out) + " /dev/null", &status);
    EXPECT_EQ(status, 0) << terminal;
    return terminal;
  };
  std::string shown = on_terminal("", env.home().path("out1.json"));
  EXPECT_TRUE(contains(shown, "files/s")) << shown;
  EXPECT_TRUE(contains(shown, "ETA")) << shown;  // filedir knows how many files a directory has
  EXPECT_TRUE(contains(shown, "stoq: 6 payloads, 6 saved")) << shown;
  std::string printed = stoq_test::read_file(env.home().path("out1.json"));
  EXPECT_EQ(stoq_test::count_documents(printed), 6U);
  EXPECT_FALSE(contains(printed, "files/s"));

  std::string hidden = on_terminal(" --no-progress", env.home().path("out2.json"));
  EXPECT_FALSE(contains(hidden, "files/s")) << hidden;
  EXPECT_TRUE(contains(hidden, "stoq: 6 payloads, 6 saved")) << hidden;

  CliResult piped = stoq_test::run_stoq(env, {"scan", "-w", "seq_c", "-M", "1", "-F", env.home().path("input")});
  EXPECT_EQ(piped.exit_code, 0) << piped.describe();
  EXPECT_FALSE(contains(piped.err, "files/s")) << piped.err;
}

}  // namespace

// Long-running stoq processes and signals: dirmon until SIGINT/SIGTERM, a graceful
// shutdown of a filedir run mid-way by SIGINT/SIGTERM/SIGHUP (in-flight payloads finish,
// every printed document is whole, plugins are deactivated, exit 0), and a second signal
// that ends the process at once. No fixed sleeps decide a result: every
// wait polls the process output against a deadline.
#include <gtest/gtest.h>
#include <signal.h>

#include <memory>
#include <set>
#include <string>
#include <vector>

#include "run_cli.hpp"
#include "run_report.hpp"

namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using stoq_test::CliProcess;
using stoq_test::CliResult;
using stoq_test::Clock;
using stoq_test::contains;
using stoq_test::OJson;
using stoq_test::StoqEnv;

const std::string kTree = STOQ_TEST_PLUGIN_DIR;

std::set<std::string> filenames(const std::string& out) {
  std::set<std::string> names;
  std::string trailing;
  try {
    for (const OJson& doc : stoq_test::parse_json_stream(out, &trailing)) {
      names.insert(doc["results"][0].value("filename", std::string()));
    }
  } catch (const std::exception&) {
  }
  return names;
}

std::unique_ptr<CliProcess> start(const StoqEnv& env, const std::vector<std::string>& args) {
  stoq_test::SpawnOptions options;
  options.env = env.env();
  return std::make_unique<CliProcess>(STOQ_CLI, env.args(args), options);
}

const char* signal_name(int signal_number) {
  switch (signal_number) {
    case SIGINT: return "SIGINT";
    case SIGHUP: return "SIGHUP";
    default: return "SIGTERM";
  }
}

class DirmonTest : public ::testing::TestWithParam<int> {};

TEST_P(DirmonTest, QueuesNewFilesUntilSignalled) {
  const int signal_number = GetParam();
  StoqEnv env;
  std::string dir = env.home().mkdir("watched");
  env.home().write("watched/before.txt", "present before the start: queued (scan_existing)");
  auto process = start(env, {"hash", "-I", "dirmon", "-F", dir, "-M", "2"});

  // Probe until the monitor is live: files written before the watch exists are missed.
  bool live = false;
  auto deadline = Clock::now() + 30s;
  for (int probe = 0; !live && Clock::now() < deadline; ++probe) {
    env.home().write("watched/probe-" + std::to_string(probe), "probe " + std::to_string(probe));
    live = process->wait_for(
        [](const std::string& out, const std::string&) { return stoq_test::count_documents(out) > 0; }, 300ms);
  }
  ASSERT_TRUE(live) << "no result for any probe file\n" << process->err();

  // Written to a dot-file, then renamed in (IN_MOVED_TO); and written and closed in place (IN_CLOSE_WRITE).
  env.home().write("watched/.partial", "renamed into place");
  fs::rename(env.home().path("watched/.partial"), env.home().path("watched/renamed.txt"));
  env.home().write("watched/direct.txt", "written in place");
  env.home().write("watched/.hidden", "dot-files are ignored");
  bool both = process->wait_for(
      [](const std::string& out, const std::string&) {
        std::set<std::string> names = filenames(out);
        return names.count("renamed.txt") > 0 && names.count("direct.txt") > 0;
      },
      30s);
  EXPECT_TRUE(both) << process->out() << "\n" << process->err();

  auto signalled = Clock::now();
  process->send(signal_number);
  CliResult result = process->finish(20s);
  auto took = Clock::now() - signalled;
  EXPECT_FALSE(result.timed_out) << signal_name(signal_number) << " did not stop dirmon\n" << result.describe();
  EXPECT_EQ(result.term_signal, 0) << result.describe();
  EXPECT_EQ(result.exit_code, 0) << result.describe();
  EXPECT_LT(took, 5s) << "stopping took too long";

  std::vector<OJson> docs = stoq_test::parse_json_stream(result.out);  // all complete
  std::set<std::string> names;
  for (const OJson& doc : docs) {
    const OJson& entry = doc["results"][0];
    std::string name = entry["filename"];
    EXPECT_TRUE(names.insert(name).second) << name << " reported twice";
    EXPECT_EQ(entry["path"], env.home().path("watched/" + name));
    EXPECT_TRUE(entry.contains("sha1")) << doc.dump(2);
    EXPECT_FALSE(doc.contains("errors")) << doc.dump(2);
  }
  EXPECT_TRUE(names.count("renamed.txt"));
  EXPECT_TRUE(names.count("direct.txt"));
  EXPECT_TRUE(names.count("before.txt")) << "files present at start are queued (scan_existing = True)";
  EXPECT_FALSE(names.count(".hidden"));
  EXPECT_FALSE(names.count(".partial"));
}

INSTANTIATE_TEST_SUITE_P(Signals, DirmonTest, ::testing::Values(SIGINT, SIGTERM),
                         [](const ::testing::TestParamInfo<int>& param) {
                           return std::string(signal_name(param.param));
                         });

TEST(DirmonErrors, MissingDirectoryIsOneError) {
  StoqEnv env;
  std::string missing = env.home().path("not-there");
  CliResult result = stoq_test::run_stoq(env, {"hash", "-I", "dirmon", "-F", missing}, 20s);
  EXPECT_NE(result.exit_code, 0) << result.describe();
  EXPECT_FALSE(result.timed_out);
  EXPECT_EQ(result.out, "");
  EXPECT_TRUE(contains(result.err, missing)) << result.describe();
}

// --- Graceful shutdown of a filedir run ----------------------------------------------------

class ShutdownTest : public ::testing::TestWithParam<int> {};

TEST_P(ShutdownTest, InFlightPayloadsFinishAndPluginsDeactivate) {
  const int signal_number = GetParam();
  StoqEnv env({kTree});
  std::string dir = env.home().mkdir("in");
  constexpr int kFiles = 20;
  for (int i = 0; i < kFiles; ++i) env.home().write("in/f" + std::to_string(100 + i), "payload " + std::to_string(i));
  // slow: 300 ms per scan; hbconn prints like stdout and writes a marker at deactivate.
  auto process = start(env, {"slow", "-F", dir, "-M", "2", "-C", "hbconn"});
  bool first = process->wait_for(
      [](const std::string& out, const std::string&) { return stoq_test::count_documents(out) > 0; }, 30s);
  ASSERT_TRUE(first) << process->err();

  auto signalled = Clock::now();
  process->send(signal_number);
  CliResult result = process->finish(30s);
  auto took = Clock::now() - signalled;
  EXPECT_FALSE(result.timed_out) << result.describe();
  EXPECT_EQ(result.term_signal, 0) << result.describe();
  EXPECT_EQ(result.exit_code, 0) << result.describe();
  EXPECT_LT(took, 5s) << "in-flight scans take 300 ms; shutdown should not wait for the queue";

  std::string trailing;
  std::vector<OJson> docs = stoq_test::parse_json_stream(result.out, &trailing);
  EXPECT_EQ(trailing, "") << "a document was cut short";
  EXPECT_GE(docs.size(), 1U);
  EXPECT_LT(docs.size(), static_cast<std::size_t>(kFiles)) << "the run stopped before the queue was drained";
  std::set<std::string> names;
  for (const OJson& doc : docs) {
    EXPECT_EQ(doc["results"][0]["scan"]["slept_ms"], 300) << doc.dump(2);
    EXPECT_TRUE(names.insert(doc["results"][0]["filename"]).second);
  }

  // One hbconn instance per worker thread, each deactivated after its heartbeat ended.
  std::vector<OJson> markers;
  for (const fs::path& file : stoq_test::files_under(env.results_dir())) {
    if (file.filename().string().rfind("hbconn-", 0) == 0) markers.push_back(OJson::parse(stoq_test::read_file(file)));
  }
  ASSERT_EQ(markers.size(), 2U) << "deactivate() must run for every connector instance";
  int saves = 0;
  for (const OJson& marker : markers) {
    EXPECT_EQ(marker["heartbeat_calls"], 1) << marker.dump();
    EXPECT_EQ(marker["heartbeat_returned_before_deactivate"], true) << marker.dump();
    EXPECT_EQ(marker["deactivate_on_owner_thread"], true) << marker.dump();
    saves += marker["saves"].get<int>();
  }
  EXPECT_EQ(saves, static_cast<int>(docs.size())) << "every save printed a whole document";
  auto summary = stoq_test::summary_of(result.err);
  ASSERT_TRUE(summary) << result.describe();
  EXPECT_EQ(summary->saved, docs.size());
  EXPECT_EQ(summary->ending, std::string(", stopped by ") + signal_name(signal_number));
}

// A second signal while in-flight payloads finish ends the process at once: one line on
// stderr, the summary, 128 + the signal's number; no document is printed in part.
TEST(SecondSignalTest, ExitsAtOnceWithoutCuttingADocument) {
  StoqEnv env({kTree});
  env.home().mkdir("in");
  for (int i = 0; i < 20; ++i) env.home().write("in/f" + std::to_string(100 + i), "payload " + std::to_string(i));
  auto process = start(env, {"slow", "-F", env.home().path("in"), "-M", "2"});
  bool first = process->wait_for(
      [](const std::string& out, const std::string&) { return stoq_test::count_documents(out) > 0; }, 30s);
  ASSERT_TRUE(first) << process->err();
  // Both threads are in a 300 ms scan: the two signals arrive long before it ends. Which
  // one the watcher takes first is the kernel's choice; the other ends the process.
  auto signalled = Clock::now();
  process->send(SIGTERM);
  process->send(SIGINT);
  CliResult result = process->finish(20s);
  EXPECT_LT(Clock::now() - signalled, 2s) << "the second signal must not wait for in-flight payloads";
  ASSERT_TRUE(result.exit_code == 128 + SIGINT || result.exit_code == 128 + SIGTERM) << result.describe();
  const int last = result.exit_code - 128;
  const std::string ending =
      std::string(signal_name(last)) + " after " + signal_name(last == SIGINT ? SIGTERM : SIGINT);
  EXPECT_TRUE(contains(result.err, "stoq: " + ending + ": exiting now")) << result.describe();
  auto summary = stoq_test::summary_of(result.err);
  ASSERT_TRUE(summary) << result.describe();
  EXPECT_EQ(summary->ending, std::string(", ended at once by ") + signal_name(last));
  std::string trailing;
  std::vector<OJson> docs = stoq_test::parse_json_stream(result.out, &trailing);
  EXPECT_EQ(trailing, "") << "a document was cut short";
  EXPECT_LE(summary->saved, docs.size()) << "a document counted as saved was printed";
}

INSTANTIATE_TEST_SUITE_P(Signals, ShutdownTest, ::testing::Values(SIGTERM, SIGINT, SIGHUP),
                         [](const ::testing::TestParamInfo<int>& param) {
                           return std::string(signal_name(param.param));
                         });

TEST(CronTest, RepeatsUntilSignalled) {
  StoqEnv env({kTree});
  auto process = start(env, {"echo", "--cron", "0.2", "-C", "hbconn"});
  bool repeated = process->wait_for(
      [](const std::string& out, const std::string&) { return stoq_test::count_documents(out) >= 2; }, 30s);
  EXPECT_TRUE(repeated) << process->out() << process->err();
  process->send(SIGINT);
  CliResult result = process->finish(20s);
  EXPECT_FALSE(result.timed_out) << result.describe();
  EXPECT_EQ(result.exit_code, 0) << result.describe();
  std::vector<OJson> docs = stoq_test::parse_json_stream(result.out);
  EXPECT_GE(docs.size(), 2U);
  std::vector<OJson> markers;
  for (const fs::path& file : stoq_test::files_under(env.results_dir()))
    markers.push_back(OJson::parse(stoq_test::read_file(file)));
  ASSERT_EQ(markers.size(), 1U);
  EXPECT_EQ(markers[0]["saves"], static_cast<int>(docs.size()));
}

// The watched directory disappearing mid-run is a source failure: exit 1, and the
// message names the directory.
TEST(DirmonErrors, WatchedDirectoryRemovedStopsTheRun) {
  StoqEnv env;
  std::string dir = env.home().mkdir("watched");
  auto process = start(env, {"hash", "-I", "dirmon", "-F", dir});
  bool live = false;
  auto deadline = Clock::now() + 30s;
  for (int probe = 0; !live && Clock::now() < deadline; ++probe) {
    env.home().write("watched/probe-" + std::to_string(probe), "probe");
    live = process->wait_for(
        [](const std::string& out, const std::string&) { return stoq_test::count_documents(out) > 0; }, 300ms);
  }
  ASSERT_TRUE(live) << process->err();
  fs::remove_all(dir);
  CliResult result = process->finish(20s);
  EXPECT_FALSE(result.timed_out) << result.describe();
  EXPECT_EQ(result.exit_code, 1) << result.describe();
  EXPECT_TRUE(contains(result.err, dir)) << result.describe();
  EXPECT_NO_THROW(stoq_test::parse_json_stream(result.out));
}

}  // namespace

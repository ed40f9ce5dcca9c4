// The yara worker's heartbeat (reload_interval): changed rules are reloaded between
// scans, scans never fail during a reload, and rules that stop compiling leave the
// loaded ones in use.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "stoq/testing.hpp"
#include "yara_test_util.hpp"

namespace {

namespace fs = std::filesystem;
using stoq::Json;
using stoq::testing::TempDir;
using yara_test::rule_names;
using yara_test::Scanner;

constexpr std::string_view kPayload = "alpha beta gamma";

std::string rule_matching(const std::string& name, const std::string& text) {
  return "rule " + name + " { strings: $a = \"" + text + "\" condition: $a }\n";
}

/// Rewrites `path` and moves its modification time `seconds` on, so the change is seen
/// even when the file system's timestamps are coarse.
void rewrite(const std::string& path, const std::string& text, int seconds) {
  {
    std::ofstream out(path, std::ios::trunc);
    out << text;
  }
  fs::last_write_time(path, fs::last_write_time(path) + std::chrono::seconds(seconds));
}

/// Scans until the matched rule names equal `expected` (true) or 15 s pass (false).
bool eventually_matches(Scanner& scanner, const std::vector<std::string>& expected) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
  while (std::chrono::steady_clock::now() < deadline) {
    if (rule_names(scanner.scan(kPayload)) == expected) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

/// Runs the worker's heartbeat on its own thread, as the framework does.
class Heartbeat {
 public:
  explicit Heartbeat(Scanner& scanner) : scanner_(scanner), thread_([&scanner] { scanner.worker().heartbeat(); }) {}
  ~Heartbeat() {
    scanner_.harness().stop();
    thread_.join();
  }
  Heartbeat(const Heartbeat&) = delete;
  Heartbeat& operator=(const Heartbeat&) = delete;

 private:
  Scanner& scanner_;
  std::thread thread_;
};

TEST(YaraReload, ChangedRulesAreUsedFromTheNextScans) {
  TempDir dir;
  std::string rules = dir.write("rules.yar", rule_matching("first", "alpha"));
  Scanner scanner(rules, {{"reload_interval", "1"}});
  ASSERT_TRUE(scanner.worker().wants_heartbeat());
  EXPECT_EQ(rule_names(scanner.scan(kPayload)), std::vector<std::string>{"first"});
  Heartbeat heartbeat(scanner);
  rewrite(rules, rule_matching("second", "beta") + rule_matching("third", "gamma"), 2);
  EXPECT_TRUE(eventually_matches(scanner, {"second", "third"}));
}

TEST(YaraReload, RulesThatNoLongerCompileKeepTheLoadedOnes) {
  TempDir dir;
  std::string rules = dir.write("rules.yar", rule_matching("first", "alpha"));
  Scanner scanner(rules, {{"reload_interval", "1"}});
  Heartbeat heartbeat(scanner);
  rewrite(rules, "rule broken { condition: ", 2);
  std::this_thread::sleep_for(std::chrono::milliseconds(2500));  // two heartbeats saw it
  EXPECT_EQ(rule_names(scanner.scan(kPayload)), std::vector<std::string>{"first"});
  // Fixed again: picked up.
  rewrite(rules, rule_matching("fixed", "gamma"), 4);
  EXPECT_TRUE(eventually_matches(scanner, {"fixed"}));
}

TEST(YaraReload, ScansDuringReloadsNeverFail) {
  TempDir dir;
  std::string rules = dir.write("rules.yar", rule_matching("r0", "alpha"));
  Scanner scanner(rules, {{"reload_interval", "1"}});
  std::atomic<bool> done{false};
  std::atomic<int> scans{0};
  std::vector<std::string> failures;
  std::thread scanning([&] {
    while (!done.load()) {
      try {
        auto names = rule_names(scanner.scan(kPayload));
        if (names.size() != 1) failures.push_back("matched " + std::to_string(names.size()) + " rules");
      } catch (const std::exception& e) {
        failures.emplace_back(e.what());
      }
      ++scans;
    }
  });
  {
    Heartbeat heartbeat(scanner);
    for (int round = 1; round <= 3; ++round) {
      rewrite(rules, rule_matching("r" + std::to_string(round), round % 2 == 0 ? "alpha" : "beta"), 2 * round);
      std::this_thread::sleep_for(std::chrono::milliseconds(1300));
    }
  }
  done = true;
  scanning.join();
  EXPECT_TRUE(failures.empty()) << failures.front();
  EXPECT_GT(scans.load(), 10);
  EXPECT_EQ(rule_names(scanner.scan(kPayload)), std::vector<std::string>{"r3"});
}

TEST(YaraReload, ZeroIntervalMeansNoHeartbeat) {
  TempDir dir;
  Scanner scanner(dir.write("rules.yar", rule_matching("first", "alpha")), {{"reload_interval", "0"}});
  EXPECT_FALSE(scanner.worker().wants_heartbeat());
  EXPECT_THROW(Scanner(dir.path("rules.yar"), {{"reload_interval", "-1"}}), stoq::Error);
}

}  // namespace

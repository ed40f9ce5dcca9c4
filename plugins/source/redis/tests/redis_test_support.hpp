// What the redis plugin tests share: the real server on 127.0.0.1:6379 and redis-cli as
// the independent oracle (to push messages and inspect lists), a random key prefix per
// test whose keys are deleted afterwards, and polling with a generous deadline.
#pragma once

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "refusing_port.hpp"
#include "stoq/testing.hpp"

namespace redis_test {

inline constexpr int kPort = 6379;

/// redis-cli <args> against the test server; its stdout (--raw: one line per value).
inline std::string cli(const std::vector<std::string>& args, int* status = nullptr) {
  std::string command = "redis-cli -h 127.0.0.1 -p " + std::to_string(kPort) + " --raw";
  for (const std::string& arg : args) command += " " + stoq::testing::shell_quote(arg);
  return stoq::testing::run_command(command + " 2>&1", status);
}

/// The lines redis-cli printed (a list's elements, one per line: the tests' messages
/// are one-line JSON).
inline std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) lines.push_back(line);
  }
  return lines;
}

inline std::vector<std::string> list(const std::string& key) { return lines_of(cli({"LRANGE", key, "0", "-1"})); }

inline long long length(const std::string& key) {
  std::string text = cli({"LLEN", key});
  try {
    return std::stoll(text);
  } catch (const std::exception&) {
    ADD_FAILURE() << "LLEN " << key << ": " << text;
    return -1;
  }
}

/// Keys matching a glob pattern (SCAN through redis-cli).
inline std::vector<std::string> keys(const std::string& pattern) {
  return lines_of(cli({"--scan", "--pattern", pattern}));
}

inline bool server_up() {
  if (stoq::testing::find_tool("redis-cli").empty()) return false;
  int status = -1;
  return cli({"PING"}, &status) == "PONG\n" && status == 0;
}

// In a test body: skip (or fail under STOQ_REQUIRE_ORACLES=1) without the server.
#define REDIS_REQUIRED()                                                                             \
  do {                                                                                               \
    if (!::redis_test::server_up())                                                                  \
      STOQ_MISSING("no Redis server on 127.0.0.1:6379 (or no redis-cli): `redis-cli -p 6379 ping`"); \
  } while (0)

/// A random key prefix ("stoq-test-<hex>:"); every key under it is deleted at the end.
class KeySpace {
 public:
  KeySpace() {
    std::random_device random;
    std::ostringstream text;
    text << "stoq-test-" << std::hex << random() << random() << ":";
    prefix_ = text.str();
  }
  ~KeySpace() {
    for (const std::string& key : keys(prefix_ + "*")) cli({"DEL", key});
  }
  KeySpace(const KeySpace&) = delete;
  KeySpace& operator=(const KeySpace&) = delete;
  [[nodiscard]] std::string key(const std::string& name) const { return prefix_ + name; }
  [[nodiscard]] const std::string& prefix() const { return prefix_; }

 private:
  std::string prefix_;
};

/// Polls until `ready` or a generous deadline; the assertion is on `ready`, not on time.
template <typename Predicate>
bool eventually(Predicate ready, std::chrono::seconds limit = std::chrono::seconds(30)) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (!ready()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return true;
}

using stoq_test::RefusingPort;

/// Closes, server side, every connection whose CLIENT SETNAME name contains `part`
/// (the plugins name theirs after the process id); how many it closed.
inline int kill_clients_named(const std::string& part) {
  int killed = 0;
  for (const std::string& line : lines_of(cli({"CLIENT", "LIST"}))) {
    auto name_at = line.find(" name=");
    auto id_at = line.find("id=");
    if (name_at == std::string::npos || id_at != 0) continue;
    std::string name = line.substr(name_at + 6, line.find(' ', name_at + 6) - (name_at + 6));
    if (name.find(part) == std::string::npos) continue;
    std::string id = line.substr(3, line.find(' ') - 3);
    if (cli({"CLIENT", "KILL", "ID", id}) == "1\n") ++killed;
  }
  return killed;
}

}  // namespace redis_test

// What the postgres connector tests share: the real server on 127.0.0.1:5432 with psql
// as the independent oracle, tables with a random suffix dropped afterwards, and a TCP
// proxy to the server that a test can take away (a server gone mid-run).
#pragma once

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "sql_test_support.hpp"
#include "stoq/testing.hpp"

namespace postgres_test {

inline constexpr char kPassword[] = "stoq";
/// The test server, password included (for psql and harness overrides).
inline constexpr char kUrl[] = "postgresql://stoq:stoq@127.0.0.1:5432/stoq";
/// The same without the password (given through password_env instead).
inline constexpr char kUrlWithoutPassword[] = "postgresql://stoq@127.0.0.1:5432/stoq";

/// psql -AtX: unaligned, tuples only, no psqlrc; what it printed (stdout and stderr).
inline std::string psql(const std::string& sql, int* status = nullptr) {
  return stoq::testing::run_command("psql " + stoq::testing::shell_quote(kUrl) + " -AtX -v ON_ERROR_STOP=1 -c " +
                                        stoq::testing::shell_quote(sql) + " 2>&1",
                                    status);
}

inline bool server_up() {
  if (stoq::testing::find_tool("psql").empty()) return false;
  int status = -1;
  return psql("SELECT 1", &status) == "1\n" && status == 0;
}

// In a test body: skip (or fail under STOQ_REQUIRE_ORACLES=1) without the server.
#define POSTGRES_REQUIRED()                                                                     \
  do {                                                                                          \
    if (!::postgres_test::server_up())                                                          \
      STOQ_MISSING("no PostgreSQL on 127.0.0.1:5432 (user/password/db stoq) or no psql: `psql " \
                   << ::postgres_test::kUrl << " -c 'select 1'`");                              \
  } while (0)

/// A results and an archive table name unique to this test; both (and the trigger
/// function refuse_function()) are dropped at the end.
class Tables {
 public:
  Tables() : suffix_(sql_test::random_suffix()) {}
  ~Tables() {
    psql("DROP TABLE IF EXISTS " + results() + ", " + archive() + " CASCADE; DROP FUNCTION IF EXISTS " +
         refuse_function() + "() CASCADE");
  }
  Tables(const Tables&) = delete;
  Tables& operator=(const Tables&) = delete;
  [[nodiscard]] std::string results() const { return "t_" + suffix_ + "_results"; }
  [[nodiscard]] std::string archive() const { return "t_" + suffix_ + "_archive"; }
  [[nodiscard]] std::string refuse_function() const { return "t_" + suffix_ + "_refuse"; }
  /// --plugin-opt values / harness overrides naming these tables.
  [[nodiscard]] std::vector<std::pair<std::string, std::string>> overrides() const {
    return {{"results_table", results()}, {"archive_table", archive()}};
  }
  /// A trigger on the results table that makes the server refuse the row of `sha1`.
  void refuse_sha1(const std::string& sha1) const {
    std::string out = psql("CREATE FUNCTION " + refuse_function() +
                           "() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF NEW.sha1 = '" + sha1 +
                           "' THEN RAISE EXCEPTION 'refused by the test'; END IF; RETURN NEW; END $$;"
                           " CREATE TRIGGER refuse BEFORE INSERT ON " +
                           results() + " FOR EACH ROW EXECUTE FUNCTION " + refuse_function() + "()");
    EXPECT_EQ(out, "CREATE FUNCTION\nCREATE TRIGGER\n");
  }

 private:
  std::string suffix_;
};

/// Closes, server side, the connections whose application_name is `name`; how many.
inline int terminate_connections(const std::string& name) {
  std::string out =
      psql("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = '" + name + "'");
  try {
    return std::stoi(out);
  } catch (const std::exception&) {
    ADD_FAILURE() << out;
    return -1;
  }
}

/// Forwards connections to 127.0.0.1:<target_port> from a port of its own until
/// take_away(): then every connection is closed and the port refuses new ones.
class TcpProxy {
 public:
  explicit TcpProxy(int target_port)
      : target_port_(target_port), listener_(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) {
    sockaddr_in address = loopback(0);
    socklen_t size = sizeof(address);
    if (listener_ < 0 || ::bind(listener_, reinterpret_cast<sockaddr*>(&address), size) != 0 ||
        ::listen(listener_, 16) != 0 || ::getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &size) != 0) {
      ADD_FAILURE() << "cannot listen on a local port";
      return;
    }
    port_ = ntohs(address.sin_port);
    thread_ = std::thread([this] { run(); });
  }
  ~TcpProxy() { take_away(); }
  TcpProxy(const TcpProxy&) = delete;
  TcpProxy& operator=(const TcpProxy&) = delete;

  [[nodiscard]] int port() const { return port_; }
  void take_away() {
    stopping_ = true;
    if (thread_.joinable()) thread_.join();
    if (listener_ >= 0) ::close(listener_);
    listener_ = -1;
  }

 private:
  static sockaddr_in loopback(int port) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = htons(static_cast<std::uint16_t>(port));
    return address;
  }

  // Copies what is readable on `from` to `to`; false when `from` is done.
  static bool forward(int from, int to) {
    char buffer[65536];
    ssize_t length = ::read(from, buffer, sizeof(buffer));
    if (length <= 0) return false;
    for (ssize_t sent = 0; sent < length;) {
      ssize_t wrote = ::send(to, buffer + sent, static_cast<std::size_t>(length - sent), MSG_NOSIGNAL);
      if (wrote <= 0) return false;
      sent += wrote;
    }
    return true;
  }

  void run() {
    std::vector<std::pair<int, int>> pairs;  // client, server
    while (!stopping_) {
      std::vector<pollfd> fds{{listener_, POLLIN, 0}};
      for (const auto& [client, server] : pairs) {
        fds.push_back({client, POLLIN, 0});
        fds.push_back({server, POLLIN, 0});
      }
      if (::poll(fds.data(), fds.size(), 50) <= 0) continue;
      const std::size_t polled = pairs.size();  // a pair accepted below has no entry in fds yet
      if ((fds[0].revents & POLLIN) != 0) {
        int client = ::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
        int server = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in target = loopback(target_port_);
        if (client >= 0 && server >= 0 &&
            ::connect(server, reinterpret_cast<sockaddr*>(&target), sizeof(target)) == 0) {
          pairs.emplace_back(client, server);
        } else {
          if (client >= 0) ::close(client);
          if (server >= 0) ::close(server);
        }
      }
      std::vector<std::pair<int, int>> open;
      for (std::size_t i = 0; i < pairs.size(); ++i) {
        if (i >= polled) {  // not polled yet: keep it for the next round
          open.push_back(pairs[i]);
          continue;
        }
        auto [client, server] = pairs[i];
        short client_events = fds[1 + 2 * i].revents;
        short server_events = fds[2 + 2 * i].revents;
        bool alive = (client_events == 0 || forward(client, server)) && (server_events == 0 || forward(server, client));
        if (alive) {
          open.emplace_back(client, server);
        } else {
          ::close(client);
          ::close(server);
        }
      }
      pairs = std::move(open);
    }
    for (const auto& [client, server] : pairs) {
      ::close(client);
      ::close(server);
    }
  }

  int target_port_;
  int listener_ = -1;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace postgres_test

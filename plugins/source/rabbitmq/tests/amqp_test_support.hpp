// What the rabbitmq tests share: a broker on 127.0.0.1:5672 (scripts/services.sh), a
// queue name of their own, inputs published with the plugin's client, and the
// broker's contents read back with amqp-tools (amqp-get), which does not use our code.
#pragma once

#include <gtest/gtest.h>

#include <optional>
#include <random>
#include <string>
#include <vector>

#include "amqp_client.hpp"
#include "run_cli.hpp"

namespace stoq_test::amqp {

inline stoq::plugins::rabbitmq::AmqpSettings local_broker() { return {}; }

/// Skips (or fails in CI) when no broker answers on 127.0.0.1:5672 or amqp-get is missing.
#define STOQ_NEED_BROKER()                                                                                          \
  do {                                                                                                              \
    STOQ_NEED_TOOL("amqp-get");                                                                                     \
    if (!::stoq_test::amqp::broker_answers()) STOQ_MISSING("no RabbitMQ on 127.0.0.1:5672 (make test starts one)"); \
  } while (0)

inline bool broker_answers() {
  try {
    stoq::plugins::rabbitmq::AmqpClient client(local_broker());
    client.connect();
    return true;
  } catch (const std::exception&) {
    return false;
  }
}

inline std::string unique_queue(const std::string& stem) {
  std::random_device random;
  return "test-" + stem + "-" + std::to_string(random() % 1000000000U);
}

/// Publishes each body to `queue` (declared as the plugins declare it), confirmed.
inline void publish(const std::string& queue, const std::vector<std::string>& bodies, int priority = 0) {
  stoq::plugins::rabbitmq::AmqpClient client(local_broker());
  client.connect();
  client.enable_confirms();
  for (const std::string& body : bodies) client.publish(queue, body, priority);
}

/// Takes one message off `queue` with amqp-get; nullopt when it is empty.
inline std::optional<std::string> take_one(const std::string& queue) {
  CliProcess process(stoq::testing::find_tool("amqp-get"), {"-q", queue});
  CliResult result = process.finish(std::chrono::seconds(20));
  if (result.exit_code != 0) return std::nullopt;
  return result.out;
}

/// Every message left on `queue`, emptying it.
inline std::vector<std::string> drain(const std::string& queue) {
  std::vector<std::string> bodies;
  while (std::optional<std::string> body = take_one(queue)) bodies.push_back(*body);
  return bodies;
}

/// Deletes the queues a test made (no error when absent).
inline void delete_queues(const std::vector<std::string>& queues) {
  for (const std::string& queue : queues) {
    CliProcess process(stoq::testing::find_tool("amqp-delete-queue"), {"-q", queue});
    (void)process.finish(std::chrono::seconds(20));
  }
}

}  // namespace stoq_test::amqp

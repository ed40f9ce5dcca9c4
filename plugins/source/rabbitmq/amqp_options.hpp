// The option tables of the rabbitmq source and connector: the connection options both
// take (the original rabbitmq.stoq's names and meanings, plus url, *_env, heartbeat and
// connect_timeout), and each plugin's own.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>

#include "stoq/abi.h"

namespace stoq::plugins::rabbitmq {

inline constexpr std::array<stoq_option_spec, 19> kConnectionOptions = {{
    {"url", STOQ_OPTION_STRING, "",
     "amqp://user:password@host:port/vhost (amqps:// for TLS); overrides host, port, user, password, virtual_host.", 0},
    {"url_env", STOQ_OPTION_STRING, "STOQ_RABBITMQ_URL", "Environment variable that, when set, gives url.", 0},
    {"host", STOQ_OPTION_STRING, "127.0.0.1", "Host of the RabbitMQ server.", 0},
    {"port", STOQ_OPTION_INT, "5672", "AMQP port of the RabbitMQ server.", 0},
    {"user", STOQ_OPTION_STRING, "guest", "RabbitMQ user name.", 0},
    {"password", STOQ_OPTION_STRING, "guest", "RabbitMQ password (prefer password_env).", 0},
    {"password_env", STOQ_OPTION_STRING, "STOQ_RABBITMQ_PASSWORD",
     "Environment variable that, when set, gives the password.", 0},
    {"virtual_host", STOQ_OPTION_STRING, "/", "RabbitMQ virtual host.", 0},
    {"exchange_name", STOQ_OPTION_STRING, "stoq", "Exchange the queues are bound to (declared durable).", 0},
    {"exchange_type", STOQ_OPTION_STRING, "direct", "Type of that exchange.", 0},
    {"retries", STOQ_OPTION_INT, "5",
     "Attempts to publish a message (to a queue or the error queue), with backoff, before giving up.", 0},
    {"heartbeat", STOQ_OPTION_INT, "60", "AMQP heartbeat in seconds (0: none); a dead broker is noticed after 2.", 0},
    {"connect_timeout", STOQ_OPTION_INT, "5", "Seconds to connect, and to wait for any broker reply.", 0},
    {"use_ssl", STOQ_OPTION_BOOL, "False", "Connect with TLS.", 0},
    {"ca_certs", STOQ_OPTION_STRING, "", "CA certificates (PEM) to verify the broker with.", 0},
    {"keyfile", STOQ_OPTION_STRING, "", "Private key (PEM) of the client certificate.", 0},
    {"certfile", STOQ_OPTION_STRING, "", "Client certificate (PEM).", 0},
    {"cert_reqs", STOQ_OPTION_BOOL, "False", "Verify the broker's certificate and host name.", 0},
    {"user_env", STOQ_OPTION_STRING, "", "Environment variable that, when set, gives the user name.", 0},
}};

template <std::size_t N>
constexpr std::array<stoq_option_spec, kConnectionOptions.size() + N> with_connection_options(
    const std::array<stoq_option_spec, N>& own) {
  std::array<stoq_option_spec, kConnectionOptions.size() + N> all{};
  std::copy(kConnectionOptions.begin(), kConnectionOptions.end(), all.begin());
  std::copy(own.begin(), own.end(), all.begin() + kConnectionOptions.size());
  return all;
}

}  // namespace stoq::plugins::rabbitmq

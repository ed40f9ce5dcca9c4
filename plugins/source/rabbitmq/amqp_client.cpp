#include "amqp_client.hpp"

#include <amqp_ssl_socket.h>
#include <amqp_tcp_socket.h>
#include <sys/time.h>

#include <cstring>
#include <vector>

#include "queue_support.hpp"
#include "stoq/error.hpp"

namespace stoq::plugins::rabbitmq {
namespace {

constexpr amqp_channel_t kChannel = 1;
constexpr int kFrameMax = 131072;
constexpr int kMaxPriority = 10;

timeval to_timeval(std::chrono::milliseconds duration) {
  timeval value{};
  value.tv_sec = static_cast<time_t>(duration.count() / 1000);
  value.tv_usec = static_cast<suseconds_t>((duration.count() % 1000) * 1000);
  return value;
}

amqp_bytes_t bytes_of(const std::string& text) {
  amqp_bytes_t bytes;
  bytes.len = text.size();
  bytes.bytes = const_cast<char*>(text.data());  // NOLINT(cppcoreguidelines-pro-type-const-cast): rabbitmq-c reads only
  return bytes;
}

std::string text_of(amqp_bytes_t bytes) {
  return bytes.len == 0 ? std::string() : std::string(static_cast<const char*>(bytes.bytes), bytes.len);
}

// The broker's reason for closing, from a connection.close or channel.close method.
std::string close_reason(const amqp_method_t& method) {
  if (method.id == AMQP_CONNECTION_CLOSE_METHOD) {
    const auto* close = static_cast<const amqp_connection_close_t*>(method.decoded);
    return "the broker closed the connection: " + std::to_string(close->reply_code) + " " + text_of(close->reply_text);
  }
  if (method.id == AMQP_CHANNEL_CLOSE_METHOD) {
    const auto* close = static_cast<const amqp_channel_close_t*>(method.decoded);
    return "the broker closed the channel: " + std::to_string(close->reply_code) + " " + text_of(close->reply_text);
  }
  return "unexpected AMQP method " + std::string(amqp_method_name(method.id));
}

}  // namespace

AmqpSettings AmqpSettings::from_options(const Options& options) {
  AmqpSettings settings;
  settings.host = options.get_string("host");
  settings.port = static_cast<int>(options.get_int("port"));
  settings.user = queue_support::secret(options, "user");
  settings.password = queue_support::secret(options, "password");
  settings.virtual_host = options.get_string("virtual_host");
  if (std::string url = queue_support::secret(options, "url"); !url.empty()) {
    std::vector<char> buffer(url.begin(), url.end());
    buffer.push_back('\0');
    amqp_connection_info info{};
    if (amqp_parse_url(buffer.data(), &info) != AMQP_STATUS_OK) {
      throw Error("url is not an AMQP URL (amqp://user:password@host:port/vhost): " + queue_support::redact_url(url));
    }
    settings.host = info.host;
    settings.port = info.port;
    settings.user = info.user;
    settings.password = info.password;
    settings.virtual_host = info.vhost;
    settings.use_ssl = info.ssl != 0;
  }
  if (settings.port <= 0 || settings.port > 65535) throw Error("port must be 1..65535");
  settings.exchange_name = options.get_string("exchange_name");
  settings.exchange_type = options.get_string("exchange_type");
  settings.heartbeat_seconds = static_cast<int>(options.get_int("heartbeat"));
  if (settings.heartbeat_seconds < 0 || settings.heartbeat_seconds > 3600) {
    throw Error("heartbeat must be 0..3600 seconds");
  }
  std::int64_t timeout = options.get_int("connect_timeout");
  if (timeout < 1 || timeout > 600) throw Error("connect_timeout must be 1..600 seconds");
  settings.connect_timeout = std::chrono::seconds(timeout);
  settings.use_ssl = settings.use_ssl || options.get_bool("use_ssl");
  settings.ca_certs = options.get_string("ca_certs");
  settings.keyfile = options.get_string("keyfile");
  settings.certfile = options.get_string("certfile");
  settings.verify_peer = options.get_bool("cert_reqs");
  return settings;
}

std::string AmqpSettings::where() const {
  return host + ":" + std::to_string(port) + (virtual_host == "/" ? "/" : "/" + virtual_host);
}

void AmqpClient::connect() {
  close();
  connection_ = amqp_new_connection();
  if (connection_ == nullptr) throw Error("out of memory");
  declared_.clear();
  confirms_ = false;
  amqp_socket_t* socket = nullptr;
  if (settings_.use_ssl) {
    socket = amqp_ssl_socket_new(connection_);
    if (socket == nullptr) {
      close();
      throw Error("cannot create a TLS socket");
    }
    if (!settings_.ca_certs.empty()) {
      check_status("reading ca_certs " + settings_.ca_certs,
                   amqp_ssl_socket_set_cacert(socket, settings_.ca_certs.c_str()));
    }
    if (!settings_.certfile.empty()) {
      check_status("reading certfile/keyfile",
                   amqp_ssl_socket_set_key(socket, settings_.certfile.c_str(), settings_.keyfile.c_str()));
    }
    amqp_ssl_socket_set_verify_peer(socket, settings_.verify_peer ? 1 : 0);
    amqp_ssl_socket_set_verify_hostname(socket, settings_.verify_peer ? 1 : 0);
  } else {
    socket = amqp_tcp_socket_new(connection_);
    if (socket == nullptr) {
      close();
      throw Error("cannot create a socket");
    }
  }
  timeval timeout = to_timeval(settings_.connect_timeout);
  int status = amqp_socket_open_noblock(socket, settings_.host.c_str(), settings_.port, &timeout);
  if (status != AMQP_STATUS_OK) {
    close();
    throw Error("cannot connect to " + settings_.where() + ": " + amqp_error_string2(status));
  }
  amqp_set_rpc_timeout(connection_, &timeout);
  amqp_rpc_reply_t reply =
      amqp_login(connection_, settings_.virtual_host.c_str(), 0, kFrameMax, settings_.heartbeat_seconds,
                 AMQP_SASL_METHOD_PLAIN, settings_.user.c_str(), settings_.password.c_str());
  if (reply.reply_type != AMQP_RESPONSE_NORMAL) fail("cannot log in as " + settings_.user, reply);
  amqp_channel_open(connection_, kChannel);
  check_reply("cannot open a channel");
  amqp_exchange_declare(connection_, kChannel, bytes_of(settings_.exchange_name), bytes_of(settings_.exchange_type), 0,
                        1, 0, 0, amqp_empty_table);
  check_reply("cannot declare exchange " + settings_.exchange_name);
}

void AmqpClient::close() {
  if (connection_ == nullptr) return;
  amqp_destroy_connection(connection_);  // closes the socket; the broker requeues what was not acked
  connection_ = nullptr;
}

void AmqpClient::declare_queue(const std::string& queue) {
  if (declared_.contains(queue)) return;
  amqp_table_entry_t priority;
  priority.key = amqp_cstring_bytes("x-max-priority");
  priority.value.kind = AMQP_FIELD_KIND_I32;
  priority.value.value.i32 = kMaxPriority;
  amqp_table_t arguments{1, &priority};
  amqp_queue_declare(connection_, kChannel, bytes_of(queue), 0, 1, 0, 0, arguments);
  check_reply("cannot declare queue " + queue);
  amqp_queue_bind(connection_, kChannel, bytes_of(queue), bytes_of(settings_.exchange_name), bytes_of(queue),
                  amqp_empty_table);
  check_reply("cannot bind queue " + queue + " to exchange " + settings_.exchange_name);
  declared_.insert(queue);
}

void AmqpClient::consume(const std::string& queue, int prefetch) {
  declare_queue(queue);
  amqp_basic_qos(connection_, kChannel, 0, static_cast<std::uint16_t>(prefetch), 0);
  check_reply("cannot set the prefetch count");
  amqp_basic_consume(connection_, kChannel, bytes_of(queue), amqp_empty_bytes, 0, 0, 0, amqp_empty_table);
  check_reply("cannot consume queue " + queue);
}

std::optional<Delivery> AmqpClient::next_delivery(std::chrono::milliseconds timeout) {
  amqp_maybe_release_buffers(connection_);
  amqp_envelope_t envelope{};
  timeval wait = to_timeval(timeout);
  amqp_rpc_reply_t reply = amqp_consume_message(connection_, &envelope, &wait, 0);
  if (reply.reply_type == AMQP_RESPONSE_NORMAL) {
    Delivery delivery{envelope.delivery_tag, envelope.redelivered != 0, text_of(envelope.message.body)};
    amqp_destroy_envelope(&envelope);
    return delivery;
  }
  if (reply.reply_type == AMQP_RESPONSE_LIBRARY_EXCEPTION && reply.library_error == AMQP_STATUS_TIMEOUT) {
    return std::nullopt;
  }
  if (reply.reply_type == AMQP_RESPONSE_LIBRARY_EXCEPTION && reply.library_error == AMQP_STATUS_UNEXPECTED_STATE) {
    // Something other than a delivery: read it. A close or a cancelled consumer (the queue
    // was deleted) ends this connection; anything else is of no interest here.
    amqp_frame_t frame{};
    int status = amqp_simple_wait_frame_noblock(connection_, &frame, &wait);
    if (status == AMQP_STATUS_TIMEOUT) return std::nullopt;
    check_status("reading from the broker", status);
    if (frame.frame_type == AMQP_FRAME_METHOD) {
      amqp_method_number_t id = frame.payload.method.id;
      if (id == AMQP_CONNECTION_CLOSE_METHOD || id == AMQP_CHANNEL_CLOSE_METHOD) {
        std::string reason = close_reason(frame.payload.method);
        close();
        throw Error(settings_.where() + ": " + reason);
      }
      if (id == AMQP_BASIC_CANCEL_METHOD) {
        close();
        throw Error(settings_.where() + ": the broker cancelled the consumer (queue deleted?)");
      }
    }
    return std::nullopt;
  }
  fail("cannot receive", reply);
}

void AmqpClient::ack(std::uint64_t tag) {
  check_status("cannot acknowledge", amqp_basic_ack(connection_, kChannel, tag, 0));
}

void AmqpClient::reject(std::uint64_t tag, bool requeue) {
  check_status("cannot reject", amqp_basic_reject(connection_, kChannel, tag, requeue ? 1 : 0));
}

void AmqpClient::enable_confirms() {
  amqp_confirm_select(connection_, kChannel);
  check_reply("cannot enable publisher confirms");
  confirms_ = true;
  next_publish_tag_ = 1;
}

void AmqpClient::publish(const std::string& queue, const std::string& body, int priority) {
  declare_queue(queue);
  amqp_basic_properties_t properties{};
  properties._flags = AMQP_BASIC_CONTENT_TYPE_FLAG | AMQP_BASIC_DELIVERY_MODE_FLAG | AMQP_BASIC_PRIORITY_FLAG;
  properties.content_type = amqp_cstring_bytes("application/json");
  properties.delivery_mode = AMQP_DELIVERY_PERSISTENT;  // survives a broker restart
  properties.priority = static_cast<std::uint8_t>(std::clamp(priority, 0, kMaxPriority));
  int status = amqp_basic_publish(connection_, kChannel, bytes_of(settings_.exchange_name), bytes_of(queue),
                                  /*mandatory=*/1, /*immediate=*/0, &properties, bytes_of(body));
  check_status("cannot publish to " + queue, status);
  if (confirms_) wait_for_confirm();
}

// Publisher confirms: the broker acks each publication (tags count from 1 after
// confirm.select) once it is routed and, for persistent messages, written. A
// basic.return (unroutable) comes before that ack.
void AmqpClient::wait_for_confirm() {
  std::uint64_t tag = next_publish_tag_++;
  bool returned = false;
  for (;;) {
    amqp_frame_t frame{};
    timeval wait = to_timeval(settings_.connect_timeout);
    int status = amqp_simple_wait_frame_noblock(connection_, &frame, &wait);
    if (status == AMQP_STATUS_TIMEOUT) {
      close();
      throw Error(settings_.where() + ": no publisher confirm within " +
                  std::to_string(settings_.connect_timeout.count()) + " s");
    }
    check_status("waiting for a publisher confirm", status);
    if (frame.frame_type != AMQP_FRAME_METHOD) continue;
    const amqp_method_t& method = frame.payload.method;
    if (method.id == AMQP_BASIC_RETURN_METHOD) {
      amqp_message_t message{};
      amqp_rpc_reply_t reply = amqp_read_message(connection_, frame.channel, &message, 0);
      if (reply.reply_type != AMQP_RESPONSE_NORMAL) fail("reading a returned message", reply);
      amqp_destroy_message(&message);
      returned = true;
    } else if (method.id == AMQP_BASIC_ACK_METHOD) {
      const auto* confirmed = static_cast<const amqp_basic_ack_t*>(method.decoded);
      if (confirmed->delivery_tag == tag || (confirmed->multiple != 0 && confirmed->delivery_tag >= tag)) {
        if (returned) throw Error("the broker could not route the message (no queue bound)");
        return;
      }
    } else if (method.id == AMQP_BASIC_NACK_METHOD) {
      const auto* refused = static_cast<const amqp_basic_nack_t*>(method.decoded);
      if (refused->delivery_tag == tag || (refused->multiple != 0 && refused->delivery_tag >= tag)) {
        throw Error("the broker refused the message (basic.nack)");
      }
    } else if (method.id == AMQP_CONNECTION_CLOSE_METHOD || method.id == AMQP_CHANNEL_CLOSE_METHOD) {
      std::string reason = close_reason(method);
      close();
      throw Error(settings_.where() + ": " + reason);
    }
  }
}

void AmqpClient::fail(const std::string& what, const amqp_rpc_reply_t& reply) {
  std::string reason;
  switch (reply.reply_type) {
    case AMQP_RESPONSE_LIBRARY_EXCEPTION: reason = amqp_error_string2(reply.library_error); break;
    case AMQP_RESPONSE_SERVER_EXCEPTION: reason = close_reason(reply.reply); break;
    case AMQP_RESPONSE_NONE: reason = "no reply"; break;
    case AMQP_RESPONSE_NORMAL: reason = "unexpected reply"; break;
  }
  close();
  throw Error(settings_.where() + ": " + what + ": " + reason);
}

void AmqpClient::check_reply(const std::string& what) {
  amqp_rpc_reply_t reply = amqp_get_rpc_reply(connection_);
  if (reply.reply_type != AMQP_RESPONSE_NORMAL) fail(what, reply);
}

void AmqpClient::check_status(const std::string& what, int status) {
  if (status == AMQP_STATUS_OK) return;
  close();
  throw Error(settings_.where() + ": " + what + ": " + amqp_error_string2(status));
}

}  // namespace stoq::plugins::rabbitmq

namespace stoq::plugins::rabbitmq {

void ConfirmedPublisher::publish(Stoq& stoq, const Logger& log, const std::string& queue, const std::string& body,
                                 int priority) {
  queue_support::Backoff backoff;
  for (int attempt = 1;; ++attempt) {
    try {
      if (!client_.connected()) {
        client_.connect();
        client_.enable_confirms();
      }
      client_.publish(queue, body, priority);
      return;
    } catch (const Error& error) {
      client_.close();
      if (attempt >= retries_) throw;
      log.warn(std::string("publishing to ") + queue + " failed (" + error.what() + "); attempt " +
               std::to_string(attempt + 1) + " of " + std::to_string(retries_) + " in " +
               std::to_string(backoff.next_delay().count()) + " ms");
      if (!backoff.wait(stoq)) throw;
    }
  }
}

}  // namespace stoq::plugins::rabbitmq

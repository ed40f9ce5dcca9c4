#include "kafka_client.hpp"

#include <algorithm>
#include <thread>

#include "queue_support.hpp"

namespace stoq::plugins::kafka {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

std::string trimmed(const std::string& text) {
  auto first = text.find_first_not_of(" \t");
  if (first == std::string::npos) return {};
  return text.substr(first, text.find_last_not_of(" \t") - first + 1);
}

// A librdkafka text on one line (an error message must be one line).
std::string single_line(std::string text) {
  std::replace_if(
      text.begin(), text.end(), [](char c) { return c == '\n' || c == '\r'; }, ' ');
  return text;
}

std::int64_t int_in_range(const Options& options, const char* name, std::int64_t low, std::int64_t high) {
  std::int64_t value = options.get_int(name);
  if (value < low || value > high) {
    throw Error(std::string("kafka: ") + name + " must be between " + std::to_string(low) + " and " +
                std::to_string(high) + ", got " + std::to_string(value));
  }
  return value;
}

// Properties whose value is a secret: an error about them never quotes librdkafka's text,
// which may contain the value.
bool secret_property(std::string_view name) {
  return name.find("password") != std::string_view::npos || name.find("secret") != std::string_view::npos ||
         name.find("key") != std::string_view::npos;
}

void set_property(rd_kafka_conf_t* conf, const std::string& name, const std::string& value) {
  char reason[512] = {};
  if (rd_kafka_conf_set(conf, name.c_str(), value.c_str(), reason, sizeof(reason)) == RD_KAFKA_CONF_OK) return;
  rd_kafka_conf_destroy(conf);
  if (secret_property(name)) throw Error("kafka: the property '" + name + "' was refused");
  throw Error("kafka: property '" + name + "': " + single_line(reason));
}

// What one produce waits for; shared by the waiting thread and the delivery report,
// either of which may end first (a report after a purge arrives late).
struct DeliveryState {
  std::atomic<bool> done{false};
  rd_kafka_resp_err_t error = RD_KAFKA_RESP_ERR_NO_ERROR;
  Delivered delivered;
};
using DeliveryHolder = std::shared_ptr<DeliveryState>;

}  // namespace

Settings Settings::from(const Options& options) {
  Settings settings;
  for (const std::string& server : options.get_list("servers_list")) {
    std::string host = trimmed(server);
    if (host.empty()) continue;
    settings.servers += (settings.servers.empty() ? "" : ",") + host;
  }
  if (settings.servers.empty()) throw Error("kafka: servers_list is empty");
  settings.group = options.get_string("group");
  if (settings.group.empty()) throw Error("kafka: group is empty");
  settings.attempts = static_cast<int>(std::max<std::int64_t>(1, int_in_range(options, "retries", 0, 1000)));
  settings.prefetch = int_in_range(options, "prefetch", 0, 1'000'000);
  settings.connect_timeout = std::chrono::seconds(int_in_range(options, "connect_timeout", 1, 3600));
  for (const auto& [name, value] : options.get_dict("properties").items()) {
    std::string text;
    if (value.is_string()) {
      text = value.get<std::string>();
    } else if (value.is_boolean()) {
      text = value.get<bool>() ? "true" : "false";
    } else if (value.is_number()) {
      text = value.dump();
    } else {
      throw Error("kafka: properties: the value of '" + name + "' must be a string, a number or a boolean");
    }
    settings.properties.emplace_back(name, std::move(text));
  }
  settings.password = queue_support::secret(options, "password");
  settings.results_topic = options.get_string("results_topic");
  if (settings.results_topic.empty()) throw Error("kafka: results_topic is empty");
  return settings;
}

void Health::on_error(rd_kafka_resp_err_t error, std::string_view reason) {
  if (error == RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN) {
    bool was_down = down_.exchange(true);
    if (armed_.load() && !was_down) {
      std::string last = last_error();
      log_.warn("kafka: lost the connection to " + servers_ + (last.empty() ? "" : " (" + last + ")") +
                "; librdkafka reconnects by itself");
    }
    return;
  }
  {
    std::lock_guard lock(mutex_);
    last_error_ = single_line(std::string(reason));
  }
  if (error == RD_KAFKA_RESP_ERR__FATAL) {
    log_.warn("kafka: fatal client error: " + single_line(std::string(reason)));
  } else {
    log_.debug("kafka: " + single_line(std::string(reason)));
  }
}

void Health::on_success() {
  if (down_.exchange(false) && armed_.load()) log_.info("kafka: the connection to " + servers_ + " is back");
}

std::string Health::last_error() const {
  std::lock_guard lock(mutex_);
  return last_error_;
}

KafkaHandle::KafkaHandle(const Settings& settings, Logger log, std::shared_ptr<Health> health)
    : log_(std::move(log)),
      servers_(settings.servers),
      connect_timeout_(settings.connect_timeout),
      health_(std::move(health)) {}

KafkaHandle::~KafkaHandle() {
  if (handle_ != nullptr) rd_kafka_destroy_flags(handle_, destroy_flags_);
}

rd_kafka_conf_t* KafkaHandle::base_conf(const Settings& settings) {
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  // Defaults the properties option may change.
  set_property(conf, "client.id", "stoq");
  set_property(conf, "log.connection.close", "false");  // idle disconnects are not outages
  for (const auto& [name, value] : settings.properties) set_property(conf, name, value);
  set_property(conf, "bootstrap.servers", settings.servers);
  if (!settings.password.empty()) set_property(conf, "sasl.password", settings.password);
  rd_kafka_conf_set_opaque(conf, this);
  rd_kafka_conf_set_error_cb(conf, &KafkaHandle::on_error);
  rd_kafka_conf_set_log_cb(conf, &KafkaHandle::on_log);
  return conf;
}

void KafkaHandle::create(rd_kafka_type_t type, rd_kafka_conf_t* conf) {
  char reason[512] = {};
  handle_ = rd_kafka_new(type, conf, reason, sizeof(reason));
  if (handle_ == nullptr) {
    rd_kafka_conf_destroy(conf);
    throw Error(std::string("kafka: cannot create the client: ") + single_line(reason));
  }
}

std::unique_ptr<KafkaHandle> KafkaHandle::producer(const Settings& settings, const Logger& log,
                                                   std::shared_ptr<Health> health) {
  std::unique_ptr<KafkaHandle> self(new KafkaHandle(settings, log, std::move(health)));
  rd_kafka_conf_t* conf = self->base_conf(settings);
  // A delivery report (success or failure) within connect_timeout of each produce.
  set_property(conf, "message.timeout.ms", std::to_string(settings.connect_timeout.count() * 1000));
  rd_kafka_conf_set_dr_msg_cb(conf, &KafkaHandle::on_delivery);
  self->create(RD_KAFKA_PRODUCER, conf);
  return self;
}

std::unique_ptr<KafkaHandle> KafkaHandle::consumer(const Settings& settings, const Logger& log,
                                                   std::shared_ptr<Health> health, Rebalance rebalance,
                                                   CommitDone commit_done) {
  std::unique_ptr<KafkaHandle> self(new KafkaHandle(settings, log, std::move(health)));
  self->rebalance_ = std::move(rebalance);
  self->commit_done_ = std::move(commit_done);
  // A new group starts at the oldest message: what was queued before stoq first ran is
  // processed too. The properties option may say "latest".
  Settings with_defaults = settings;
  with_defaults.properties.insert(with_defaults.properties.begin(), {"auto.offset.reset", "earliest"});
  rd_kafka_conf_t* conf = self->base_conf(with_defaults);
  // At-least-once: offsets are stored and committed by the source only once saved.
  set_property(conf, "group.id", settings.group);
  set_property(conf, "enable.auto.commit", "false");
  set_property(conf, "enable.auto.offset.store", "false");
  rd_kafka_conf_set_rebalance_cb(conf, &KafkaHandle::on_rebalance);
  rd_kafka_conf_set_offset_commit_cb(conf, &KafkaHandle::on_commit);
  self->create(RD_KAFKA_CONSUMER, conf);
  return self;
}

void KafkaHandle::check_reachable() {
  const rd_kafka_metadata_t* metadata = nullptr;
  auto timeout = std::chrono::duration_cast<milliseconds>(connect_timeout_);
  rd_kafka_resp_err_t error = rd_kafka_metadata(handle_, 0, nullptr, &metadata, static_cast<int>(timeout.count()));
  if (error == RD_KAFKA_RESP_ERR_NO_ERROR) {
    rd_kafka_metadata_destroy(metadata);
    health_->on_success();
    health_->arm();
    return;
  }
  rd_kafka_poll(handle_, 100);  // serves the error callbacks: they name the cause
  std::string reason = health_->last_error();
  if (reason.empty()) reason = rd_kafka_err2str(error);
  throw Error("kafka: cannot connect to " + servers_ + " within " + std::to_string(connect_timeout_.count()) +
              " s: " + reason);
}

void KafkaHandle::probe(milliseconds timeout) {
  const rd_kafka_metadata_t* metadata = nullptr;
  if (rd_kafka_metadata(handle_, 0, nullptr, &metadata, static_cast<int>(timeout.count())) ==
      RD_KAFKA_RESP_ERR_NO_ERROR) {
    rd_kafka_metadata_destroy(metadata);
    health_->on_success();
  }
}

void KafkaHandle::on_error(rd_kafka_t* /*handle*/, int error, const char* reason, void* opaque) {
  auto* self = static_cast<KafkaHandle*>(opaque);
  self->health_->on_error(static_cast<rd_kafka_resp_err_t>(error), reason != nullptr ? reason : "");
}

// librdkafka's own log lines (connection attempts, retries): debug only, the error
// callback reports what matters.
void KafkaHandle::on_log(const rd_kafka_t* handle, int level, const char* facility, const char* message) {
  if (handle == nullptr) return;
  auto* self = static_cast<KafkaHandle*>(rd_kafka_opaque(handle));
  if (self == nullptr) return;
  self->log_.debug("rdkafka " + std::to_string(level) + " " + (facility != nullptr ? facility : "") + ": " +
                   single_line(message != nullptr ? message : ""));
}

void KafkaHandle::on_delivery(rd_kafka_t* /*handle*/, const rd_kafka_message_t* message, void* opaque) {
  auto* holder = static_cast<DeliveryHolder*>(message->_private);
  if (holder == nullptr) return;
  DeliveryHolder state = *holder;
  delete holder;  // NOLINT(cppcoreguidelines-owning-memory): allocated per message in try_send
  state->error = message->err;
  state->delivered = {message->partition, message->offset};
  state->done.store(true);
  if (message->err == RD_KAFKA_RESP_ERR_NO_ERROR) static_cast<KafkaHandle*>(opaque)->health_->on_success();
}

void KafkaHandle::on_rebalance(rd_kafka_t* handle, rd_kafka_resp_err_t error,
                               rd_kafka_topic_partition_list_t* partitions, void* opaque) {
  auto* self = static_cast<KafkaHandle*>(opaque);
  if (self->rebalance_) {
    self->rebalance_(handle, error, partitions);
  } else {
    rd_kafka_assign(handle, nullptr);
  }
}

void KafkaHandle::on_commit(rd_kafka_t* /*handle*/, rd_kafka_resp_err_t error,
                            rd_kafka_topic_partition_list_t* /*offsets*/, void* opaque) {
  auto* self = static_cast<KafkaHandle*>(opaque);
  if (error == RD_KAFKA_RESP_ERR_NO_ERROR) self->health_->on_success();
  if (self->commit_done_) self->commit_done_(error);
}

Producer::Producer(const Settings& settings, const Logger& log, std::shared_ptr<Health> health)
    : handle_(KafkaHandle::producer(settings, log, std::move(health))),
      attempts_(settings.attempts),
      timeout_(settings.connect_timeout) {
  handle_->check_reachable();
}

Producer::~Producer() {
  // Every send() waited for its report; this only serves a report that came late.
  rd_kafka_flush(handle_->get(), 1000);
}

Delivered Producer::send(const std::string& topic, std::string_view key, std::string_view value) {
  rd_kafka_resp_err_t error = RD_KAFKA_RESP_ERR_NO_ERROR;
  for (int attempt = 1; attempt <= attempts_; ++attempt) {
    Delivered delivered;
    error = try_send(topic, key, value, delivered);
    if (error == RD_KAFKA_RESP_ERR_NO_ERROR) return delivered;
    if (attempt < attempts_) std::this_thread::sleep_for(milliseconds(200));
  }
  std::string reason = rd_kafka_err2str(error);
  if (std::string last = handle_->health().last_error(); !last.empty() && handle_->health().down()) {
    reason += " (" + last + ")";
  }
  throw Error("kafka: cannot produce to topic '" + topic + "' (" + std::to_string(attempts_) +
              " tries): " + single_line(reason));
}

rd_kafka_resp_err_t Producer::try_send(const std::string& topic, std::string_view key, std::string_view value,
                                       Delivered& delivered) {
  rd_kafka_t* handle = handle_->get();
  auto state = std::make_shared<DeliveryState>();
  auto* holder = new DeliveryHolder(state);  // NOLINT(cppcoreguidelines-owning-memory): freed by on_delivery
  // NOLINTBEGIN(cppcoreguidelines-pro-type-const-cast,cppcoreguidelines-pro-type-vararg): librdkafka's C API
  rd_kafka_resp_err_t error = rd_kafka_producev(
      handle, RD_KAFKA_V_TOPIC(topic.c_str()), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
      RD_KAFKA_V_VALUE(const_cast<char*>(value.data()), value.size()),
      RD_KAFKA_V_KEY(key.empty() ? nullptr : key.data(), key.size()), RD_KAFKA_V_OPAQUE(holder), RD_KAFKA_V_END);
  // NOLINTEND(cppcoreguidelines-pro-type-const-cast,cppcoreguidelines-pro-type-vararg)
  if (error != RD_KAFKA_RESP_ERR_NO_ERROR) {
    delete holder;  // NOLINT(cppcoreguidelines-owning-memory): not handed to librdkafka
    rd_kafka_poll(handle, 100);
    return error;
  }
  // message.timeout.ms is connect_timeout: the report comes by then, the margin is for
  // a slow poll.
  auto deadline = Clock::now() + timeout_ + std::chrono::seconds(2);
  while (!state->done.load() && Clock::now() < deadline) rd_kafka_poll(handle, 50);
  if (!state->done.load()) {
    rd_kafka_purge(handle, RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
    auto grace = Clock::now() + std::chrono::seconds(1);
    while (!state->done.load() && Clock::now() < grace) rd_kafka_poll(handle, 50);
    if (!state->done.load()) return RD_KAFKA_RESP_ERR__TIMED_OUT;
  }
  delivered = state->delivered;
  return state->error;
}

std::string one_line(const Json& json) { return json.dump(-1, ' ', false, Json::error_handler_t::replace); }

}  // namespace stoq::plugins::kafka

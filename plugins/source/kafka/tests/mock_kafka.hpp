// A Kafka cluster for the tests: librdkafka's mock cluster (rdkafka_mock.h), in the test
// process, listening on real localhost ports, so the plugins loaded in-process and a stoq
// subprocess alike connect to bootstraps(). Plus a plain producer and reader to feed and
// inspect topics, and the committed offsets of a group.
#pragma once

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace kafka_test {

using Clock = std::chrono::steady_clock;

struct Record {
  std::int32_t partition = 0;
  std::int64_t offset = 0;
  std::string key;
  std::string value;
};

inline void quiet_log(const rd_kafka_t* /*handle*/, int /*level*/, const char* /*facility*/, const char* /*text*/) {}

inline rd_kafka_conf_t* client_conf(const std::string& bootstraps) {
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  char error[512];
  if (!bootstraps.empty()) rd_kafka_conf_set(conf, "bootstrap.servers", bootstraps.c_str(), error, sizeof(error));
  rd_kafka_conf_set_log_cb(conf, &quiet_log);
  return conf;
}

inline void set(rd_kafka_conf_t* conf, const char* name, const char* value) {
  char error[512];
  if (rd_kafka_conf_set(conf, name, value, error, sizeof(error)) != RD_KAFKA_CONF_OK) throw std::runtime_error(error);
}

inline rd_kafka_t* new_client(rd_kafka_type_t type, rd_kafka_conf_t* conf) {
  char error[512];
  rd_kafka_t* handle = rd_kafka_new(type, conf, error, sizeof(error));
  if (handle == nullptr) throw std::runtime_error(error);
  return handle;
}

/// A localhost TCP port nothing listens on (bound, then closed).
inline int closed_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof(address);
  bool bound = ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0 &&
               ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0;
  ::close(fd);
  if (!bound) throw std::runtime_error("cannot bind a localhost port");
  return ntohs(address.sin_port);
}

class MockKafka {
 public:
  explicit MockKafka(int brokers = 1)
      : owner_(new_client(RD_KAFKA_PRODUCER, client_conf(""))), cluster_(rd_kafka_mock_cluster_new(owner_, brokers)) {
    if (cluster_ == nullptr) throw std::runtime_error("cannot start the mock Kafka cluster");
    bootstraps_ = rd_kafka_mock_cluster_bootstraps(cluster_);
    producer_ = new_producer();
  }
  ~MockKafka() {
    rd_kafka_flush(producer_, 5000);
    rd_kafka_destroy(producer_);
    rd_kafka_mock_cluster_destroy(cluster_);
    rd_kafka_destroy(owner_);
  }
  MockKafka(const MockKafka&) = delete;
  MockKafka& operator=(const MockKafka&) = delete;

  [[nodiscard]] const std::string& bootstraps() const { return bootstraps_; }
  [[nodiscard]] rd_kafka_mock_cluster_t* cluster() const { return cluster_; }

  void create_topic(const std::string& topic, int partitions) {
    if (rd_kafka_mock_topic_create(cluster_, topic.c_str(), partitions, 1) != RD_KAFKA_RESP_ERR_NO_ERROR) {
      throw std::runtime_error("cannot create topic " + topic);
    }
  }

  /// Produces `value` to `topic` (spread over its partitions) and waits until the mock has it.
  void produce(const std::string& topic, const std::string& value, std::int32_t partition = RD_KAFKA_PARTITION_UA) {
    // NOLINTBEGIN(cppcoreguidelines-pro-type-const-cast,cppcoreguidelines-pro-type-vararg)
    rd_kafka_resp_err_t error =
        rd_kafka_producev(producer_, RD_KAFKA_V_TOPIC(topic.c_str()), RD_KAFKA_V_PARTITION(partition),
                          RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                          RD_KAFKA_V_VALUE(const_cast<char*>(value.data()), value.size()), RD_KAFKA_V_END);
    // NOLINTEND(cppcoreguidelines-pro-type-const-cast,cppcoreguidelines-pro-type-vararg)
    if (error != RD_KAFKA_RESP_ERR_NO_ERROR) throw std::runtime_error(rd_kafka_err2str(error));
    if (rd_kafka_flush(producer_, 30000) != RD_KAFKA_RESP_ERR_NO_ERROR) throw std::runtime_error("flush timed out");
  }

  /// The partitions of `topic` (0 when it does not exist).
  int partition_count(const std::string& topic) {
    rd_kafka_topic_t* handle = rd_kafka_topic_new(producer_, topic.c_str(), nullptr);
    const rd_kafka_metadata_t* metadata = nullptr;
    int count = 0;
    if (rd_kafka_metadata(producer_, 0, handle, &metadata, 5000) == RD_KAFKA_RESP_ERR_NO_ERROR) {
      if (metadata->topic_cnt == 1 && metadata->topics[0].err == RD_KAFKA_RESP_ERR_NO_ERROR) {
        count = metadata->topics[0].partition_cnt;
      }
      rd_kafka_metadata_destroy(metadata);
    }
    rd_kafka_topic_destroy(handle);
    return count;
  }

  /// Every record of `topic` from the start, reading until `expected` were read (then
  /// `settle` longer, to catch extra ones) or `timeout` passed.
  std::vector<Record> read_all(const std::string& topic, std::size_t expected,
                               std::chrono::milliseconds timeout = std::chrono::seconds(20),
                               std::chrono::milliseconds settle = std::chrono::milliseconds(300)) {
    std::vector<Record> records;
    auto deadline = Clock::now() + timeout;
    int partitions = 0;
    while ((partitions = partition_count(topic)) == 0 && Clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    if (partitions == 0) return records;
    rd_kafka_conf_t* conf = client_conf(bootstraps_);
    set(conf, "group.id", "stoq-test-reader");
    set(conf, "enable.auto.commit", "false");
    rd_kafka_t* consumer = new_client(RD_KAFKA_CONSUMER, conf);
    rd_kafka_topic_partition_list_t* list = rd_kafka_topic_partition_list_new(partitions);
    for (int p = 0; p < partitions; ++p) {
      rd_kafka_topic_partition_list_add(list, topic.c_str(), p)->offset = RD_KAFKA_OFFSET_BEGINNING;
    }
    rd_kafka_assign(consumer, list);
    rd_kafka_topic_partition_list_destroy(list);
    std::optional<Clock::time_point> enough;
    while (Clock::now() < deadline && (!enough || Clock::now() < *enough)) {
      rd_kafka_message_t* message = rd_kafka_consumer_poll(consumer, 50);
      if (message == nullptr) continue;
      if (message->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
        Record record{message->partition, message->offset, {}, {}};
        if (message->key != nullptr) record.key.assign(static_cast<const char*>(message->key), message->key_len);
        if (message->payload != nullptr) {
          record.value.assign(static_cast<const char*>(message->payload), message->len);
        }
        records.push_back(std::move(record));
        if (records.size() >= expected && !enough) enough = Clock::now() + settle;
      }
      rd_kafka_message_destroy(message);
    }
    rd_kafka_consumer_close(consumer);
    rd_kafka_destroy(consumer);
    return records;
  }

  /// The offsets `group` committed on `topic`, summed over its partitions (a partition
  /// without a commit counts 0): the number of messages the group is done with.
  std::int64_t committed(const std::string& group, const std::string& topic) {
    int partitions = partition_count(topic);
    rd_kafka_conf_t* conf = client_conf(bootstraps_);
    set(conf, "group.id", group.c_str());
    set(conf, "enable.auto.commit", "false");
    rd_kafka_t* consumer = new_client(RD_KAFKA_CONSUMER, conf);
    rd_kafka_topic_partition_list_t* list = rd_kafka_topic_partition_list_new(partitions);
    for (int p = 0; p < partitions; ++p) rd_kafka_topic_partition_list_add(list, topic.c_str(), p);
    std::int64_t total = -1;
    if (rd_kafka_committed(consumer, list, 10000) == RD_KAFKA_RESP_ERR_NO_ERROR) {
      total = 0;
      for (int i = 0; i < list->cnt; ++i) total += list->elems[i].offset >= 0 ? list->elems[i].offset : 0;
    }
    rd_kafka_topic_partition_list_destroy(list);
    rd_kafka_destroy(consumer);
    return total;
  }

  void set_broker_down(bool down) {
    if (down) {
      rd_kafka_mock_broker_set_down(cluster_, 1);
      return;
    }
    rd_kafka_mock_broker_set_up(cluster_, 1);
    // The mock leaves this producer's idle connection open but unserved through the
    // outage: a fresh producer connects at once.
    rd_kafka_destroy(producer_);
    producer_ = new_producer();
  }

 private:
  rd_kafka_t* new_producer() const {
    rd_kafka_conf_t* conf = client_conf(bootstraps_);
    set(conf, "linger.ms", "0");
    return new_client(RD_KAFKA_PRODUCER, conf);
  }

  rd_kafka_t* owner_ = nullptr;
  rd_kafka_mock_cluster_t* cluster_ = nullptr;
  rd_kafka_t* producer_ = nullptr;
  std::string bootstraps_;
};

/// Polls until `ready` or `timeout`; the assertion is on `ready`, not on time.
template <typename Predicate>
bool eventually(Predicate ready, std::chrono::milliseconds timeout = std::chrono::seconds(30)) {
  auto deadline = Clock::now() + timeout;
  while (!ready()) {
    if (Clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return true;
}

}  // namespace kafka_test

// connector:hbconn: prints results like stdout and checks the plugin lifecycle from
// the inside. wants_heartbeat() is true; heartbeat() counts its calls, notes its
// thread and loops until the run stops. deactivate() writes a marker file
// <results_dir>/hbconn-<pid>-<instance>.json describing what happened, so a test can
// check: heartbeat called once per instance, on its own thread, returned before
// deactivate; save and deactivate on the thread that activated the instance.
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <stoq/plugin.hpp>
#include <thread>

namespace stoq_test {

class HeartbeatConnector final : public stoq::Connector {
 public:
  bool activate(stoq::Stoq& stoq) override {
    owner_ = std::this_thread::get_id();
    marker_dir_ = stoq.config().results_dir;
    activated_ = true;
    return true;
  }

  [[nodiscard]] bool wants_heartbeat() const override { return true; }

  void heartbeat() override {
    heartbeat_calls_.fetch_add(1);
    {
      std::lock_guard lock(mutex_);
      heartbeat_thread_ = std::this_thread::get_id();
      heartbeat_saw_activated_ = activated_;
    }
    while (!stoq().wait_for_stop(std::chrono::milliseconds(20))) ticks_.fetch_add(1);
    heartbeat_returned_.store(true);
  }

  stoq::Json save(const stoq::Content& payload, const stoq::Json& /*kwargs*/) override {
    if (payload.kind() == stoq::Content::Kind::Binary) throw stoq::Error("hbconn does not archive");
    saves_.fetch_add(1);
    if (std::this_thread::get_id() != owner_) saves_off_owner_.fetch_add(1);
    stoq::write_output(payload.serialize(4));
    return nullptr;
  }

  void deactivate() override {
    static std::atomic<int> instances{0};
    std::thread::id heartbeat_thread;
    bool saw_activated = false;
    {
      std::lock_guard lock(mutex_);
      heartbeat_thread = heartbeat_thread_;
      saw_activated = heartbeat_saw_activated_;
    }
    stoq::Json marker = {
        {"heartbeat_calls", heartbeat_calls_.load()},
        {"heartbeat_on_own_thread",
         heartbeat_calls_.load() > 0 && heartbeat_thread != owner_ && heartbeat_thread != std::this_thread::get_id()},
        {"heartbeat_after_activate", saw_activated},
        {"heartbeat_returned_before_deactivate", heartbeat_returned_.load()},
        {"deactivate_on_owner_thread", std::this_thread::get_id() == owner_},
        {"saves", saves_.load()},
        {"saves_off_owner_thread", saves_off_owner_.load()},
    };
    std::filesystem::create_directories(marker_dir_);
    std::string name = "hbconn-" + std::to_string(::getpid()) + "-" + std::to_string(instances.fetch_add(1));
    std::filesystem::path partial = std::filesystem::path(marker_dir_) / ("." + name + ".partial");
    {
      std::ofstream out(partial);
      out << stoq::dump_json(marker, -1) << "\n";
    }
    std::filesystem::rename(partial, std::filesystem::path(marker_dir_) / (name + ".json"));
  }

 private:
  std::thread::id owner_;
  std::string marker_dir_;
  bool activated_ = false;
  std::mutex mutex_;
  std::thread::id heartbeat_thread_;
  bool heartbeat_saw_activated_ = false;
  std::atomic<int> heartbeat_calls_{0};
  std::atomic<long> ticks_{0};
  std::atomic<bool> heartbeat_returned_{false};
  std::atomic<int> saves_{0};
  std::atomic<int> saves_off_owner_{0};
};

}  // namespace stoq_test

STOQ_PLUGIN(stoq_test::HeartbeatConnector, "hbconn", "1.0", "Prints results and checks heartbeat and deactivate",
            stoq::kNoOptions)

// worker:wordcount: counts lines, words and bytes of a payload and reports its most
// frequent words. The example plugin of docs/writing-plugins.md.
#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "stoq/plugin.hpp"

namespace wordcount {

class WordCount final : public stoq::Worker {
 public:
  // Called once per instance, after the options were bound. Validate them here:
  // throwing (or returning false) stops the run with a message naming the plugin.
  bool activate(stoq::Stoq& stoq) override {
    top_ = options().get_int("top");
    if (top_ < 0) throw stoq::Error("top must be 0 or more, got " + std::to_string(top_));
    min_length_ = static_cast<std::size_t>(std::max<std::int64_t>(1, options().get_int("min_length")));
    lowercase_ = options().get_bool("lowercase");
    report_every_ = std::chrono::seconds(options().get_int("report_seconds"));
    // Calling a reader: stoq finds it through plugin_dir_list (here the bundled iocregex)
    // and returns an activated instance owned by the framework, for this thread's use.
    if (options().get_bool("indicators")) iocs_ = &stoq.reader("iocregex");
    return true;
  }

  // One instance per worker thread: scan() is never called concurrently on this object.
  stoq::Json scan(const stoq::Payload& payload, const stoq::Json& /*kwargs*/) override {
    if (payload.is_none()) throw stoq::Error("wordcount needs a payload: give a file or directory with -F");
    std::string_view text = payload.bytes().as_string_view();
    std::size_t lines = 0;
    std::size_t words = 0;
    std::map<std::string, std::size_t> counts;
    std::string word;
    auto end_word = [&] {
      if (word.empty()) return;
      ++words;
      if (word.size() >= min_length_) ++counts[word];
      word.clear();
    };
    for (char c : text) {
      if (c == '\n') ++lines;
      if (std::isalnum(static_cast<unsigned char>(c)) != 0) {
        word += lowercase_ ? static_cast<char>(std::tolower(static_cast<unsigned char>(c))) : c;
      } else {
        end_word();
      }
    }
    end_word();

    std::vector<std::pair<std::string, std::size_t>> ranked(counts.begin(), counts.end());
    std::stable_sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
    if (ranked.size() > static_cast<std::size_t>(top_)) ranked.resize(static_cast<std::size_t>(top_));
    stoq::Json top = stoq::Json::array();
    for (const auto& [name, count] : ranked) top.push_back({{"word", name}, {"count", count}});

    scanned_.fetch_add(1, std::memory_order_relaxed);  // shared with heartbeat(): atomic
    stoq::Json result = {{"lines", lines}, {"words", words}, {"bytes", text.size()}, {"top_words", std::move(top)}};
    // The reader returns {"ipv4": [...], "domain": [...], ...}: count what it found.
    if (iocs_ != nullptr) {
      stoq::Json found = iocs_->read(payload, stoq::Json::object());
      std::size_t count = 0;
      for (const auto& [type, values] : found.items()) count += values.size();
      result["indicators"] = count;
    }
    return result;
  }

  // With report_seconds > 0 the framework runs heartbeat() once, on its own thread;
  // it loops until the run stops.
  [[nodiscard]] bool wants_heartbeat() const override { return report_every_.count() > 0; }
  void heartbeat() override {
    while (!stoq().wait_for_stop(report_every_)) {
      log().info("payloads scanned so far by this thread: " + std::to_string(scanned_.load()));
    }
  }

  // Called once at shutdown, after the last scan().
  void deactivate() override { log().debug("scanned " + std::to_string(scanned_.load()) + " payloads"); }

 private:
  std::int64_t top_ = 5;
  std::size_t min_length_ = 1;
  bool lowercase_ = true;
  std::chrono::milliseconds report_every_{0};
  std::atomic<std::size_t> scanned_{0};
  stoq::Reader* iocs_ = nullptr;  // owned by the framework
};

// The option table: name, type, default (as typed in a .stoq file), one-line doc,
// optional short CLI flag. The .stoq [options] section, `stoq wordcount -h` and the
// typed values options() returns all come from it.
constexpr stoq_option_spec kOptions[] = {
    {"top", STOQ_OPTION_INT, "5", "How many of the most frequent words to report.", 't'},
    {"min_length", STOQ_OPTION_INT, "3", "Ignore words shorter than this in top_words.", 0},
    {"lowercase", STOQ_OPTION_BOOL, "True", "Count words case-insensitively.", 0},
    {"report_seconds", STOQ_OPTION_INT, "0", "Log a progress line every N seconds (0: never).", 0},
    {"indicators", STOQ_OPTION_BOOL, "False", "Count indicators of compromise (the iocregex reader).", 'i'},
};

}  // namespace wordcount

// The registration line. Name, version and description are written once, in
// wordcount.stoq; the category comes from the base class (stoq::Worker).
STOQ_PLUGIN(wordcount::WordCount, wordcount::kOptions)

// The path one message takes (stoq-original §c.4), top to bottom:
// ratelimit -> TLP gate -> fetch (archive connector get_file) -> archive (-A)
// -> hashes -> worker.scan -> results documents -> decorator -> flatten/split
// -> template (-T) -> save (-C).
// Every plugin call is caught here: a failure becomes an `errors` entry.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "engine/error_list.hpp"
#include "engine/plugin_set.hpp"
#include "engine/worker_scans.hpp"
#include "isolation/watchdog.hpp"
#include "stoq/json.hpp"
#include "stoq/template.hpp"

namespace stoq::engine {

/// Renders `document` as the template variable `results` (lent to the template, not
/// copied; it is left as it was). Throws what the template throws.
std::string render_results(const templating::Template& output, Json& document);

class Pipeline {
 public:
  explicit Pipeline(PluginSet& plugins);

  /// Processes one message. `has_source` false: the worker runs without a payload.
  /// Returns true when every document that should be saved was saved (ack), false
  /// when saving failed or the run stopped first (requeue).
  bool process(const Json& message, bool has_source);
  /// After process(): the first error of the message itself (its fetch, archiving or a
  /// worker on the root payload), "plugin: text"; empty when there was none. What a
  /// queue source sends to <queue>-errors (stoq::Outcome::error).
  [[nodiscard]] const std::string& message_error() const { return outcome_.message_error; }

  /// Activates the plugins every message needs, so failures surface before ingest.
  void activate_eagerly();

  /// Saves the document of a message whose plugin call overran call_timeout on an
  /// abandoned thread (isolation/watchdog.hpp). Returns whether it was saved (ack).
  bool save_overrun(const isolation::Overrun& overrun);

 private:
  using Errors = ErrorList;
  /// One message on its way through the steps below.
  struct Work {
    const Json& message;
    Payload payload;
    Json entry = Json::object();  // the results entry being built
    Errors errors;
    bool fetch_failed = false;
  };
  bool admit(const std::string& path, const std::string& tlp);
  void fetch(Work& work);
  void archive_and_hash(Work& work);
  /// The worker's results as a list of items, each to become a document; nullopt when
  /// the worker handled output itself.
  std::optional<Json> scan(Work& work, const Json& kwargs);
  static Json worker_kwargs(const Work& work, const std::string& tlp, const Json& uuids);
  bool save(Json document, const std::string& root_sha1, Errors& errors);
  std::optional<std::string> render_for(const RunState::Output& output, const std::string& payload,
                                        const Json* unflattened, Json& saved, std::optional<Json>& fallback);
  /// process() without the counting.
  bool run_steps(const Json& message, bool has_source);
  /// Adds the message in hand to the run's counters (RunState::counters).
  void count_outcome(bool saved);
  /// What the steps learnt about the message in hand, for the counters and the ack.
  struct Outcome {
    bool skipped_by_tlp = false;
    bool had_errors = false;
    std::string message_error;
  };
  Outcome outcome_;
  PluginSet& plugins_;
  RunState& state_;
  WorkerScans workers_;
};

}  // namespace stoq::engine

#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "stoq/json.hpp"

namespace stoq::engine {

/// One run of a worker, as the command line asked for it (stoq-original §a.2).
struct RunSettings {
  /// `stoq <worker>`: its name. `stoq scan`: "scan". The connector's index and the
  /// default queue name (-Q).
  std::string worker;
  /// The workers run on every payload, in this order: {worker} for `stoq <worker>`,
  /// the -w names for `stoq scan`.
  std::vector<std::string> workers;
  /// `stoq scan`: each entry's `scan` is an object keyed by worker name and `plugin`
  /// the list of workers (docs/scan.md); false: the original's shape, one worker.
  bool combined = false;
  bool progress = true;                        // --no-progress: false; else a progress line when stderr is a terminal
  std::string source;                          // -I, or default_source when -F/-E was given; empty: none
  std::vector<std::string> output_connectors;  // -C (repeatable), or default_connector
  std::string archive_connector;               // -A
  std::string decorator;                       // -P
  std::vector<std::string> template_names;     // -T: <worker plugin dir>/templates/<name>; none: JSON
  std::string path;                            // -F
  std::string source_queue;                    // -Q
  bool consume_errors = false;                 // -E
  bool split = false;                          // --split
  bool flatten = false;                        // --flatten
  bool dispatch = false;                       // -D
  std::string delimiter = ":";                 // --delimiter
  std::string outfile;                         // -O
  bool use_date = false;                       // --use-date
  std::string tlp;                             // --tlp; empty: default_tlp
  Json metadata = Json::object();              // --metadata k:v
  std::string ratelimit;                       // --rate-limit; empty: the worker's own
  unsigned max_processes = 0;                  // -M; 0: all cores
  std::optional<std::int64_t> max_recursion;   // -R
  std::optional<double> cron;                  // --cron seconds
  bool fail_on_errors = false;                 // --fail-on-errors: exit 3 when a document has `errors`
  /// Option overrides from the command line, by plugin name: option -> raw text
  /// (the worker's own flags, and --plugin-opt name:key=value for any plugin).
  std::map<std::string, std::vector<std::pair<std::string, std::string>>> plugin_options;
};

}  // namespace stoq::engine

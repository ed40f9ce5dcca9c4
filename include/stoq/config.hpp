// The framework configuration a plugin can see: stoq.cfg [core] after defaults
// were applied and relative paths resolved against base_dir.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "stoq/json.hpp"

// Exported from libstoq.so (built with hidden visibility): everything declared here.
#pragma GCC visibility push(default)
namespace stoq {

struct CoreConfig {
  std::string base_dir;
  std::string temp_dir;
  std::string results_dir;
  std::string filename_suffix = "stoq";
  std::string log_dir;
  std::string log_syntax = "text";  // text | json
  std::string log_level = "INFO";
  std::int64_t log_maxbytes = 1500000;
  std::int64_t log_backup_count = 5;
  std::vector<std::string> plugin_dir_list;
  std::string archive_base;
  /// Local reads are allowed only under these prefixes; empty = anywhere.
  std::vector<std::string> source_base_tuple;
  std::string default_connector = "stdout";
  std::string default_source = "filedir";
  /// -D: YARA rules whose meta.plugin routes payloads to carvers/extractors/decoders
  /// (stoq.cfg dispatch_rules; without it, the rules bundled with stoq).
  std::string dispatch_rules;
  /// How deep dispatch goes: a payload at depth max_recursion (root = 0) is not
  /// dispatched again. 8 reaches a PE in an e-mail -> zip -> document -> OLE stream chain.
  std::int64_t max_recursion = 8;
  /// Dispatch limits, per request (one message and everything extracted from it).
  std::int64_t max_children = 1000;                   // children of one payload
  std::int64_t max_payloads = 10000;                  // entries of one request
  std::int64_t max_extracted_bytes = 8LL << 30;       // bytes of all children of one request
  std::int64_t max_child_size = 1LL << 30;            // bytes of one child (larger: truncated)
  double max_compression_ratio = 1000;                // child bytes per compressed byte (0: none)
  double extraction_timeout = 60;                     // seconds one plugin call may take
  std::int64_t dispatch_memory_budget = 256LL << 20;  // extracted bytes one request keeps in RAM
  std::int64_t max_queue = 100;
  std::vector<std::string> url_prefix_tuple = {"http://", "https://"};
  std::string useragent = "Mozilla/5.0 (Windows; U; Windows NT 5.1; en-US; rv:1.8.1.1)";
  std::string default_tlp = "white";
  /// Largest payload read from disk, in bytes (a safe default against huge files).
  std::int64_t max_payload_size = 1LL << 30;
  /// [<plugin name>] sections of stoq.cfg: option overrides (name -> raw text) applied
  /// over the plugin's .stoq [options], below command-line overrides.
  std::map<std::string, std::vector<std::pair<std::string, std::string>>> plugin_options;
  /// Where the configuration came from ("built-in defaults" or a file path).
  std::string source;
  /// Every [core] key as typed by the original's rules, including unknown ones.
  Json extra = Json::object();
};

}  // namespace stoq
#pragma GCC visibility pop

// The dispatch rules of a run (-D): YARA rules whose `meta.plugin` names the
// carvers, extractors and decoders a matching payload goes to (stoq-original §c.4
// step 6). Compiled once per run and shared by every worker thread.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "stoq/json.hpp"
#include "stoq/payload.hpp"

namespace stoq::dispatch {

/// One plugin a matching rule routes to, with the rule's meta (its kwargs).
struct Route {
  std::string plugin;  // "category:name"
  std::string rule;    // the rule that matched
  Json meta;           // the rule's meta, in its order (plugin, save, key, ...)
};

class DispatchRules {
 public:
  /// Compiles `path` (a .yar file, or compiled rules). Throws stoq::Error naming the
  /// file and line of the first error.
  explicit DispatchRules(const std::string& path);
  ~DispatchRules();
  DispatchRules(const DispatchRules&) = delete;
  DispatchRules& operator=(const DispatchRules&) = delete;

  [[nodiscard]] const std::string& path() const { return path_; }
  [[nodiscard]] std::size_t rule_count() const { return rule_count_; }

  /// Every "category:name" the rules name, with the first rule naming it, for checking
  /// at start-up. Only carver, extractor and decoder are kept; `ignored` receives the
  /// others ("rule: category:name").
  [[nodiscard]] std::vector<std::pair<std::string, std::string>> plugins_named(
      std::vector<std::string>* ignored = nullptr) const;

  /// The routes of the rules matching `payload`, in rule order, each plugin once (the
  /// first rule naming it wins). Large mapped payloads are scanned in blocks, so the
  /// scan does not grow resident memory. Throws stoq::Error on a scan failure
  /// (timeout included).
  [[nodiscard]] std::vector<Route> match(const Payload& payload, std::chrono::seconds timeout) const;

  /// meta.plugin split on commas, trimmed, duplicates dropped, kept only for carver,
  /// extractor and decoder.
  static std::vector<std::string> routed_plugins(const std::string& meta_plugin);

 private:
  struct Compiled;
  std::string path_;
  std::unique_ptr<Compiled> compiled_;
  std::size_t rule_count_ = 0;
};

}  // namespace stoq::dispatch

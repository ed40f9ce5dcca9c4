#include "dispatch/dispatcher.hpp"

#include <spdlog/spdlog.h>

#include <deque>
#include <unordered_map>

#include "engine/host_services.hpp"
#include "isolation/isolated_plugin.hpp"
#include "isolation/watchdog.hpp"
#include "lifecycle/results.hpp"

namespace stoq::dispatch {
namespace {

using Clock = std::chrono::steady_clock;
constexpr const char* kDispatch = "dispatch";

struct Node {
  Payload payload;
  Json uuids;
  std::int64_t depth = 0;
  std::size_t id = 0;
  Json kwargs;  // what routed plugins see under their rule's meta
  bool counted_in_memory = false;
};

std::string join(const std::vector<Route>& routes) {
  std::string text;
  for (const Route& route : routes) text += (text.empty() ? "" : ", ") + route.plugin;
  return text;
}

std::string bytes_text(std::uint64_t bytes) { return std::to_string(bytes) + " bytes"; }

// A routed plugin's children: one call, the category decides which; in the plugin's
// isolation helper when its policy asks for one.
ExtractedList call_plugin(engine::PluginSet& plugins, const std::string& route, const Payload& payload,
                          const Json& kwargs, const engine::PluginSet::Extraction& extraction) {
  auto colon = route.find(':');
  std::string category = route.substr(0, colon);
  std::string name = route.substr(colon + 1);
  if (auto parsed = parse_category(category)) {
    if (isolation::IsolatedPlugin* helper = plugins.helpers().find(*parsed, name)) {
      return helper->extract(payload, kwargs, extraction.limits, extraction.child);
    }
  }
  if (category == "extractor") return plugins.get<Extractor>(name).extract(payload, kwargs);
  if (category == "carver") return plugins.get<Carver>(name).carve(payload, kwargs);
  return plugins.get<Decoder>(name).decode(payload, kwargs);
}

// The call_timeout the watchdog enforces on an in-process call of `route`.
std::chrono::seconds watched_timeout(engine::PluginSet& plugins, const std::string& route) {
  auto colon = route.find(':');
  auto category = parse_category(route.substr(0, colon));
  return category ? plugins.helpers().watched_timeout(*category, route.substr(colon + 1)) : std::chrono::seconds(0);
}

// Copies a child that arrived in memory into a spill file (mapped afterwards): the
// request is over its memory budget.
Payload spill(const Payload& child, const std::string& spill_dir) {
  ChildWriter::Settings settings;
  settings.max_size = child.size();
  settings.memory_limit = 0;
  settings.spill_dir = spill_dir;
  ChildWriter writer(settings);
  writer.write(child.bytes());
  return writer.finish();
}

}  // namespace

void Dispatcher::run(const Payload& root, const Json& root_uuids, const Json& message, Json& document,
                     engine::ErrorList& errors) {
  const DispatchLimits& limits = context_.limits;
  std::deque<Node> work;
  work.push_back(Node{root, root_uuids, 0, 0, message.is_object() ? message : Json::object(), false});
  std::unordered_map<std::string, std::size_t> seen{{root.hashes().sha256, 0}};
  std::uint64_t extracted_bytes = 0;
  std::uint64_t in_memory = 0;  // bytes of queued children held in RAM
  std::size_t payloads = document["results"].size();
  bool request_full = false;  // max_payloads or max_extracted_bytes reached: nothing more is added

  while (!work.empty() && !request_full) {
    Node node = std::move(work.front());
    work.pop_front();
    if (node.counted_in_memory) in_memory -= node.payload.size();
    if (plugins_.stopping()) {
      errors.add(kDispatch, "the run is stopping: dispatch of this request was cut short", node.id);
      return;
    }
    std::vector<Route> routes;
    try {
      routes = context_.rules.match(node.payload, std::chrono::duration_cast<std::chrono::seconds>(std::max(
                                                      limits.extraction_timeout, std::chrono::milliseconds(1000))));
    } catch (...) {
      errors.add(kDispatch, engine::current_exception_text(), node.id);
      continue;
    }
    if (routes.empty()) continue;
    if (node.depth >= limits.max_recursion) {
      errors.add(
          kDispatch,
          "max_recursion (" + std::to_string(limits.max_recursion) + ") reached: not dispatched to " + join(routes),
          node.id);
      continue;
    }
    std::uint64_t node_children = 0;
    for (const Route& route : routes) {
      if (request_full) break;
      if (node_children >= limits.max_children) {
        errors.add(kDispatch,
                   "max_children (" + std::to_string(limits.max_children) + ") reached: " + route.plugin + " not run",
                   node.id);
        break;
      }
      Json kwargs = node.kwargs;
      for (const auto& [key, value] : route.meta.items()) kwargs[key] = value;

      engine::PluginSet::Extraction extraction;
      extraction.limits.max_children = static_cast<std::size_t>(limits.max_children - node_children);
      extraction.limits.max_child_size = limits.max_child_size;
      extraction.limits.max_total_bytes = limits.max_extracted_bytes - extracted_bytes;
      extraction.limits.max_ratio = limits.max_compression_ratio;
      extraction.limits.deadline = Clock::now() + limits.extraction_timeout;
      extraction.child.max_size = limits.max_child_size;
      // One child keeps at most an eighth of the budget in RAM: a single huge member goes to
      // disk early instead of filling the whole budget first.
      extraction.child.memory_limit =
          std::min(limits.memory_budget / 8,
                   limits.memory_budget > in_memory ? limits.memory_budget - in_memory : std::uint64_t{0});
      extraction.child.spill_dir = context_.spill_dir;
      extraction.child.shared_budget = std::make_shared<std::uint64_t>(extraction.child.memory_limit);
      plugins_.set_extraction(extraction);

      ExtractedList children;
      auto started = Clock::now();
      bool call_failed = false;
      isolation::TimedCall timed(route.plugin, watched_timeout(plugins_, route.plugin), node.id);
      try {
        children = call_plugin(plugins_, route.plugin, node.payload, kwargs, extraction);
      } catch (...) {
        errors.add(route.plugin, engine::current_exception_text(), node.id);
        call_failed = true;
      }
      timed.finish();  // an abandoned call's thread stops here (CallAbandoned)
      if (call_failed) continue;
      if (Clock::now() - started > limits.extraction_timeout) {
        errors.add(kDispatch,
                   route.plugin + " ran past extraction_timeout (" +
                       std::to_string(std::chrono::duration<double>(limits.extraction_timeout).count()) + " s)",
                   node.id);
      }

      for (Extracted& child : children) {
        if (node_children >= limits.max_children) {
          errors.add(kDispatch,
                     "max_children (" + std::to_string(limits.max_children) + ") reached: " + route.plugin +
                         " returned more, dropped",
                     node.id);
          break;
        }
        if (payloads >= limits.max_payloads) {
          errors.add(kDispatch,
                     "max_payloads (" + std::to_string(limits.max_payloads) + ") reached: the rest of " +
                         "this request is not extracted",
                     node.id);
          request_full = true;
          break;
        }
        if (child.payload.is_none()) child.payload = Payload(Bytes());
        Json meta = child.meta.is_object() ? std::move(child.meta) : Json::object();
        if (child.payload.size() > limits.max_child_size) {
          // A plugin that returned more than it was allowed: cut, and say so.
          child.payload = Payload(std::shared_ptr<const void>(std::make_shared<Payload>(child.payload)),
                                  child.payload.bytes().head(static_cast<std::size_t>(limits.max_child_size)));
          meta["truncated"] = true;
          errors.add(kDispatch,
                     "max_child_size (" + bytes_text(limits.max_child_size) + ") reached: a child of " + route.plugin +
                         " was truncated",
                     node.id);
        }
        std::uint64_t size = child.payload.size();
        if (extracted_bytes + size > limits.max_extracted_bytes) {
          errors.add(kDispatch,
                     "max_extracted_bytes (" + bytes_text(limits.max_extracted_bytes) +
                         ") reached: the rest of this request is not extracted",
                     node.id);
          request_full = true;
          break;
        }
        extracted_bytes += size;
        ++node_children;
        std::size_t id = payloads++;
        Json uuids = node.uuids;
        uuids.push_back(lifecycle::new_uuid());

        const Hashes& hashes = child.payload.hashes();
        auto duplicate = seen.find(hashes.sha256);
        Json scan;
        if (duplicate != seen.end()) {
          meta["duplicate_of"] = duplicate->second;  // recorded, not scanned or expanded again
        } else {
          seen.emplace(hashes.sha256, id);
          Json child_kwargs = message.is_object() ? message : Json::object();
          for (const auto& [key, value] : meta.items()) child_kwargs[key] = value;
          scan = workers_.scan_child(child.payload, child_kwargs, id, errors);
        }
        if (!context_.archive_connector.empty() && route.meta.value("save", "") == "True") {
          try {
            Json archive_kwargs = {{"archive", true},         {"md5", hashes.md5},
                                   {"sha1", hashes.sha1},     {"sha256", hashes.sha256},
                                   {"sha512", hashes.sha512}, {"filename", meta.value("filename", "")}};
            plugins_.get<Connector>(context_.archive_connector)
                .save(Content::bytes(child.payload.bytes()), archive_kwargs);
          } catch (...) {
            errors.add("connector:" + context_.archive_connector, engine::current_exception_text(), id);
          }
        }
        Json entry = lifecycle::make_child_entry(route.meta, route.plugin, context_.worker, uuids, std::move(scan),
                                                 context_.hashpayload ? &hashes : nullptr, size, meta, id);
        lifecycle::add_child(document, std::move(entry), id, route.plugin);
        if (duplicate != seen.end()) continue;

        Node next{std::move(child.payload), std::move(uuids), node.depth + 1, id, Json::object(), false};
        next.kwargs = message.is_object() ? message : Json::object();
        for (const auto& [key, value] : meta.items()) next.kwargs[key] = value;
        if (!next.payload.is_mapped() && size > 0) {
          if (in_memory + size > limits.memory_budget) {
            try {
              next.payload = spill(next.payload, context_.spill_dir);
            } catch (...) {
              errors.add(kDispatch,
                         "cannot spill a child over dispatch_memory_budget: " + engine::current_exception_text(), id);
              continue;
            }
          } else {
            in_memory += size;
            next.counted_in_memory = true;
          }
        }
        work.push_back(std::move(next));
      }
    }
  }
  if (request_full && !work.empty()) {
    spdlog::debug("dispatch: {} queued payload(s) left unexpanded after a request limit", work.size());
  }
}

}  // namespace stoq::dispatch

#include "dispatch/rules.hpp"

#include <yara.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <set>

#include "stoq/error.hpp"

namespace stoq::dispatch {
namespace {

// Mapped payloads above this are scanned block by block (pages released behind).
constexpr std::size_t kBlockScanThreshold = 64ULL << 20;
constexpr std::size_t kBlockSize = 16ULL << 20;
// Blocks overlap by this much, so a string up to this long is found across a boundary.
constexpr std::size_t kBlockOverlap = 64ULL << 10;

std::string trim(std::string_view text) {
  auto begin = text.find_first_not_of(" \t\r\n");
  if (begin == std::string_view::npos) return {};
  auto end = text.find_last_not_of(" \t\r\n");
  return std::string(text.substr(begin, end - begin + 1));
}

Json meta_value(const YR_META* meta) {
  switch (meta->type) {
    case META_TYPE_INTEGER: return meta->integer;
    case META_TYPE_BOOLEAN: return meta->integer != 0;
    default: return std::string(meta->string != nullptr ? meta->string : "");
  }
}

Json metas_of(const YR_RULE* rule) {
  Json meta = Json::object();
  const YR_META* item = nullptr;
  yr_rule_metas_foreach(rule, item) {
    if (item->identifier != nullptr && !meta.contains(item->identifier)) meta[item->identifier] = meta_value(item);
  }
  return meta;
}

std::string meta_plugin(const Json& meta) {
  auto it = meta.find("plugin");
  return it != meta.end() && it->is_string() ? it->get<std::string>() : std::string();
}

struct CompilerMessages {
  std::string first_error;
};

void on_compiler_message(int level, const char* file_name, int line, const YR_RULE* /*rule*/, const char* message,
                         void* user_data) {
  auto* messages = static_cast<CompilerMessages*>(user_data);
  if (level != YARA_ERROR_LEVEL_ERROR || !messages->first_error.empty()) return;
  messages->first_error = std::string(file_name != nullptr ? file_name : "<rules>") + ":" + std::to_string(line) +
                          ": " + (message != nullptr ? message : "unknown error");
}

bool is_precompiled(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  char magic[4] = {};
  in.read(magic, sizeof(magic));
  return in.gcount() == 4 && std::memcmp(magic, "YARA", 4) == 0;
}

// Feeds YARA overlapping blocks of a payload and releases the pages of each block
// once YARA moved past it.
struct BlockReader {
  const Payload* payload = nullptr;
  YR_MEMORY_BLOCK block{};
  std::size_t next_offset = 0;
  std::size_t released = 0;

  static const uint8_t* fetch(YR_MEMORY_BLOCK* block) {
    auto* self = static_cast<BlockReader*>(block->context);
    return self->payload->bytes().data() + block->base;
  }
  YR_MEMORY_BLOCK* produce() {
    const std::size_t size = payload->size();
    if (next_offset >= size) {
      payload->release_pages(released, size - released);
      return nullptr;
    }
    std::size_t begin = next_offset;
    // Everything before this block's start is behind us.
    if (begin > released) {
      payload->release_pages(released, begin - released);
      released = begin;
    }
    std::size_t length = std::min(kBlockSize + kBlockOverlap, size - begin);
    block.base = begin;
    block.size = length;
    block.context = this;
    block.fetch_data = fetch;
    next_offset = begin + std::min(kBlockSize, length);
    if (length < kBlockSize + kBlockOverlap) next_offset = size;
    return &block;
  }
  static YR_MEMORY_BLOCK* first(YR_MEMORY_BLOCK_ITERATOR* iterator) {
    auto* self = static_cast<BlockReader*>(iterator->context);
    self->next_offset = 0;
    self->released = 0;
    iterator->last_error = ERROR_SUCCESS;
    return self->produce();
  }
  static YR_MEMORY_BLOCK* next(YR_MEMORY_BLOCK_ITERATOR* iterator) {
    iterator->last_error = ERROR_SUCCESS;
    return static_cast<BlockReader*>(iterator->context)->produce();
  }
  static uint64_t file_size(YR_MEMORY_BLOCK_ITERATOR* iterator) {
    return static_cast<BlockReader*>(iterator->context)->payload->size();
  }
};

struct ScanState {
  std::vector<const YR_RULE*> matched;
};

int on_scan_message(YR_SCAN_CONTEXT* /*context*/, int message, void* message_data, void* user_data) {
  if (message == CALLBACK_MSG_RULE_MATCHING) {
    static_cast<ScanState*>(user_data)->matched.push_back(static_cast<const YR_RULE*>(message_data));
  }
  return CALLBACK_CONTINUE;
}

std::string scan_error_text(int code) {
  switch (code) {
    case ERROR_SCAN_TIMEOUT: return "timed out";
    case ERROR_INSUFFICIENT_MEMORY: return "out of memory";
    case ERROR_TOO_MANY_MATCHES: return "too many matches of a string";
    case ERROR_TOO_MANY_SCAN_THREADS: return "too many concurrent scans";
    default: return "libyara error " + std::to_string(code);
  }
}

}  // namespace

struct DispatchRules::Compiled {
  YR_RULES* rules = nullptr;
  Compiled() {
    int code = yr_initialize();  // reference-counted by libyara
    if (code != ERROR_SUCCESS)
      throw Error("dispatch: libyara failed to initialise (error " + std::to_string(code) + ")");
  }
  ~Compiled() {
    if (rules != nullptr) yr_rules_destroy(rules);
    yr_finalize();
  }
  Compiled(const Compiled&) = delete;
  Compiled& operator=(const Compiled&) = delete;
};

DispatchRules::DispatchRules(const std::string& path) : path_(path), compiled_(std::make_unique<Compiled>()) {
  if (is_precompiled(path)) {
    int code = yr_rules_load(path.c_str(), &compiled_->rules);
    if (code != ERROR_SUCCESS) {
      throw Error("dispatch_rules: cannot load compiled rules " + path + " (libyara error " + std::to_string(code) +
                  ")");
    }
  } else {
    YR_COMPILER* raw = nullptr;
    if (yr_compiler_create(&raw) != ERROR_SUCCESS) throw Error("dispatch: cannot create a YARA compiler");
    std::unique_ptr<YR_COMPILER, void (*)(YR_COMPILER*)> compiler(raw, yr_compiler_destroy);
    CompilerMessages messages;
    yr_compiler_set_callback(compiler.get(), on_compiler_message, &messages);
    std::FILE* file = std::fopen(path.c_str(), "rb");
    if (file == nullptr) throw Error("dispatch_rules: cannot open " + path + ": " + std::strerror(errno));
    int errors = yr_compiler_add_file(compiler.get(), file, nullptr, path.c_str());
    std::fclose(file);
    if (errors > 0) throw Error("dispatch_rules: " + (messages.first_error.empty() ? path : messages.first_error));
    if (yr_compiler_get_rules(compiler.get(), &compiled_->rules) != ERROR_SUCCESS) {
      throw Error("dispatch_rules: cannot build the compiled rules of " + path);
    }
  }
  const YR_RULE* rule = nullptr;
  yr_rules_foreach(compiled_->rules, rule) { ++rule_count_; }
}

DispatchRules::~DispatchRules() = default;

std::vector<std::string> DispatchRules::routed_plugins(const std::string& meta_plugin) {
  std::vector<std::string> plugins;
  std::string_view rest = meta_plugin;
  while (!rest.empty()) {
    auto comma = rest.find(',');
    std::string item = trim(rest.substr(0, comma));
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    auto colon = item.find(':');
    if (colon == std::string::npos) continue;
    std::string category = item.substr(0, colon);
    if (category != "carver" && category != "extractor" && category != "decoder") continue;
    if (std::find(plugins.begin(), plugins.end(), item) == plugins.end()) plugins.push_back(std::move(item));
  }
  return plugins;
}

std::vector<std::pair<std::string, std::string>> DispatchRules::plugins_named(std::vector<std::string>* ignored) const {
  std::vector<std::pair<std::string, std::string>> named;
  std::set<std::string> seen;
  const YR_RULE* rule = nullptr;
  yr_rules_foreach(compiled_->rules, rule) {
    std::string plugin_list = meta_plugin(metas_of(rule));
    std::vector<std::string> kept = routed_plugins(plugin_list);
    for (const std::string& plugin : kept) {
      if (seen.insert(plugin).second) named.emplace_back(plugin, rule->identifier);
    }
    if (ignored != nullptr && !plugin_list.empty()) {
      std::string_view rest = plugin_list;
      while (!rest.empty()) {
        auto comma = rest.find(',');
        std::string item = trim(rest.substr(0, comma));
        rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
        if (!item.empty() && std::find(kept.begin(), kept.end(), item) == kept.end()) {
          ignored->push_back(std::string(rule->identifier) + ": " + item);
        }
      }
    }
  }
  return named;
}

std::vector<Route> DispatchRules::match(const Payload& payload, std::chrono::seconds timeout) const {
  YR_SCANNER* raw = nullptr;
  if (yr_scanner_create(compiled_->rules, &raw) != ERROR_SUCCESS) throw Error("dispatch: cannot create a YARA scanner");
  std::unique_ptr<YR_SCANNER, void (*)(YR_SCANNER*)> scanner(raw, yr_scanner_destroy);
  ScanState state;
  yr_scanner_set_callback(scanner.get(), on_scan_message, &state);
  yr_scanner_set_timeout(scanner.get(), static_cast<int>(std::clamp<std::int64_t>(timeout.count(), 1, 86400)));
  yr_scanner_set_flags(scanner.get(), SCAN_FLAGS_REPORT_RULES_MATCHING);
  int code = ERROR_SUCCESS;
  ByteView bytes = payload.bytes();
  if (payload.is_mapped() && bytes.size() > kBlockScanThreshold) {
    BlockReader reader{&payload};
    YR_MEMORY_BLOCK_ITERATOR iterator{};
    iterator.context = &reader;
    iterator.first = BlockReader::first;
    iterator.next = BlockReader::next;
    iterator.file_size = BlockReader::file_size;
    code = yr_scanner_scan_mem_blocks(scanner.get(), &iterator);
  } else {
    code = yr_scanner_scan_mem(scanner.get(), bytes.data(), bytes.size());
  }
  if (code != ERROR_SUCCESS) throw Error("dispatch rules scan " + scan_error_text(code));

  std::vector<Route> routes;
  for (const YR_RULE* rule : state.matched) {
    Json meta = metas_of(rule);
    for (std::string& plugin : routed_plugins(meta_plugin(meta))) {
      bool known = std::any_of(routes.begin(), routes.end(), [&](const Route& r) { return r.plugin == plugin; });
      if (!known) routes.push_back(Route{std::move(plugin), rule->identifier, meta});
    }
  }
  return routes;
}

}  // namespace stoq::dispatch

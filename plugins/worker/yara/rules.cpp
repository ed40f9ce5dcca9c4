#include "rules.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <system_error>

#include "stoq/error.hpp"

namespace stoq::plugins::worker::yara {

namespace fs = std::filesystem;

namespace {

// Two locks: a CompiledRules can be released (Library::~Library) while load_rules()
// holds the cache lock, when a compilation fails.
std::mutex g_library_mutex;
std::size_t g_library_users = 0;
std::mutex g_cache_mutex;
std::map<std::string, std::weak_ptr<const CompiledRules>> g_cache;

constexpr std::size_t kMaxWarnings = 50;

struct Source {
  fs::path file;
  std::string ns;
};

bool is_rule_file(const fs::path& file) {
  std::string extension = file.extension().string();
  std::transform(extension.begin(), extension.end(), extension.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return extension == ".yar" || extension == ".yara";
}

std::vector<Source> sources_of(const fs::path& path) {
  std::error_code error;
  fs::file_status status = fs::status(path, error);
  if (error || !fs::exists(status)) throw Error("yararules: " + path.string() + " does not exist");
  // Only regular files are opened: a FIFO (or a device) would block open() for ever.
  if (!fs::is_directory(status) && !fs::is_regular_file(status)) {
    throw Error("yararules: " + path.string() + " is not a regular file or a directory");
  }
  if (!fs::is_directory(status)) return {{path, "default"}};
  std::vector<Source> sources;
  auto options = fs::directory_options::follow_directory_symlink | fs::directory_options::skip_permission_denied;
  for (fs::recursive_directory_iterator it(path, options, error), end; !error && it != end; it.increment(error)) {
    std::error_code file_error;
    if (it->is_regular_file(file_error) && is_rule_file(it->path())) {
      sources.push_back({it->path(), it->path().lexically_relative(path).generic_string()});
    }
  }
  if (error) throw Error("yararules: cannot list " + path.string() + ": " + error.message());
  if (sources.empty()) throw Error("yararules: no .yar or .yara file under " + path.string());
  std::sort(sources.begin(), sources.end(), [](const Source& a, const Source& b) { return a.ns < b.ns; });
  return sources;
}

// What makes two requests the same rules: the files as they are now, and the externals.
std::string cache_key(const fs::path& path, const std::vector<Source>& sources, const Json& externals) {
  std::error_code error;
  std::string key = fs::weakly_canonical(path, error).string();
  for (const Source& source : sources) {
    std::error_code stat_error;
    auto modified = fs::last_write_time(source.file, stat_error).time_since_epoch().count();
    auto size = fs::file_size(source.file, stat_error);
    key += "\n" + source.ns + "|" + std::to_string(modified) + "|" + std::to_string(size);
  }
  return key + "\n" + externals.dump();
}

bool is_precompiled(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  char magic[4] = {};
  in.read(magic, sizeof(magic));
  return in.gcount() == 4 && std::memcmp(magic, "YARA", 4) == 0;
}

std::size_t count_rules(YR_RULES* rules) {
  std::size_t count = 0;
  const YR_RULE* rule = nullptr;
  yr_rules_foreach(rules, rule) { ++count; }
  return count;
}

struct CompilerMessages {
  std::string first_error;
  std::vector<std::string>* warnings = nullptr;
};

void on_compiler_message(int level, const char* file_name, int line, const YR_RULE* /*rule*/, const char* message,
                         void* user_data) {
  auto* messages = static_cast<CompilerMessages*>(user_data);
  std::string text = std::string(file_name != nullptr ? file_name : "<rules>") + ":" + std::to_string(line) + ": " +
                     (message != nullptr ? message : "unknown error");
  if (level == YARA_ERROR_LEVEL_ERROR) {
    if (messages->first_error.empty()) messages->first_error = std::move(text);
  } else if (messages->warnings->size() < kMaxWarnings) {
    messages->warnings->push_back(std::move(text));
  }
}

YR_RULES* compile(const std::vector<Source>& sources, const Json& externals, std::vector<std::string>& warnings) {
  YR_COMPILER* raw = nullptr;
  if (yr_compiler_create(&raw) != ERROR_SUCCESS) throw Error("yara: cannot create a rules compiler (out of memory)");
  std::unique_ptr<YR_COMPILER, void (*)(YR_COMPILER*)> compiler(raw, yr_compiler_destroy);
  CompilerMessages messages;
  messages.warnings = &warnings;
  yr_compiler_set_callback(compiler.get(), on_compiler_message, &messages);
  define_externals(compiler.get(), externals, yr_compiler_define_boolean_variable, yr_compiler_define_integer_variable,
                   yr_compiler_define_float_variable, yr_compiler_define_string_variable);
  for (const Source& source : sources) {
    std::string file_name = source.file.string();
    std::FILE* file = std::fopen(file_name.c_str(), "rb");
    if (file == nullptr) throw Error("yararules: cannot open " + file_name + ": " + std::strerror(errno));
    int errors = yr_compiler_add_file(compiler.get(), file, source.ns.c_str(), file_name.c_str());
    std::fclose(file);
    if (errors > 0) {
      std::string more = errors > 1 ? " (and " + std::to_string(errors - 1) + " more)" : "";
      throw Error("yararules: " + (messages.first_error.empty() ? file_name : messages.first_error) + more);
    }
  }
  YR_RULES* rules = nullptr;
  int code = yr_compiler_get_rules(compiler.get(), &rules);
  if (code != ERROR_SUCCESS) throw Error("yararules: cannot build the compiled rules: " + describe_error(code));
  return rules;
}

YR_RULES* load_compiled(const fs::path& file) {
  YR_RULES* rules = nullptr;
  int code = yr_rules_load(file.string().c_str(), &rules);
  if (code == ERROR_SUCCESS) return rules;
  std::string hint = code == ERROR_UNSUPPORTED_FILE_VERSION || code == ERROR_INVALID_FILE
                         ? " (compiled by another YARA version? recompile it with yarac " YR_VERSION
                           " or give the rules' source)"
                         : "";
  throw Error("yararules: cannot load compiled rules " + file.string() + ": " + describe_error(code) + hint);
}

}  // namespace

Library::Library() {
  std::lock_guard<std::mutex> lock(g_library_mutex);
  if (g_library_users == 0) {
    int code = yr_initialize();
    if (code != ERROR_SUCCESS) throw Error("yara: libyara failed to initialise: " + describe_error(code));
  }
  ++g_library_users;
}

Library::~Library() {
  std::lock_guard<std::mutex> lock(g_library_mutex);
  if (--g_library_users == 0) yr_finalize();
}

CompiledRules::CompiledRules(std::unique_ptr<Library> library, YR_RULES* rules, std::size_t rule_count,
                             bool precompiled)
    : library_(std::move(library)), rules_(rules), rule_count_(rule_count), precompiled_(precompiled) {}

CompiledRules::~CompiledRules() {
  if (rules_ != nullptr) yr_rules_destroy(rules_);
}

void check_externals(const Json& externals) {
  if (!externals.is_object()) throw Error("externals_dict must be a JSON object, got " + externals.dump());
  for (const auto& [name, value] : externals.items()) {
    if (!value.is_boolean() && !value.is_number() && !value.is_string()) {
      throw Error("externals_dict: '" + name + "' must be a boolean, a number or a string, got " + value.dump());
    }
  }
}

std::shared_ptr<const CompiledRules> load_rules(const std::string& path, const Json& externals, LoadReport& report) {
  check_externals(externals);
  std::vector<Source> sources = sources_of(path);
  std::string key = cache_key(path, sources, externals);

  std::lock_guard<std::mutex> lock(g_cache_mutex);
  std::erase_if(g_cache, [](const auto& entry) { return entry.second.expired(); });
  if (auto it = g_cache.find(key); it != g_cache.end()) {
    if (auto shared = it->second.lock()) {
      report.reused = true;
      return shared;
    }
  }
  auto library = std::make_unique<Library>();
  bool precompiled = sources.size() == 1 && sources.front().ns == "default" && is_precompiled(sources.front().file);
  YR_RULES* rules = precompiled ? load_compiled(sources.front().file) : compile(sources, externals, report.warnings);
  auto compiled = std::make_shared<const CompiledRules>(std::move(library), rules, count_rules(rules), precompiled);
  g_cache[key] = compiled;
  return compiled;
}

std::string rules_fingerprint(const std::string& path, const Json& externals) {
  return cache_key(path, sources_of(path), externals);
}

std::string describe_error(int code) {
  switch (code) {
    case ERROR_SUCCESS: return "success";
    case ERROR_INSUFFICIENT_MEMORY: return "out of memory";
    case ERROR_COULD_NOT_OPEN_FILE: return "could not open the file";
    case ERROR_COULD_NOT_READ_FILE: return "could not read the file";
    case ERROR_INVALID_FILE: return "not a compiled YARA rules file";
    case ERROR_CORRUPT_FILE: return "corrupt compiled rules";
    case ERROR_UNSUPPORTED_FILE_VERSION: return "unsupported compiled rules version";
    case ERROR_SCAN_TIMEOUT: return "scan timed out";
    case ERROR_TOO_MANY_MATCHES: return "too many matches";
    case ERROR_CALLBACK_ERROR: return "the match callback failed";
    case ERROR_EXEC_STACK_OVERFLOW: return "a rule overflowed the YARA execution stack";
    case ERROR_TOO_MANY_RE_FIBERS: return "a regular expression needed too many fibers";
    case ERROR_INVALID_ARGUMENT: return "invalid argument";
    case ERROR_INVALID_EXTERNAL_VARIABLE_TYPE: return "external variable of the wrong type";
    case ERROR_INTERNAL_FATAL_ERROR: return "internal libyara error";
    default: return "libyara error " + std::to_string(code);
  }
}

}  // namespace stoq::plugins::worker::yara

// Test support for plugin authors: load a built plugin exactly as stoq does (its
// .stoq file, option table and ABI handshake), activate it against a framework
// stand-in, and call it directly.
//
//   stoq::testing::PluginHarness harness(work_dir);
//   auto& worker = harness.activate<stoq::Worker>(plugin_dir, "hash", {{"hashes_list", "md5"}});
//   stoq::Json results = worker.scan(stoq::testing::payload_of("some bytes"), stoq::Json::object());
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "stoq/plugin.hpp"

namespace stoq::testing {

/// True when missing test inputs must fail rather than skip: the environment variable
/// STOQ_REQUIRE_ORACLES is set to 1 (CI sets it: there, a missing corpus or oracle tool
/// is a failure, on a user's fresh clone it is a skip).
bool oracles_required();
/// The full path of an executable found on PATH, or "" when there is none.
std::string find_tool(const std::string& name);

/// In a GoogleTest body: an oracle, corpus or fixture maker is missing, for `reason`
/// (streamed text): skip, or with STOQ_REQUIRE_ORACLES=1 fail. Every test that depends on
/// something outside the checkout goes through this or the two macros below.
// `reason` is a << chain ("text" << value), which parentheses would break.
// NOLINTBEGIN(bugprone-macro-parentheses)
#define STOQ_MISSING(reason)                                                               \
  do {                                                                                     \
    if (::stoq::testing::oracles_required()) FAIL() << "required but missing: " << reason; \
    GTEST_SKIP() << reason;                                                                \
  } while (0)
// NOLINTEND(bugprone-macro-parentheses)
/// In a GoogleTest body: skip (or, with STOQ_REQUIRE_ORACLES=1, fail) unless `path`
/// exists, e.g. STOQ_NEED_PATH(STOQ_SHARED_DIR "/corpus/strelka-fixtures/test.zip").
#define STOQ_NEED_PATH(path)                                                                 \
  do {                                                                                       \
    if (!std::filesystem::exists(path)) {                                                    \
      if (::stoq::testing::oracles_required()) FAIL() << "required but missing: " << (path); \
      GTEST_SKIP() << "not present: " << (path);                                             \
    }                                                                                        \
  } while (0)
/// Same for a command-line tool used as an oracle or fixture maker (e.g. "7zz", "bsdtar").
#define STOQ_NEED_TOOL(name)                                                                  \
  do {                                                                                        \
    if (::stoq::testing::find_tool(name).empty()) {                                           \
      if (::stoq::testing::oracles_required()) FAIL() << "required tool missing: " << (name); \
      GTEST_SKIP() << "tool not installed: " << (name);                                       \
    }                                                                                         \
  } while (0)

/// True in a build under AddressSanitizer (gcc or clang). Tests of peak RSS skip there:
/// shadow memory and the allocator's quarantine make RSS bounds meaningless; the normal
/// build checks them.
#if defined(__SANITIZE_ADDRESS__)
inline constexpr bool kAddressSanitizer = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
inline constexpr bool kAddressSanitizer = true;
#else
inline constexpr bool kAddressSanitizer = false;
#endif
#else
inline constexpr bool kAddressSanitizer = false;
#endif
/// In a GoogleTest body that measures peak RSS: skip under AddressSanitizer.
#define STOQ_SKIP_RSS_CHECK_UNDER_ASAN()                                                             \
  do {                                                                                               \
    if (::stoq::testing::kAddressSanitizer) GTEST_SKIP() << "peak RSS is not measurable under ASan"; \
  } while (0)

/// A payload holding a copy of `bytes` (text or binary), for calling plugins directly.
inline Payload payload_of(std::string_view bytes) { return Payload(Bytes(bytes.begin(), bytes.end())); }

/// A fresh directory under $TMPDIR (or /tmp), removed with everything in it (entries
/// a test made unreadable included).
class TempDir {
 public:
  explicit TempDir(const std::string& prefix = "stoq-test");
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  [[nodiscard]] const std::filesystem::path& root() const { return root_; }
  [[nodiscard]] const std::string& path() const { return path_; }
  /// path()/relative.
  [[nodiscard]] std::string path(const std::string& relative) const { return (root_ / relative).string(); }
  /// Writes `content` to path()/relative (creating folders); returns the full path.
  std::string write(const std::string& relative, std::string_view content) const;
  /// Creates path()/relative (and its parents); returns the full path.
  std::string mkdir(const std::string& relative) const;

 private:
  std::filesystem::path root_;
  std::string path_;
};

/// Splits text holding JSON objects/arrays printed one after another (as the stdout
/// connector prints them) into documents. Anything else between documents throws
/// stoq::Error. An incomplete last document throws too, unless `trailing` is given:
/// it then receives the incomplete rest (cleared when there is none).
std::vector<Json> parse_json_stream(std::string_view text, std::string* trailing = nullptr);

/// Runs `command` with /bin/sh -c (popen) and returns what it printed on stdout. When
/// `exit_status` is given it receives the command's exit status, or -1 when the shell
/// could not be started or the command ended on a signal (so 0 means success only).
std::string run_command(const std::string& command, int* exit_status = nullptr);
/// `text` in single quotes for /bin/sh (each ' written as '\''), e.g. a path.
std::string shell_quote(const std::string& text);
/// The whole content of the file at `path`, as bytes. Throws stoq::Error when it cannot
/// be read.
std::string read_file_bytes(const std::string& path);
/// Passes the bytes of each regular file in `folder` (a fuzz target's seeds, in name
/// order) to `target` (e.g. LLVMFuzzerTestOneInput) and returns how many files it passed.
/// The files for which `target` returned non-zero go to `rejected` when it is given. The
/// test asserts on both (e.g. at least N seeds, none rejected).
std::size_t replay_seeds(const std::string& folder, int (*target)(const std::uint8_t*, std::size_t),
                         std::vector<std::string>* rejected = nullptr);

class PluginHarness final : public Stoq {
 public:
  /// Results, archive, logs and temp files go under `work_dir` (created if missing).
  explicit PluginHarness(const std::string& work_dir);
  ~PluginHarness() override;
  PluginHarness(const PluginHarness&) = delete;
  PluginHarness& operator=(const PluginHarness&) = delete;

  /// Adjust before activating a plugin.
  CoreConfig& mutable_config() { return config_; }
  RunOptions& mutable_run() { return run_; }
  /// What extraction_limits() returns (adjust any time), and the bytes a new_child()
  /// keeps in memory before it spills to temp_dir.
  ExtractionLimits& mutable_limits() { return limits_; }
  void set_child_memory_limit(std::uint64_t bytes) { child_memory_limit_ = bytes; }

  /// Loads <plugin_dir>/<category>/<name>, applies `overrides` (option -> text, as on
  /// the command line) over its .stoq options, and activates it. Throws stoq::Error.
  template <typename T>
  T& activate(const std::string& plugin_dir, const std::string& name,
              const std::vector<std::pair<std::string, std::string>>& overrides = {}) {
    return dynamic_cast<T&>(activate_plugin(plugin_dir, T::kCategory, name, overrides));
  }

  /// A copy of the messages sources put() so far (safe while a source runs).
  [[nodiscard]] std::vector<Json> messages() const;
  /// Makes stopping() true (e.g. to end a source's ingest()).
  void stop() { stopping_.store(true); }

  // stoq::Stoq
  [[nodiscard]] const CoreConfig& config() const override { return config_; }
  [[nodiscard]] const RunOptions& run() const override { return run_; }
  bool put(Json message, Ack on_done) override;
  [[nodiscard]] bool stopping() const override { return stopping_.load(); }
  bool wait_for_stop(std::chrono::milliseconds timeout) override;
  /// reader() and publisher() load and activate the plugin (a new instance per call) from
  /// plugin_dir_list(), the first dir holding it winning, as stoq's own plugin_dir_list.
  Reader& reader(const std::string& name) override;
  Source& publisher(const std::string& name) override;
  /// Where reader() and publisher() look: the dirs given to activate() (first use first),
  /// then mutable_config().plugin_dir_list, then the bundled plugins of the stoq this test
  /// links (<libdir>/stoq/plugins beside libstoq-core.so, build tree or installed prefix).
  [[nodiscard]] std::vector<std::string> plugin_dir_list() const;
  Payload get_file(const std::string& path) override;
  [[nodiscard]] std::string hashpath(std::string_view sha1) const override;
  [[nodiscard]] const ExtractionLimits& extraction_limits() const override { return limits_; }
  ChildWriter new_child() override;

 private:
  Plugin& activate_plugin(const std::string& plugin_dir, Category category, const std::string& name,
                          const std::vector<std::pair<std::string, std::string>>& overrides);
  Plugin& activate_from(const std::vector<std::string>& plugin_dirs, Category category, const std::string& name,
                        const std::vector<std::pair<std::string, std::string>>& overrides);
  struct State;
  CoreConfig config_;
  RunOptions run_;
  std::vector<Json> messages_;
  std::atomic<bool> stopping_{false};
  ExtractionLimits limits_;
  std::uint64_t child_memory_limit_ = 64ULL << 20;
  std::unique_ptr<State> state_;
};

}  // namespace stoq::testing

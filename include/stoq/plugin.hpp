// The stoq plugin SDK: one base class per plugin category of the stoQ plugin guide.
//
// THREADING CONTRACT
//   Every plugin instance is confined to one thread. The framework creates one
//   instance of each plugin per worker thread (as the original stoQ ran one copy per
//   process), so an ordinary worker, connector, reader, extractor, carver, decoder or
//   decorator needs no locks. Only two things run concurrently with an instance:
//     * heartbeat(), on its own thread when wants_heartbeat() is true; state shared
//       between heartbeat() and the other methods is the plugin's to lock;
//     * other instances of the same plugin, on other threads; a resource shared
//       between instances (a file every instance appends to, stdout) must be written
//       atomically. stoq::write_output() does that for stdout.
//   Sources run ingest() on the main thread, one instance per run.
//
// ACKS (the Ack a source passes to put())
//   Each message's ack runs exactly once, and on one of these threads:
//     * a worker thread, once the message's results were saved (true) or could not be
//       saved (false); this is the usual case;
//     * the thread that called put(), inside put(), with false, when the run is already
//       stopping (the main thread for ingest(), or a thread the source started);
//     * the signal-watcher thread, with false, for messages still queued when the first
//       SIGINT/SIGTERM/SIGHUP arrives;
//     * a worker thread, with false, for messages still queued when the run stops because
//       the reader of stdout went away (EPIPE).
//   So acks of different messages run concurrently with each other and with ingest():
//   state they share is the source's to lock. Every ack has returned before the source's
//   deactivate() is called. A message in flight when the process is ended at once (a
//   second signal, kill -9) is never acknowledged: a queue source redelivers it.
//
// ERRORS
//   Throw (stoq::Error for a message meant for users, any std::exception otherwise).
//   The framework catches at the plugin boundary and records an entry in the results'
//   `errors` list; other plugins and payloads carry on.
//
// LIFECYCLE
//   create -> options bound -> activate(stoq) -> [heartbeat thread] -> calls ->
//   deactivate() -> destroy. activate() returning false stops the run with a message.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "stoq/abi.h"
#include "stoq/bytes.hpp"
#include "stoq/config.hpp"
#include "stoq/error.hpp"
#include "stoq/extraction.hpp"
#include "stoq/json.hpp"
#include "stoq/logger.hpp"
#include "stoq/options.hpp"
#include "stoq/payload.hpp"
#include "stoq/sdk_digest.h"

/// What the loader compares, beyond STOQ_ABI_TAG: SDK types such as stoq::Json cross
/// the boundary, so the JSON library's version is part of a module's identity too, and
/// so are the SDK headers themselves (STOQ_SDK_DIGEST, generated at build time into
/// stoq/sdk_digest.h): a plugin built against other headers is refused by name, not by
/// a missing symbol or a crash.
#define STOQ_BUILD_TAG                                                                       \
  STOQ_ABI_TAG ";nlohmann-json-" STOQ_ABI_STR(NLOHMANN_JSON_VERSION_MAJOR) "." STOQ_ABI_STR( \
      NLOHMANN_JSON_VERSION_MINOR) "." STOQ_ABI_STR(NLOHMANN_JSON_VERSION_PATCH) ";sdk-" STOQ_SDK_DIGEST

// Exported from libstoq.so (built with hidden visibility): everything declared here.
#pragma GCC visibility push(default)
namespace stoq {

enum class Category { Worker, Connector, Reader, Source, Extractor, Carver, Decoder, Decorator };

inline constexpr Category kAllCategories[] = {Category::Worker,  Category::Connector, Category::Reader,
                                              Category::Source,  Category::Extractor, Category::Carver,
                                              Category::Decoder, Category::Decorator};

constexpr const char* category_name(Category category) {
  switch (category) {
    case Category::Worker: return "worker";
    case Category::Connector: return "connector";
    case Category::Reader: return "reader";
    case Category::Source: return "source";
    case Category::Extractor: return "extractor";
    case Category::Carver: return "carver";
    case Category::Decoder: return "decoder";
    case Category::Decorator: return "decorator";
  }
  return "unknown";
}

std::optional<Category> parse_category(std::string_view name);

/// How a message a source put ended.
struct Outcome {
  /// True once its results were saved: acknowledge it. False when it was not processed
  /// or its results could not be saved: requeue it.
  bool saved = false;
  /// Saved, but the message itself failed: its payload could not be fetched or
  /// archived, or a worker failed on it. The first such error, one line ("plugin: text");
  /// empty otherwise. Queue sources republish such a message to <queue>-errors with
  /// "err" set (the original's error queues), then acknowledge it.
  std::string error;
};

/// Called exactly once per message a source put. Which thread calls it: see ACKS at
/// the top of this file.
using Ack = std::function<void(const Outcome& outcome)>;

/// What the user asked for on the command line; sources read their input from it.
struct RunOptions {
  std::string worker;             // the worker being run
  std::string path;               // -F/--file
  std::string source_queue;       // -Q/--queue (default: the worker name)
  bool consume_errors = false;    // -E/--errors: consume <queue>-errors instead
  std::string archive_connector;  // -A/--archive
  std::string output_connector;   // -C/--connector
  std::string outfile;            // -O/--outfile: where the output connector saves (empty: its default)
};

class Reader;
class Source;

/// The framework, as a plugin sees it (the original's `self.stoq`).
class Stoq {
 public:
  virtual ~Stoq();
  [[nodiscard]] virtual const CoreConfig& config() const = 0;
  [[nodiscard]] virtual const RunOptions& run() const = 0;

  /// Sources: queue one message (a small JSON object: path, archive, filename, tlp, ...
  /// never the bytes). Blocks while the queue holds max_queue messages. Returns false,
  /// without queueing, once the run is stopping; `on_done` is then called with false.
  virtual bool put(Json message, Ack on_done = {}) = 0;

  /// True once SIGINT/SIGTERM arrived or the run is ending.
  [[nodiscard]] virtual bool stopping() const = 0;
  /// Sleeps up to `timeout`; returns true as soon as the run is stopping.
  virtual bool wait_for_stop(std::chrono::milliseconds timeout) = 0;

  /// A reader plugin, loaded and activated on first use, owned by this thread.
  virtual Reader& reader(const std::string& name) = 0;
  /// A source plugin to publish messages with (Source::publish), loaded and activated
  /// on first use, owned by this thread; not the run's own source (-I).
  virtual Source& publisher(const std::string& name) = 0;

  /// Reads a local file (the original's stoq.get_file): refused outside
  /// source_base_tuple and above max_payload_size; throws stoq::Error with the reason.
  virtual Payload get_file(const std::string& path) = 0;

  /// archive_base/a/b/c/d/e/<sha1>: where the file connector archives a payload.
  [[nodiscard]] virtual std::string hashpath(std::string_view sha1) const = 0;

  /// Extractors, carvers, decoders: the allowance of the call in progress (children,
  /// bytes, ratio, deadline); generous defaults outside a dispatch.
  [[nodiscard]] virtual const ExtractionLimits& extraction_limits() const = 0;
  /// A writer for one (possibly large) child of the call in progress, bound to the
  /// request's memory budget and private spill directory. See ChildWriter.
  virtual ChildWriter new_child() = 0;

  /// Sources that know it: how many more messages this ingest() will put (adds up over
  /// calls). Only for the progress line's ETA; a wrong count is harmless. (Last: a
  /// virtual added at the end leaves the slots of modules built before it in place.)
  virtual void expect_messages(std::uint64_t count) { (void)count; }
};

/// What the loader knows about a plugin: its .stoq file and where it lives.
struct PluginInfo {
  std::string name;
  Category category = Category::Worker;
  std::string module;
  std::string author;
  std::string version;
  std::string website;
  std::string description;
  std::string plugin_path;  // <plugin_dir>/<category>/<name>
  std::string stoq_file;    // path of the .stoq file
};

class Plugin {
 public:
  Plugin() = default;
  Plugin(const Plugin&) = delete;
  Plugin& operator=(const Plugin&) = delete;
  virtual ~Plugin();

  /// Called once, after options were bound (stoq() is already usable; `stoq` is the
  /// same object, passed as in the guide). Return false (or throw) to refuse: the run
  /// stops with a message naming the plugin.
  virtual bool activate(Stoq& /*stoq*/) { return true; }
  /// Called once at shutdown, after the last call: flush and release here.
  virtual void deactivate() {}
  /// True: the framework starts one thread that calls heartbeat() once; heartbeat()
  /// loops itself, e.g. `while (!stoq().wait_for_stop(interval)) flush();`.
  [[nodiscard]] virtual bool wants_heartbeat() const { return false; }
  virtual void heartbeat() {}

  [[nodiscard]] const PluginInfo& info() const { return info_; }
  [[nodiscard]] const std::string& name() const { return info_.name; }
  [[nodiscard]] const Options& options() const { return options_; }
  [[nodiscard]] const Logger& log() const { return logger_; }
  [[nodiscard]] Stoq& stoq() const { return *stoq_; }

  /// Framework only: binds identity, options and host before activate().
  void bind(PluginInfo info, Options options, Logger logger, Stoq& stoq);

 private:
  PluginInfo info_;
  Options options_;
  Logger logger_;
  Stoq* stoq_ = nullptr;
};

/// Produces data from payloads.
class Worker : public Plugin {
 public:
  static constexpr Category kCategory = Category::Worker;
  ~Worker() override;
  /// `payload.is_none()` when the worker runs without a source. `kwargs` is the
  /// message (path, archive, filename, uuid, ...). Return an object (one results
  /// document), an array (each element its own document), null (nothing to save) or
  /// true (the plugin handled output itself; nothing is saved).
  virtual Json scan(const Payload& payload, const Json& kwargs) = 0;
};

/// What a connector is asked to save: a results document, rendered text or, with
/// kwargs["archive"] == true, the payload bytes themselves.
class Content {
 public:
  enum class Kind { Results, Text, Binary };
  static Content results(const Json& document) { return Content(Kind::Results, &document, {}, {}); }
  static Content text(std::string_view text) { return Content(Kind::Text, nullptr, text, {}); }
  static Content bytes(ByteView bytes) { return Content(Kind::Binary, nullptr, {}, bytes); }

  [[nodiscard]] Kind kind() const { return kind_; }
  [[nodiscard]] const Json& json() const;
  [[nodiscard]] std::string_view text() const { return text_; }
  [[nodiscard]] ByteView bytes() const { return bytes_; }
  /// Results as JSON (indent < 0: one line), text as-is, bytes as raw bytes.
  [[nodiscard]] std::string serialize(int indent) const;

 private:
  Content(Kind kind, const Json* json, std::string_view text, ByteView bytes)
      : kind_(kind), json_(json), text_(text), bytes_(bytes) {}
  Kind kind_;
  const Json* json_;
  std::string_view text_;
  ByteView bytes_;
};

/// Saves results (and optionally archives payloads and retrieves them again).
class Connector : public Plugin {
 public:
  static constexpr Category kCategory = Category::Connector;
  ~Connector() override;
  /// kwargs for results: sha1 (root payload), index (worker name), use_date, outfile.
  /// kwargs for archiving: archive=true plus md5/sha1/sha256/sha512/filename.
  /// Returns an identifier of what was stored (conn_id), or null.
  virtual Json save(const Content& payload, const Json& kwargs) = 0;
  /// (Re)connects when needed; save() should call it to verify a live connection.
  virtual void connect() {}
  virtual void disconnect() {}
  /// Retrieves a payload saved earlier (kwargs: the message, e.g. path or sha1).
  /// Default: throws stoq::Error "connector <name> does not retrieve files".
  virtual Payload get_file(const Json& kwargs);
};

/// Enriches data for workers (indicator extraction, text extraction, ...).
class Reader : public Plugin {
 public:
  static constexpr Category kCategory = Category::Reader;
  ~Reader() override;
  virtual Json read(const Payload& payload, const Json& kwargs) = 0;
};

/// Feeds messages to the framework through stoq().put(). ingest() returns when the
/// source is exhausted or stoq().stopping(); throw stoq::Error when it cannot start.
class Source : public Plugin {
 public:
  static constexpr Category kCategory = Category::Source;
  ~Source() override;
  virtual void ingest() = 0;
  /// Queue sources: sends `message` to the queue (or topic, or list) named `queue`,
  /// with `priority` 0..10 where the broker has priorities, and returns once the broker
  /// has it. The publisher worker and the error queues use it. Throws stoq::Error when
  /// it cannot; the default says that this source does not publish.
  virtual void publish(const Json& message, const std::string& queue, int priority);
};

/// Extractors, carvers and decoders return children (extraction.hpp). Throwing loses
/// the children of that call only: the framework records the error and goes on.
/// Decompresses / unpacks (zip, pdf streams, ...).
class Extractor : public Plugin {
 public:
  static constexpr Category kCategory = Category::Extractor;
  ~Extractor() override;
  virtual ExtractedList extract(const Payload& payload, const Json& kwargs) = 0;
};

/// Carves content out of payloads (PE in RTF, SWF in DOC, ...).
class Carver : public Plugin {
 public:
  static constexpr Category kCategory = Category::Carver;
  ~Carver() override;
  virtual ExtractedList carve(const Payload& payload, const Json& kwargs) = 0;
};

/// Decodes payloads (XOR, base64, ...).
class Decoder : public Plugin {
 public:
  static constexpr Category kCategory = Category::Decoder;
  ~Decoder() override;
  virtual ExtractedList decode(const Payload& payload, const Json& kwargs) = 0;
};

/// Post-processes a results document before it is saved; what it returns is saved.
class Decorator : public Plugin {
 public:
  static constexpr Category kCategory = Category::Decorator;
  ~Decorator() override;
  virtual Json decorate(Json results) = 0;
};

/// Writes `text` (plus a newline) to stdout in one locked write, so documents from
/// concurrent threads never interleave. Throws stoq::Error when stdout cannot take it
/// (disk full, closed, the reader went away): a document is never dropped silently.
void write_output(std::string_view text);

/// stdout as the results stream, beyond write_output()'s thrown errors.
namespace output {
/// True once a write to stdout failed with EPIPE: whoever read it (`| head -1`) is gone,
/// and every later document would fail the same way.
bool stdout_closed_by_reader();
/// For an exit that does not wait for the run: waits up to `timeout` for a document being
/// printed to be printed whole, then keeps stdout locked so that no other one starts.
/// False when the wait timed out (stdout is blocked, e.g. a reader that stopped reading).
bool hold_stdout(std::chrono::milliseconds timeout);
}  // namespace output

inline constexpr std::span<const stoq_option_spec> kNoOptions{};

}  // namespace stoq
#pragma GCC visibility pop

/// The one registration line at the bottom of a plugin's .cpp:
///   STOQ_PLUGIN(HashWorker, kOptions)      name, version, description: from the .stoq file
///   STOQ_PLUGIN(HashWorker)                the same, without options (stoq::kNoOptions)
///   STOQ_PLUGIN(HashWorker, "hash", "0.2", "Hash content", kOptions)   the older long form:
///       the name must then equal [Core] Name; version and description are ignored (the
///       .stoq file's are shown everywhere).
/// `option_table` is a C array / std::array of stoq_option_spec, or stoq::kNoOptions. The
/// category comes from Class (stoq::Worker, ...) and must match the plugin's folder.
#define STOQ_PLUGIN(...)                                                                                               \
  STOQ_PLUGIN_PICK_(__VA_ARGS__, STOQ_PLUGIN_5_, STOQ_PLUGIN_BAD_, STOQ_PLUGIN_BAD_, STOQ_PLUGIN_2_, STOQ_PLUGIN_1_, ) \
  (__VA_ARGS__)
#define STOQ_PLUGIN_PICK_(a1, a2, a3, a4, a5, chosen, ...) chosen
#define STOQ_PLUGIN_1_(Class) STOQ_PLUGIN_5_(Class, nullptr, nullptr, nullptr, ::stoq::kNoOptions)
#define STOQ_PLUGIN_2_(Class, option_table) STOQ_PLUGIN_5_(Class, nullptr, nullptr, nullptr, option_table)
#define STOQ_PLUGIN_BAD_(...) \
  static_assert(false, "STOQ_PLUGIN(Class[, options]) or STOQ_PLUGIN(Class, name, version, description, options)");
#define STOQ_PLUGIN_5_(Class, plugin_name, plugin_version, plugin_description, option_table)                \
  extern "C" __attribute__((visibility("default"))) const stoq_plugin_descriptor* stoq_plugin_entry(void) { \
    static const std::span<const stoq_option_spec> options_span(option_table);                              \
    static const stoq_plugin_descriptor descriptor = {                                                      \
        STOQ_ABI_VERSION_MAJOR,                                                                             \
        static_cast<uint32_t>(sizeof(stoq_plugin_descriptor)),                                              \
        STOQ_ABI_VERSION_MINOR,                                                                             \
        STOQ_BUILD_TAG,                                                                                     \
        plugin_name,                                                                                        \
        ::stoq::category_name(Class::kCategory),                                                            \
        plugin_version,                                                                                     \
        plugin_description,                                                                                 \
        options_span.data(),                                                                                \
        static_cast<uint32_t>(options_span.size()),                                                         \
        +[]() -> void* { return static_cast<::stoq::Plugin*>(new Class()); },                               \
        +[](void* plugin) { delete static_cast<::stoq::Plugin*>(plugin); }};                                \
    return &descriptor;                                                                                     \
  }

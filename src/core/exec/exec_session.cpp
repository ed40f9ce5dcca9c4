#include "exec/exec_session.hpp"

#include <spdlog/spdlog.h>

#include <cctype>
#include <cstdlib>
#include <filesystem>

#include "exec/exec_module.hpp"
#include "stoq/error.hpp"

namespace stoq::exec {
namespace {

using Clock = std::chrono::steady_clock;
constexpr auto kExitGrace = std::chrono::milliseconds(2000);   // deactivate: time to exit at end of input
constexpr auto kCrashGrace = std::chrono::milliseconds(1000);  // a child that closed stdout: time to exit

// A quotable excerpt of what the child wrote: printable ASCII, at most 120 characters.
std::string excerpt(std::string_view text) {
  std::string out;
  for (char c : text.substr(0, 120)) {
    auto byte = static_cast<unsigned char>(c);
    out += (std::isprint(byte) != 0) ? c : '?';
  }
  if (text.size() > 120) out += "...";
  return out;
}

std::string payload_label(const Payload* payload) {
  if (payload == nullptr) return "";
  if (payload->is_none()) return " (no payload)";
  return " while processing payload sha1 " + payload->hashes().sha1;
}

Json::number_unsigned_t unsigned_member(const Json& object, const char* name, const std::string& what) {
  auto it = object.find(name);
  if (it == object.end() || !it->is_number_unsigned()) {
    throw ChannelError(ChannelError::Kind::Garbage, what + " without a \"" + name + "\" count of bytes");
  }
  return it->get<Json::number_unsigned_t>();
}

}  // namespace

ExecSession::~ExecSession() {
  if (process_) process_->end(std::chrono::milliseconds(0));
}

Json ExecSession::request(const char* op, std::uint64_t size) {
  Json header = Json::object();
  header["op"] = op;
  header["size"] = size;
  return header;
}

std::chrono::seconds ExecSession::call_timeout() const {
  const Options& options = owner_.options();
  return std::chrono::seconds(options.has("call_timeout") ? options.get_int("call_timeout") : 0);
}

void ExecSession::start() {
  const PluginInfo& info = owner_.info();
  key_ = std::string(category_name(info.category)) + ":" + info.name;
  limit_ = WaitLimit{};
  if (call_timeout().count() > 0) limit_.deadline = Clock::now() + call_timeout();
  ensure_started();
}

void ExecSession::ensure_started() {
  if (process_ && process_->running()) {
    if (!process_->hung_up()) return;
    std::string ended = process_->end(kCrashGrace);  // it left between calls: start a new one
    owner_.log().info("exec plugin " + key_ + " " + ended + " between calls: restarting it");
  }
  const PluginInfo& info = owner_.info();
  if (key_.empty()) key_ = std::string(category_name(info.category)) + ":" + info.name;
  ProcessSpec spec;
  spec.executable = executable_path(info);
  spec.working_dir = info.plugin_path;
  spec.key = key_;
  spec.extra_env = {"STOQ_PLUGIN_NAME=" + info.name,
                    std::string("STOQ_PLUGIN_CATEGORY=") + category_name(info.category),
                    "STOQ_EXEC_PROTOCOL=" + std::to_string(kProtocolVersion)};
  // A private virtual environment (stoq install makes it from requirements.txt): first
  // on PATH, as `source venv/bin/activate` would do.
  std::filesystem::path venv = std::filesystem::path(info.plugin_path) / "venv";
  std::error_code error;
  if (std::filesystem::is_directory(venv / "bin", error)) {
    const char* path = std::getenv("PATH");  // NOLINT(concurrency-mt-unsafe): nothing in stoq sets the environment
    spec.extra_env.push_back("PATH=" + (venv / "bin").string() + (path != nullptr ? std::string(":") + path : ""));
    spec.extra_env.push_back("VIRTUAL_ENV=" + venv.string());
  }
  const Options& options = owner_.options();
  if (options.has("memory_limit")) spec.memory_limit = static_cast<std::uint64_t>(options.get_int("memory_limit"));
  process_ = std::make_unique<ExecProcess>(std::move(spec), owner_.log());
  process_->start();

  Json init = request("init", 0);
  init["protocol"] = kProtocolVersion;
  init["category"] = category_name(info.category);
  init["name"] = info.name;
  init["options"] = options.all();
  Json answer;
  try {
    writing_ = true;
    process_->write(init.dump(-1, ' ', false, Json::error_handler_t::replace) + "\n", limit_);
    writing_ = false;
    answer = read_answer();
  } catch (const ChannelError& failure) {
    try {
      fail(failure, nullptr);
    } catch (const Error& e) {
      throw Error(std::string(e.what()) + " (during init)");
    }
  }
  if (!answer["ok"].get<bool>()) {
    process_->end(kCrashGrace);
    const Json& reason = answer["error"];
    throw Error("exec plugin " + key_ + " refused to start: " +
                (reason.is_string() ? reason.get<std::string>() : std::string("no reason given")));
  }
}

void ExecSession::stop() {
  if (process_ && process_->running()) {
    std::string ended = process_->end(kExitGrace);
    if (ended != "exited with status 0") spdlog::debug("exec plugin {} {} at shutdown", key_, ended);
  }
}

Json ExecSession::read_answer() {
  std::string line = process_->read_line(kMaxAnswerLineBytes, limit_);
  Json answer = Json::parse(line, nullptr, false);
  if (answer.is_discarded() || !answer.is_object()) {
    throw ChannelError(ChannelError::Kind::Garbage,
                       "answered something that is not a JSON line: '" + excerpt(line) + "'");
  }
  auto ok = answer.find("ok");
  if (ok == answer.end() || !ok->is_boolean()) {
    throw ChannelError(ChannelError::Kind::Garbage, "answered a JSON line without \"ok\": '" + excerpt(line) + "'");
  }
  return answer;
}

Json ExecSession::call(const Json& request, ByteView body, const Payload* payload, bool abort_on_stop) {
  limit_ = WaitLimit{};
  if (call_timeout().count() > 0) limit_.deadline = Clock::now() + call_timeout();
  if (abort_on_stop) {
    Stoq* host = &owner_.stoq();
    limit_.stopping = [host] { return host->stopping(); };
  }
  std::string line = request.dump(-1, ' ', false, Json::error_handler_t::replace) + "\n";
  Json answer;
  // A plugin may end itself between calls (after N payloads, say) a moment after its
  // last answer, so the next request can meet a process on its way out. A child that
  // exits with status 0 without having answered a byte did not take the request: it is
  // restarted and the request sent once more. Any other ending fails the call.
  for (int attempt = 1;; ++attempt) {
    ensure_started();
    process_->begin_call();
    try {
      writing_ = true;
      process_->write(line, limit_);
      if (!body.empty()) process_->write(body, limit_);
      writing_ = false;
      answer = read_answer();
      break;
    } catch (const ChannelError& failure) {
      if (failure.kind() != ChannelError::Kind::Closed) fail(failure, payload);
      std::string ended = process_->end(kCrashGrace);
      if (attempt > 1 || ended != "exited with status 0") fail(failure, payload, ended);
      owner_.log().info("exec plugin " + key_ + " exited before taking a request: restarting it");
    }
  }
  if (!answer["ok"].get<bool>()) {
    const Json& reason = answer["error"];
    throw Error(reason.is_string() ? reason.get<std::string>() : "exec plugin " + key_ + " failed without a reason");
  }
  return answer;
}

ExtractedList ExecSession::read_children(const Json& answer, const Payload* payload) {
  const ExtractionLimits& limits = owner_.stoq().extraction_limits();
  ExtractedList children;
  try {
    auto list = answer.find("children");
    if (list == answer.end() || !list->is_array()) {
      throw ChannelError(ChannelError::Kind::Garbage, "answered without a \"children\" list");
    }
    if (list->size() > limits.max_children) {
      throw ChannelError(ChannelError::Kind::Garbage, "announced " + std::to_string(list->size()) +
                                                          " children, above max_children (" +
                                                          std::to_string(limits.max_children) + ")");
    }
    // Every size is checked before a byte is read: the child cannot make stoq read
    // (or store) more than max_total_bytes, and each child goes through a ChildWriter
    // that keeps at most max_child_size of it (the rest is read and dropped).
    std::uint64_t total = 0;
    for (const Json& child : *list) {
      if (!child.is_object())
        throw ChannelError(ChannelError::Kind::Garbage, "announced a child that is not an object");
      std::uint64_t size = unsigned_member(child, "size", "announced a child");
      total += size;
      if (size > limits.max_total_bytes || total > limits.max_total_bytes) {
        throw ChannelError(ChannelError::Kind::Garbage,
                           "announced children above max_total_bytes (" + std::to_string(limits.max_total_bytes) + ")");
      }
      auto meta = child.find("meta");
      if (meta != child.end() && !meta->is_object()) {
        throw ChannelError(ChannelError::Kind::Garbage, "announced child meta that is not an object");
      }
    }
    for (const Json& child : *list) {
      ChildWriter writer = owner_.stoq().new_child();
      process_->read_bytes(
          child["size"].get<std::uint64_t>(), [&writer](ByteView piece) { writer.write(piece); }, limit_);
      children.emplace_back(child.value("meta", Json::object()), writer.finish());
    }
  } catch (const ChannelError& failure) {
    fail(failure, payload);
  }
  return children;
}

Payload ExecSession::read_payload(const Json& answer, std::uint64_t max_size) {
  Bytes bytes;
  try {
    std::uint64_t size = unsigned_member(answer, "size", "answered");
    if (size > max_size) {
      throw ChannelError(ChannelError::Kind::Garbage,
                         "announced " + std::to_string(size) + " bytes, above " + std::to_string(max_size));
    }
    bytes.reserve(static_cast<std::size_t>(size));
    process_->read_bytes(
        size, [&bytes](ByteView piece) { bytes.insert(bytes.end(), piece.data(), piece.data() + piece.size()); },
        limit_);
  } catch (const ChannelError& failure) {
    fail(failure, nullptr);
  }
  return Payload(std::move(bytes));
}

void ExecSession::fail(const ChannelError& failure, const Payload* payload, std::string ended) {
  std::string reason;
  std::string stderr_line;
  switch (failure.kind()) {
    case ChannelError::Kind::Timeout:
      process_->end(std::chrono::milliseconds(0));
      reason = writing_ ? "did not read its input within " + std::to_string(call_timeout().count()) + " s (killed)"
                        : "did not answer within " + std::to_string(call_timeout().count()) + " s (killed)";
      break;
    case ChannelError::Kind::Stopped:
      process_->end(std::chrono::milliseconds(0));
      reason = "was ended: the run is stopping";
      break;
    case ChannelError::Kind::Garbage:
      process_->end(std::chrono::milliseconds(0));
      reason = failure.what();
      break;
    case ChannelError::Kind::Closed: {
      if (ended.empty()) ended = process_->end(kCrashGrace);
      reason = ended + " (" + failure.what() + ")";
      const Options& options = owner_.options();
      if (ended == "killed by SIGKILL" && options.has("memory_limit") && options.get_int("memory_limit") > 0) {
        reason += "; memory_limit is " + std::to_string(options.get_int("memory_limit")) + " bytes";
      }
      stderr_line = process_->last_stderr_line();
      break;
    }
  }
  writing_ = false;
  std::string message = "exec plugin " + key_ + " " + reason + payload_label(payload);
  if (!stderr_line.empty()) message += "; its last stderr line: " + excerpt(stderr_line);
  throw Error(message);
}

}  // namespace stoq::exec

// worker:basicworker: the stoQ guide's BasicWorker, doing something small but real:
// it reports the payload's size, its first bytes in hex and the file name it came as
// and, with --reader NAME, what that reader plugin makes of the payload.
#include <algorithm>
#include <cstdio>
#include <stoq/plugin.hpp>
#include <string>

namespace basicworker {

class BasicWorker final : public stoq::Worker {
 public:
  // Runs once, before the first payload: read and check options here.
  bool activate(stoq::Stoq& /*stoq*/) override {
    head_bytes_ = options().get_int("head_bytes");
    reader_ = options().get_string("reader");
    if (head_bytes_ < 0 || head_bytes_ > 4096) {
      throw stoq::Error("head_bytes must be 0..4096, got " + std::to_string(head_bytes_));
    }
    return true;
  }

  // Runs once per payload, always on this instance's thread. What it returns is saved
  // as results[0].scan; a stoq::Error becomes an entry of the document's errors.
  stoq::Json scan(const stoq::Payload& payload, const stoq::Json& kwargs) override {
    if (payload.is_none()) throw stoq::Error("basicworker needs a payload: give a file or directory with -F");
    stoq::ByteView bytes = payload.bytes();
    stoq::ByteView head = bytes.head(static_cast<std::size_t>(head_bytes_));
    std::string hex;
    for (std::uint8_t byte : head.span()) {
      char pair[3];
      std::snprintf(pair, sizeof pair, "%02x", byte);
      hex += pair;
    }
    stoq::Json results = {{"size", bytes.size()}, {"head", hex}, {"filename", kwargs.value("filename", "")}};
    // A reader is found by name in plugin_dir_list, loaded and activated on first use,
    // and owned by this thread, like this worker instance.
    if (!reader_.empty()) results["read"] = stoq().reader(reader_).read(payload, kwargs);
    return results;
  }

 private:
  std::int64_t head_bytes_ = 16;
  std::string reader_;
};

// {name, type, default, doc, short flag}: `stoq basicworker -h` shows it, -b sets it.
constexpr stoq_option_spec kOptions[] = {
    {"head_bytes", STOQ_OPTION_INT, "16", "How many of the first bytes to report, in hex.", 'b'},
    {"reader", STOQ_OPTION_STRING, "", "A reader plugin to run on the payload too (e.g. text).", 'r'},
};

}  // namespace basicworker

// Name, version and description are the .stoq file's.
STOQ_PLUGIN(basicworker::BasicWorker, basicworker::kOptions)

// worker:strings: the printable strings of a payload, ASCII and UTF-16LE, as GNU
// `strings -a` finds them (string_scanner.hpp), with the offset and encoding of each.
// The encodings are scanned side by side and merged in offset order, so max_strings
// keeps the first strings of the payload whatever their encoding, and the scan stops
// as soon as that many were found.
//
// Results: count, truncated (max_strings or max_bytes stopped the scan), min_length and
// strings: [{offset, encoding ("ascii" or "utf-16le"), length (characters), string
// (at most max_string_length of them)}], in offset order.
#include <algorithm>
#include <limits>
#include <vector>

#include "stoq/plugin.hpp"
#include "string_scanner.hpp"

namespace stoq::plugins::worker::strings {
namespace {

std::size_t bounded_option(const Options& options, const char* name, std::int64_t low, std::int64_t high) {
  std::int64_t value = options.get_int(name);
  if (value < low || value > high) {
    throw Error(std::string(name) + " must be between " + std::to_string(low) + " and " + std::to_string(high) +
                ", got " + std::to_string(value));
  }
  return static_cast<std::size_t>(value);
}

// One scanner per encoding and the string each would report next.
struct Lane {
  StringScanner scanner;
  std::optional<FoundString> pending;
};

}  // namespace

class StringsWorker final : public Worker {
 public:
  bool activate(Stoq& /*stoq*/) override {
    min_length_ = bounded_option(options(), "min_length", 1, 1 << 20);
    max_strings_ = bounded_option(options(), "max_strings", 0, std::numeric_limits<std::int32_t>::max());
    max_string_length_ = bounded_option(options(), "max_string_length", 1, std::numeric_limits<std::int32_t>::max());
    max_bytes_ = bounded_option(options(), "max_bytes", 0, std::numeric_limits<std::int64_t>::max());
    encodings_.clear();
    for (const std::string& name : options().get_list("encodings_list")) {
      std::optional<StringEncoding> encoding = parse_encoding(name);
      if (!encoding) throw Error("encodings_list: unknown encoding '" + name + "' (ascii, utf-16le)");
      if (std::find(encodings_.begin(), encodings_.end(), *encoding) == encodings_.end()) {
        encodings_.push_back(*encoding);
      }
    }
    if (encodings_.empty()) throw Error("encodings_list is empty: name ascii, utf-16le or both");
    return true;
  }

  Json scan(const Payload& payload, const Json& /*kwargs*/) override {
    if (payload.is_none()) throw Error("strings needs a payload: give a file or directory with -F");
    ByteView bytes = max_bytes_ == 0 ? payload.bytes() : payload.bytes().head(max_bytes_);
    std::vector<Lane> lanes;
    for (StringEncoding encoding : encodings_) {
      Lane lane{StringScanner(bytes, encoding, min_length_), std::nullopt};
      lane.pending = lane.scanner.next();
      lanes.push_back(lane);
    }
    Json found = Json::array();
    bool more = false;
    while (true) {
      // The lane whose next string starts first (ASCII before UTF-16LE at equal offsets).
      auto first = std::min_element(lanes.begin(), lanes.end(), [](const Lane& a, const Lane& b) {
        if (!a.pending || !b.pending) return a.pending.has_value();
        return a.pending->offset < b.pending->offset;
      });
      if (first == lanes.end() || !first->pending) break;
      if (found.size() == max_strings_) {
        more = true;
        break;
      }
      const FoundString& string = *first->pending;
      found.push_back({{"offset", string.offset},
                       {"encoding", encoding_name(string.encoding)},
                       {"length", string.characters},
                       {"string", string_text(bytes, string, max_string_length_)}});
      first->pending = first->scanner.next();
    }
    return {{"count", found.size()},
            {"truncated", more || bytes.size() < payload.size()},
            {"min_length", min_length_},
            {"strings", std::move(found)}};
  }

 private:
  std::size_t min_length_ = 4;
  std::size_t max_strings_ = 0;
  std::size_t max_string_length_ = 0;
  std::size_t max_bytes_ = 0;
  std::vector<StringEncoding> encodings_;
};

constexpr stoq_option_spec kOptions[] = {
    {"min_length", STOQ_OPTION_INT, "4", "Shortest string reported, in characters (GNU strings -n).", 'n'},
    {"max_strings", STOQ_OPTION_INT, "10000", "Report at most this many strings, the first in the payload.", 0},
    {"max_string_length", STOQ_OPTION_INT, "4096",
     "Keep at most this many characters of each string (length gives the whole).", 0},
    {"encodings_list", STOQ_OPTION_LIST, "ascii, utf-16le", "Encodings to look for: ascii, utf-16le or both.", 0},
    {"max_bytes", STOQ_OPTION_INT, "104857600", "Read at most this many bytes of a payload (0: all of it).", 0},
};

}  // namespace stoq::plugins::worker::strings

STOQ_PLUGIN(stoq::plugins::worker::strings::StringsWorker, "strings", "0.1",
            "Printable ASCII and UTF-16LE strings of a payload, with offsets", stoq::plugins::worker::strings::kOptions)

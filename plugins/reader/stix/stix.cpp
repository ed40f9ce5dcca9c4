// reader:stix: the indicators reader:iocregex finds in a payload, and the payload's
// hashes, as a STIX 2.1 bundle (bundle.hpp): a `file` observable with the payload's
// hashes (and name), then one `indicator` per distinct indicator, e.g.
//   {"type": "indicator", "pattern": "[ipv4-addr:value = '203.0.113.5']", ...}
// kwargs: "indicators" (iocregex's result: skips reading the payload again; iocextract
// passes it), "filename", "timestamp" (overrides the option for this call).
#include <chrono>
#include <ctime>

#include "bundle.hpp"
#include "stoq/plugin.hpp"

namespace stoq::plugins::reader::stix {

namespace {

std::string now_timestamp() {
  auto now = std::chrono::system_clock::now();
  std::time_t seconds = std::chrono::system_clock::to_time_t(now);
  auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  std::array<char, 32> text{};
  std::size_t n = std::strftime(text.data(), text.size(), "%Y-%m-%dT%H:%M:%S", &utc);
  std::array<char, 8> fraction{};
  std::snprintf(fraction.data(), fraction.size(), ".%03dZ", static_cast<int>(millis));
  return std::string(text.data(), n) + fraction.data();
}

}  // namespace

class StixReader final : public Reader {
 public:
  bool activate(Stoq& /*stoq*/) override {
    timestamp_option_ = options().get_string("timestamp");
    if (timestamp_option_ != "now") timestamp_ = checked_timestamp(timestamp_option_, "timestamp");
    payload_indicator_ = options().get_bool("payload_indicator");
    return true;
  }

  Json read(const Payload& payload, const Json& kwargs) override {
    if (payload.is_none()) throw Error("stix needs a payload to read");
    BundleInput input;
    input.hashes = payload.hashes();
    input.payload_indicator = payload_indicator_;
    input.timestamp = timestamp_option_ == "now" ? now_timestamp() : timestamp_;
    Json read_kwargs = Json::object();
    if (kwargs.is_object()) {
      if (auto name = kwargs.find("filename"); name != kwargs.end() && name->is_string()) {
        input.filename = name->get<std::string>();
        read_kwargs["filename"] = *name;
      }
      if (auto stamp = kwargs.find("timestamp"); stamp != kwargs.end()) {
        if (!stamp->is_string()) throw Error("timestamp: expected a string, got " + stamp->dump());
        input.timestamp = checked_timestamp(stamp->get<std::string>(), "timestamp");
      }
    }
    Json found;
    if (kwargs.is_object() && kwargs.contains("indicators")) {
      if (!kwargs["indicators"].is_object()) throw Error("indicators: expected iocregex's result (an object)");
      input.indicators = &kwargs["indicators"];
    } else {
      found = stoq().reader("iocregex").read(payload, read_kwargs);
      input.indicators = &found;
    }
    return build_bundle(input);
  }

 private:
  static std::string checked_timestamp(const std::string& text, const std::string& what) {
    std::optional<std::string> normalized = normalize_timestamp(text);
    if (!normalized) {
      throw Error(what + ": expected a UTC timestamp such as 2024-01-31T12:00:00.000Z (or now), got '" + text + "'");
    }
    return *normalized;
  }

  std::string timestamp_option_;
  std::string timestamp_;
  bool payload_indicator_ = false;
};

constexpr stoq_option_spec kOptions[] = {
    {"timestamp", STOQ_OPTION_STRING, "1970-01-01T00:00:00.000Z",
     "created/modified/valid_from of the objects: a UTC timestamp (fixed, so the same input gives the same "
     "bundle) or now (the wall clock; ids change with it).",
     0},
    {"payload_indicator", STOQ_OPTION_BOOL, "False",
     "Also add an indicator for the payload's own SHA-256 (the file observable is always there).", 0},
};

}  // namespace stoq::plugins::reader::stix

STOQ_PLUGIN(stoq::plugins::reader::stix::StixReader, "stix", "0.1",
            "Indicators and payload hashes as a STIX 2.1 bundle", stoq::plugins::reader::stix::kOptions)

// worker:peinfo: what a PE file says about itself (headers, sections, imports and
// imphash, exports, resources, version information, rich header, debug directory,
// TLS callbacks, Authenticode certificates, overlay), read by the parser in pe_*.cpp.
// A truncated or malformed file gives what could be read plus an "errors" list.
#include <cstdint>
#include <string>

#include "pe_analyze.hpp"
#include "stoq/plugin.hpp"

namespace stoq::plugins::worker::peinfo {

class PeInfoWorker final : public Worker {
 public:
  bool activate(Stoq& /*stoq*/) override {
    limits_.max_sections = count("max_sections");
    limits_.max_imports = count("max_imports");
    limits_.max_exports = count("max_exports");
    limits_.max_resources = count("max_resources");
    limits_.max_resource_depth = count("max_resource_depth");
    limits_.max_certificates = count("max_certificates");
    limits_.max_digest_bytes = count("max_digest_bytes");
    // peidrules is accepted for the original's .stoq files; PEiD signatures are not implemented.
    if (!options().get_string("peidrules").empty()) {
      log().debug("peidrules is set but PEiD signature matching is not implemented: ignored");
    }
    return true;
  }

  Json scan(const Payload& payload, const Json& /*kwargs*/) override {
    if (payload.is_none()) throw Error("peinfo needs a payload: give a file or directory with -F");
    Analysis analysis = analyze_pe(payload.bytes(), limits_);
    if (!analysis.is_pe) {
      const Json& errors = analysis.results["errors"];
      throw Error(errors.empty() ? std::string("not a PE file") : errors[0].get<std::string>());
    }
    return std::move(analysis.results);
  }

 private:
  std::size_t count(const char* name) {
    const std::int64_t value = options().get_int(name);
    if (value < 0) throw Error(std::string(name) + " must be 0 or more, got " + std::to_string(value));
    return static_cast<std::size_t>(value);
  }

  Limits limits_;
};

constexpr stoq_option_spec kOptions[] = {
    {"peidrules", STOQ_OPTION_STRING, "", "PEiD signature file of the original plugin: accepted, not used yet.", 0},
    {"max_sections", STOQ_OPTION_INT, "1024", "Most section headers read.", 0},
    {"max_imports", STOQ_OPTION_INT, "8192", "Most import table entries read, all DLLs together.", 0},
    {"max_exports", STOQ_OPTION_INT, "8192", "Most exported symbols read.", 0},
    {"max_resources", STOQ_OPTION_INT, "4096", "Most resource directory entries read, all levels together.", 0},
    {"max_resource_depth", STOQ_OPTION_INT, "8", "Deepest resource directory nesting followed.", 0},
    {"max_certificates", STOQ_OPTION_INT, "64", "Most Authenticode certificates listed.", 0},
    {"max_digest_bytes", STOQ_OPTION_INT, "268435456",
     "Most bytes hashed for section md5/entropy and resource sha256 per payload.", 0},
};

}  // namespace stoq::plugins::worker::peinfo

STOQ_PLUGIN(stoq::plugins::worker::peinfo::PeInfoWorker, "peinfo", "0.10",
            "Gather relevant information about an executable (PE parser)", stoq::plugins::worker::peinfo::kOptions)

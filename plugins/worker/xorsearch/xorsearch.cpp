// worker:xorsearch: finds terms hidden in a payload by XOR with any one-byte key, by
// rotating bytes left (ROL 1..7) or by rotating letters (ROT 1..25), as stoQ's original
// xorsearch worker did by running Didier Stevens' XORSearch with a terms file. The
// search is built in (xor_scanner.hpp) and takes one pass over the payload.
//
// Results keep the original's keys: {"hits": [{"xor": "3F", "pos": "0085", "str": ...}]},
// "xor" being XORSearch's key text (hex; decimal for ROT), "pos" the offset in hex and
// "str" XORSearch's decoded preview. Each hit adds what the original left implicit:
// "term", "encoding" (XOR, ROL, ROT), "key" and "offset" as numbers.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <limits>
#include <optional>
#include <sstream>
#include <stdexcept>

#include "stoq/plugin.hpp"
#include "stoq/text.hpp"
#include "xor_scanner.hpp"

namespace stoq::plugins::worker::xorsearch {
namespace fs = std::filesystem;

namespace {

constexpr std::uintmax_t kMaxTermsFileBytes = 16U << 20;

std::string read_terms_file(const fs::path& path) {
  std::error_code error;
  std::uintmax_t size = fs::file_size(path, error);
  if (error) throw Error("terms: cannot read " + path.string() + ": " + error.message());
  if (size > kMaxTermsFileBytes) {
    throw Error("terms: " + path.string() + " is larger than " + std::to_string(kMaxTermsFileBytes) + " bytes");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error("terms: cannot open " + path.string());
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::size_t bounded_option(const Options& options, const char* name, std::int64_t low, std::int64_t high) {
  std::int64_t value = options.get_int(name);
  if (value < low || value > high) {
    throw Error(std::string(name) + " must be between " + std::to_string(low) + " and " + std::to_string(high) +
                ", got " + std::to_string(value));
  }
  return static_cast<std::size_t>(value);
}

// XORSearch's notation: "%02X" for XOR and ROL keys, "%02d" for ROT; "%04X" positions.
std::string key_text(const Hit& hit) {
  char text[8];
  std::snprintf(text, sizeof text, hit.operation == Operation::Rot ? "%02d" : "%02X", hit.key);
  return text;
}

std::string position_text(std::size_t offset) {
  char text[24];
  std::snprintf(text, sizeof text, "%04zX", offset);
  return text;
}

}  // namespace

class XorSearchWorker final : public Worker {
 public:
  bool activate(Stoq& /*stoq*/) override {
    if (options().has("bin")) {
      log().debug("bin = " + options().get_string("bin") + " is not used: the XORSearch search is built in");
    }
    std::vector<std::string> terms;
    std::string terms_file = options().get_string("terms");
    if (!terms_file.empty()) {
      std::optional<fs::path> path = find_terms_file(terms_file);
      if (!path) throw Error("terms: " + terms_file + " does not exist");
      terms = parse_terms(read_terms_file(*path));
    }
    for (const std::string& term : options().get_list("terms_list")) terms.push_back(term);
    std::vector<std::string> unique;
    for (std::string& term : terms) {
      if (std::find(unique.begin(), unique.end(), term) == unique.end()) unique.push_back(std::move(term));
    }
    if (unique.empty()) throw Error("no terms to search: set terms (a file) or terms_list");

    SearchSettings settings;
    settings.include_plain = options().get_bool("include_plain");
    settings.max_hits = bounded_option(options(), "max_hits", 0, std::numeric_limits<std::int32_t>::max());
    settings.operations = {false, false, false};
    for (const std::string& name : options().get_list("encodings_list")) {
      std::optional<Operation> operation = parse_operation(name);
      if (!operation) throw Error("encodings_list: unknown encoding '" + name + "' (xor, rol, rot)");
      settings.operations.at(static_cast<std::size_t>(*operation)) = true;
    }
    if (std::none_of(settings.operations.begin(), settings.operations.end(), [](bool on) { return on; })) {
      throw Error("encodings_list is empty: name xor, rol, rot or some of them");
    }
    preview_length_ = bounded_option(options(), "preview_length", 0, 1 << 20);
    max_bytes_ = bounded_option(options(), "max_bytes", 0, std::numeric_limits<std::int64_t>::max());
    try {
      searcher_.emplace(std::move(unique), settings);
    } catch (const std::invalid_argument& e) {
      throw Error(std::string("terms: ") + e.what());
    }
    return true;
  }

  Json scan(const Payload& payload, const Json& /*kwargs*/) override {
    if (payload.is_none()) throw Error("xorsearch needs a payload: give a file or directory with -F");
    ByteView bytes = max_bytes_ == 0 ? payload.bytes() : payload.bytes().head(max_bytes_);
    SearchResult found = searcher_->search(bytes);
    Json hits = Json::array();
    for (const Hit& hit : found.hits) {
      const std::string& term = searcher_->terms().at(hit.term);
      hits.push_back({{"xor", key_text(hit)},
                      {"pos", position_text(hit.offset)},
                      {"str", XorSearcher::preview(bytes, hit, preview_length_)},
                      {"term", is_valid_utf8(term) ? term : latin1_to_utf8(ByteView(term))},
                      {"encoding", operation_name(hit.operation)},
                      {"key", hit.key},
                      {"offset", hit.offset}});
    }
    return {{"hits", std::move(hits)}, {"truncated", found.limited || bytes.size() < payload.size()}};
  }

 private:
  static std::optional<Operation> parse_operation(std::string_view name) {
    if (name == "xor") return Operation::Xor;
    if (name == "rol") return Operation::Rol;
    if (name == "rot") return Operation::Rot;
    return std::nullopt;
  }

  // `terms` is a PATH option, so a relative value arrives anchored to this plugin's
  // folder. stoQ 0.x wrote it relative to its home (plugins/worker/xorsearch/terms.txt
  // in the original .stoq): that is tried against base_dir, then as the file of that
  // name in this plugin's folder, where stoq's own terms.txt lives.
  [[nodiscard]] std::optional<fs::path> find_terms_file(const std::string& value) const {
    fs::path path(value);
    fs::path plugin_dir(info().plugin_path);
    fs::path base_dir(stoq().config().base_dir);
    std::vector<fs::path> candidates{path};
    fs::path relative = path.lexically_relative(plugin_dir);
    if (!base_dir.empty() && !relative.empty() && *relative.begin() != "..") candidates.push_back(base_dir / relative);
    fs::path parent = path.parent_path();
    if (parent.filename() == "xorsearch" && parent.parent_path().filename() == "worker") {
      candidates.push_back(plugin_dir / path.filename());
    }
    std::error_code error;
    for (const fs::path& candidate : candidates) {
      if (!fs::is_regular_file(candidate, error)) continue;
      if (candidate != candidates.front()) log().info("terms: " + value + " not found, using " + candidate.string());
      return candidate.lexically_normal();
    }
    return std::nullopt;
  }

  std::optional<XorSearcher> searcher_;
  std::size_t preview_length_ = 50;
  std::size_t max_bytes_ = 0;
};

constexpr stoq_option_spec kOptions[] = {
    {"bin", STOQ_OPTION_STRING, nullptr,
     "Not used: the original ran Didier Stevens' XORSearch from this path; the search is now built in.", 0},
    {"terms", STOQ_OPTION_PATH, "terms.txt",
     "File of terms, one per line (XORSearch -f); blank lines and lines starting with # are skipped.", 't'},
    {"terms_list", STOQ_OPTION_LIST, "", "More terms, comma-separated (3 to 1024 bytes each).", 0},
    {"encodings_list", STOQ_OPTION_LIST, "xor, rol, rot",
     "Encodings to try: xor (keys 00-FF), rol (1-7 bits), rot (letters, 1-25).", 0},
    {"include_plain", STOQ_OPTION_BOOL, "False", "Also report terms found as they are (XOR 00); the original did not.",
     0},
    {"max_hits", STOQ_OPTION_INT, "1000", "Report at most this many hits, the first in the payload.", 0},
    {"preview_length", STOQ_OPTION_INT, "50", "Characters of decoded text in each hit's str (XORSearch -l).", 0},
    {"max_bytes", STOQ_OPTION_INT, "67108864", "Search at most this many bytes of a payload (0: all of it).", 0},
};

}  // namespace stoq::plugins::worker::xorsearch

STOQ_PLUGIN(stoq::plugins::worker::xorsearch::XorSearchWorker, "xorsearch", "0.11",
            "Search a payload for XOR-, ROL- and ROT-encoded strings", stoq::plugins::worker::xorsearch::kOptions)

// reader:iocregex: extracts and normalizes indicators of compromise from a payload:
// ipv4, ipv6, domain, url, email, md5, sha1, sha256, sha512 and mac_address, as
// stoQ's iocregex reader did, with linear-time tokenizers instead of regular
// expressions (see ioc.hpp). read() returns {"ipv4": [...], "domain": [...], ...}
// with only the types found, each list deduplicated in first-seen order.
#include <filesystem>
#include <fstream>
#include <sstream>

#include "ioc.hpp"
#include "stoq/plugin.hpp"
#include "whitelist.hpp"

namespace stoq::plugins::reader::iocregex {
namespace fs = std::filesystem;

namespace {

constexpr std::uintmax_t kMaxListFileBytes = 16U << 20;

std::string read_text_file(const fs::path& path) {
  std::error_code error;
  std::uintmax_t size = fs::file_size(path, error);
  if (error) throw Error("cannot read " + path.string() + ": " + error.message());
  if (size > kMaxListFileBytes) {
    throw Error(path.string() + " is larger than " + std::to_string(kMaxListFileBytes) + " bytes");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error("cannot open " + path.string());
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string all_type_names() {
  std::string names;
  for (std::size_t i = 0; i < kIocTypeCount; ++i) {
    names += (i > 0 ? ", " : "") + std::string(type_name(static_cast<IocType>(i)));
  }
  return names;
}

// The types named by a list of names (ioc_types_list, or the `ioctype` kwarg); "all"
// names them all.
std::array<bool, kIocTypeCount> parse_types(const std::vector<std::string>& names, const std::string& what) {
  std::array<bool, kIocTypeCount> enabled{};
  for (const std::string& name : names) {
    if (name == "all") {
      enabled.fill(true);
      continue;
    }
    std::optional<IocType> type = parse_type(name);
    if (!type) throw Error(what + ": unknown indicator type '" + name + "' (" + all_type_names() + ", or all)");
    enabled[index_of(*type)] = true;
  }
  return enabled;
}

}  // namespace

class IocRegexReader final : public Reader {
 public:
  bool activate(Stoq& /*stoq*/) override {
    if (options().get_bool("auto_update")) {
      log().warn("auto_update = True is not supported: stoq never downloads the IANA list (" +
                 options().get_string("iana_url") + "); the local iana_tld_file is used as it is");
    }
    std::string tld_option = options().get_string("iana_tld_file");
    std::optional<fs::path> tld_file = find_file(tld_option, "iana_tld_file");
    if (!tld_file) throw Error("iana_tld_file: " + tld_option + " does not exist");
    tlds_ = TldSet::parse(read_text_file(*tld_file));
    if (tlds_.size() == 0) throw Error("iana_tld_file: " + tld_file->string() + " lists no top-level domain");

    for (const std::string& entry : options().get_list("whitelist_file_list")) {
      std::optional<fs::path> file = find_file(entry, "whitelist_file_list");
      if (!file) {
        log().warn("whitelist file not found, skipped: " + entry);
        continue;
      }
      for (const std::string& problem : whitelist_.add_text(read_text_file(*file), file->string())) {
        log().warn("whitelist line skipped: " + problem);
      }
    }

    config_.enabled = parse_types(options().get_list("ioc_types_list"), "ioc_types_list");
    config_.refang = options().get_bool("refang");
    config_.max_per_type = positive("max_iocs_per_type");
    config_.max_url_length = positive("max_url_length");
    max_scan_bytes_ = positive("max_scan_bytes");
    config_.tlds = &tlds_;
    config_.whitelist = &whitelist_;
    log().debug(std::to_string(tlds_.size()) + " top-level domains from " + tld_file->string() + ", " +
                std::to_string(whitelist_.size()) + " whitelist patterns");
    return true;
  }

  /// kwargs: "ioctype" (a type name, a list of them, or "all") narrows the types read.
  Json read(const Payload& payload, const Json& kwargs) override {
    if (payload.is_none()) throw Error("iocregex needs a payload to read");
    ScanConfig config = config_;
    if (kwargs.is_object() && kwargs.contains("ioctype")) config.enabled = requested_types(kwargs["ioctype"]);
    std::string where = kwargs.is_object() && kwargs.contains("filename") && kwargs["filename"].is_string()
                            ? " of " + kwargs["filename"].get<std::string>()
                            : std::string();
    ByteView bytes = payload.bytes();
    if (bytes.size() > max_scan_bytes_) {
      log().warn("read the first " + std::to_string(max_scan_bytes_) + " of " + std::to_string(bytes.size()) +
                 " bytes" + where + " (max_scan_bytes)");
      bytes = bytes.head(max_scan_bytes_);
    }
    Findings findings = scan(bytes, config);
    Json results = Json::object();
    for (std::size_t i = 0; i < kIocTypeCount; ++i) {
      std::string name(type_name(static_cast<IocType>(i)));
      if (findings.capped[i]) {
        log().warn("kept the first " + std::to_string(config.max_per_type) + " distinct " + name + " indicators" +
                   where + " (max_iocs_per_type)");
      }
      if (!findings.values[i].empty()) results[name] = std::move(findings.values[i]);
    }
    return results;
  }

 private:
  std::size_t positive(const char* name) const {
    std::int64_t value = options().get_int(name);
    if (value < 1) throw Error(std::string(name) + " must be 1 or more, got " + std::to_string(value));
    return static_cast<std::size_t>(value);
  }

  static std::array<bool, kIocTypeCount> requested_types(const Json& ioctype) {
    std::vector<std::string> names;
    if (ioctype.is_string()) names.push_back(ioctype.get<std::string>());
    if (ioctype.is_array()) {
      for (const Json& name : ioctype) {
        if (!name.is_string()) throw Error("ioctype: expected a type name, got " + name.dump());
        names.push_back(name.get<std::string>());
      }
    }
    if (names.empty()) throw Error("ioctype: expected a type name or a list of them, got " + ioctype.dump());
    return parse_types(names, "ioctype");
  }

  // A configured file: an absolute path (PATH options arrive anchored to the plugin folder,
  // or to the working directory from the command line), else relative to the plugin folder,
  // then to base_dir. stoQ's configs named the shipped files
  // <base_dir>/plugins/reader/iocregex/<file>: such a path that does not exist falls back to
  // the file of that name in this plugin's folder.
  std::optional<fs::path> find_file(const std::string& value, const std::string& option) const {
    fs::path path(value);
    fs::path plugin_dir(info().plugin_path);
    fs::path base_dir(stoq().config().base_dir);
    std::vector<fs::path> candidates;
    if (path.is_absolute()) {
      candidates.push_back(path);
      fs::path relative = path.lexically_relative(plugin_dir);
      if (!base_dir.empty() && !relative.empty() && *relative.begin() != "..")
        candidates.push_back(base_dir / relative);
    } else {
      candidates.push_back(plugin_dir / path);
      if (!base_dir.empty()) candidates.push_back(base_dir / path);
    }
    fs::path parent = path.parent_path();
    if (parent.filename() == "iocregex" && parent.parent_path().filename() == "reader") {
      candidates.push_back(plugin_dir / path.filename());
    }
    std::error_code error;
    for (const fs::path& candidate : candidates) {
      if (!fs::is_regular_file(candidate, error)) continue;
      if (candidate != candidates.front())
        log().info(option + ": " + value + " not found, using " + candidate.string());
      return candidate.lexically_normal();
    }
    return std::nullopt;
  }

  TldSet tlds_;
  Whitelist whitelist_;
  ScanConfig config_;
  std::size_t max_scan_bytes_ = 0;
};

constexpr stoq_option_spec kOptions[] = {
    {"iana_tld_file", STOQ_OPTION_PATH, "tlds-alpha-by-domain.txt",
     "IANA list of top-level domains; a domain, URL host or e-mail domain must end in one.", 0},
    {"iana_url", STOQ_OPTION_STRING, "https://data.iana.org/TLD/tlds-alpha-by-domain.txt",
     "Where IANA publishes that list (kept for stoQ configs: stoq never downloads it).", 0},
    {"auto_update", STOQ_OPTION_BOOL, "False",
     "Not supported (no network access): True only logs a warning; update iana_tld_file by hand.", 0},
    {"update_interval", STOQ_OPTION_INT, "30", "Days between auto_update downloads (kept for stoQ configs; unused).",
     0},
    {"whitelist_file_list", STOQ_OPTION_LIST, "whitelist.txt",
     "Whitelist files (type:pattern lines), comma-separated, relative to the plugin folder; matches are dropped.", 0},
    {"refang", STOQ_OPTION_BOOL, "True",
     "Also read defanged indicators: 1[.]2[.]3[.]4, example(dot)com, user[at]example.com, hxxp://.", 0},
    {"ioc_types_list", STOQ_OPTION_LIST, "ipv4, ipv6, domain, url, email, md5, sha1, sha256, sha512, mac_address",
     "Indicator types to extract (or all).", 0},
    {"max_iocs_per_type", STOQ_OPTION_INT, "10000", "Keep at most this many distinct indicators of each type.", 0},
    {"max_scan_bytes", STOQ_OPTION_INT, "67108864", "Read at most this many bytes of a payload (the rest is ignored).",
     0},
    {"max_url_length", STOQ_OPTION_INT, "4096", "Longer URLs are cut to this many bytes.", 0},
};

}  // namespace stoq::plugins::reader::iocregex

STOQ_PLUGIN(stoq::plugins::reader::iocregex::IocRegexReader, "iocregex", "0.13",
            "Extract and normalize indicators of compromise from a payload", stoq::plugins::reader::iocregex::kOptions)

// fuzz_stoq_manifest: a .stoq file as the loader handles it: parse_ini, then the
// [options] section resolved against the hash worker's schema (the framework's worker
// options plus hashes_list, a LIST option, built through schema_from_descriptor as the
// loader does), then read back the way the pipeline and the hash worker read it.
// Contract: stoq::Error for bad input, nothing else.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "config/ini.hpp"
#include "loader/catalog.hpp"
#include "stoq/error.hpp"
#include "stoq/plugin.hpp"

namespace {

constexpr stoq_option_spec kHashOptions[] = {
    {"hashes_list", STOQ_OPTION_LIST, "md5, sha1, sha256, sha512",
     "Hashes to report: any of md5, sha1, sha256, sha512, ssdeep.", 0},
};

const std::vector<stoq::loader::OptionSchema>& hash_schema() {
  static const std::vector<stoq::loader::OptionSchema> schema = [] {
    stoq_plugin_descriptor descriptor{};
    descriptor.abi_major = STOQ_ABI_VERSION_MAJOR;
    descriptor.struct_size = sizeof(stoq_plugin_descriptor);
    descriptor.name = "hash";
    descriptor.category = "worker";
    descriptor.options = kHashOptions;
    descriptor.option_count = 1;
    return stoq::loader::schema_from_descriptor(descriptor, "hash.so");
  }();
  return schema;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto& schema = hash_schema();
  try {
    stoq::config::IniFile file = stoq::config::parse_ini(text, "hash.stoq");
    std::vector<stoq::config::IniEntry> entries;
    if (const stoq::config::IniSection* options = file.find("options")) entries = options->entries;
    stoq::Options options = stoq::loader::resolve_options(schema, entries, file, "worker:hash");
    // What engine::Pipeline and worker:hash read; required options must be present now.
    bool hashpayload = options.get_bool("hashpayload");
    bool saveresults = options.get_bool("saveresults");
    std::string max_tlp = options.get_string("max_tlp");
    std::string ratelimit = options.get_string("ratelimit");
    std::vector<std::string> hashes = options.get_list("hashes_list");
    if (options.has("min_stoq_version")) (void)options.get_string("min_stoq_version");
    if (options.has("max_stoq_version")) (void)options.get_string("max_stoq_version");
    (void)hashpayload;
    (void)saveresults;
    (void)max_tlp;
    (void)ratelimit;
    (void)hashes;
  } catch (const stoq::Error&) {
  }
  return 0;
}

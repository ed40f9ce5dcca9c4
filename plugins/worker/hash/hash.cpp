// worker:hash: the payload's hashes as scan results. The framework hashes each
// payload once; this worker reads those hashes instead of hashing again. The fuzzy
// hashes are computed here: ssdeep (libfuzzy, as the ssdeep tool prints it) and TLSH
// (libtlsh), printed as current TLSH releases and Strelka print it: "T1" and the 70
// hex digits of the 128-bucket, 1-byte-checksum hash ("TNULL" when the payload is too
// short or too uniform to hash). Debian's tlsh-tools print the same digits without "T1".
#include <tlsh.h>

#include <algorithm>
#include <array>
#include <string_view>

#include "stoq/plugin.hpp"

namespace stoq::plugins::worker::hash {

namespace {

std::string tlsh_hash(const Payload& payload) {
  Tlsh tlsh;
  // In pieces: a mapped payload's pages are released behind the read.
  payload.read_sequentially(std::size_t{1} << 20, [&tlsh](ByteView piece) {
    tlsh.update(piece.data(), static_cast<unsigned int>(piece.size()));
    return true;
  });
  tlsh.final();
  std::array<char, TLSH_STRING_BUFFER_LEN> buffer{};
  const char* digest = tlsh.getHash(buffer.data(), static_cast<unsigned int>(buffer.size()));
  if (digest == nullptr || *digest == '\0') return "TNULL";
  return std::string("T1") + digest;
}

}  // namespace

class HashWorker final : public Worker {
 public:
  bool activate(Stoq& /*stoq*/) override {
    static constexpr std::array<std::string_view, 6> kKnown{"md5", "sha1", "sha256", "sha512", "ssdeep", "tlsh"};
    algorithms_ = options().get_list("hashes_list");
    if (algorithms_.empty()) throw Error("hashes_list is empty");
    for (const std::string& algorithm : algorithms_) {
      if (std::find(kKnown.begin(), kKnown.end(), algorithm) == kKnown.end()) {
        throw Error("unknown hash '" + algorithm + "' in hashes_list (md5, sha1, sha256, sha512, ssdeep, tlsh)");
      }
    }
    return true;
  }

  Json scan(const Payload& payload, const Json& /*kwargs*/) override {
    if (payload.is_none()) throw Error("hash needs a payload: give a file or directory with -F");
    const Hashes& hashes = payload.hashes();
    Json results = Json::object();
    for (const std::string& algorithm : algorithms_) {
      if (algorithm == "md5") results["md5"] = hashes.md5;
      if (algorithm == "sha1") results["sha1"] = hashes.sha1;
      if (algorithm == "sha256") results["sha256"] = hashes.sha256;
      if (algorithm == "sha512") results["sha512"] = hashes.sha512;
      if (algorithm == "ssdeep") results["ssdeep"] = ssdeep_hash(payload.bytes());
      if (algorithm == "tlsh") results["tlsh"] = tlsh_hash(payload);
    }
    return results;
  }

 private:
  std::vector<std::string> algorithms_;
};

constexpr stoq_option_spec kOptions[] = {
    {"hashes_list", STOQ_OPTION_LIST, "md5, sha1, sha256, sha512",
     "Hashes to report: any of md5, sha1, sha256, sha512, ssdeep, tlsh.", 0},
};

}  // namespace stoq::plugins::worker::hash

STOQ_PLUGIN(stoq::plugins::worker::hash::HashWorker, "hash", "0.2", "Hash content",
            stoq::plugins::worker::hash::kOptions)

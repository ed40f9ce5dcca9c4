// worker:xorsearch: payloads built here (terms XOR-, ROL- and ROT-encoded at known
// offsets with known keys) and a naive reference written here (decode the whole payload
// under each of XORSearch's keys, then look for each term), which the one-pass search
// must equal hit for hit; and stoQ's original xorsearch.stoq, loaded unchanged.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "stoq/template.hpp"
#include "stoq/testing.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

namespace fs = std::filesystem;
using stoq::Json;
using stoq::testing::payload_of;
using stoq::testing::PluginHarness;
using stoq::testing::TempDir;
using Overrides = std::vector<std::pair<std::string, std::string>>;

class XorSearch {
 public:
  explicit XorSearch(const Overrides& overrides = {}, const std::string& plugin_dir = STOQ_PLUGIN_DIR)
      : harness_(dir_.path()) {
    try {
      worker_ = &harness_.activate<stoq::Worker>(plugin_dir, "xorsearch", overrides);
    } catch (const stoq::Error& e) {
      throw stoq::Error(e.what());  // copied while the module is still loaded
    }
  }
  Json scan(std::string_view bytes) { return worker_->scan(payload_of(bytes), Json::object()); }
  Json scan_file(const std::string& path) { return worker_->scan(harness_.get_file(path), Json::object()); }

 private:
  TempDir dir_{"stoq-xorsearch"};
  PluginHarness harness_;
  stoq::Worker* worker_ = nullptr;
};

// The encodings, written from XORSearch's description: XOR k; "ROL k" finds what,
// rotated left by k bits, is the term (so the term was rotated right by k); "ROT k"
// finds the term with each letter moved k places forward.
std::string xor_with(std::string_view text, unsigned key) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(static_cast<unsigned char>(c) ^ key);
  return out;
}
unsigned char rotate_left(unsigned char c, unsigned bits) {
  bits %= 8;
  return bits == 0 ? c : static_cast<unsigned char>((c << bits) | (c >> (8 - bits)));
}
std::string rol_hidden(std::string_view text, unsigned key) {  // what ROL `key` reveals
  std::string out(text);
  for (char& c : out) c = static_cast<char>(rotate_left(static_cast<unsigned char>(c), 8 - key));
  return out;
}
unsigned char rot_letter(unsigned char c, unsigned places) {
  if (c >= 'a' && c <= 'z') return static_cast<unsigned char>('a' + (c - 'a' + places) % 26);
  if (c >= 'A' && c <= 'Z') return static_cast<unsigned char>('A' + (c - 'A' + places) % 26);
  return c;
}
std::string rot_hidden(std::string_view text, unsigned key) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(rot_letter(static_cast<unsigned char>(c), key));
  return out;
}

using NaiveHit = std::tuple<std::size_t, std::string, unsigned, std::string>;  // offset, encoding, key, term

// The slow way, as XORSearch does it: 255 (or 256) + 7 + 25 decodings of the whole
// payload, each searched for every term. An encoding that leaves a term unchanged
// would find the plain text again: those are left out, as the worker documents.
std::vector<NaiveHit> naive_search(std::string_view payload, const std::vector<std::string>& terms, bool plain) {
  std::vector<NaiveHit> hits;
  auto search = [&](const std::string& decoded, const std::string& encoding, unsigned key,
                    const std::function<std::string(std::string_view)>& hide) {
    for (const std::string& term : terms) {
      if (encoding != "XOR" && hide(term) == term) continue;
      for (std::size_t at = decoded.find(term); at != std::string::npos; at = decoded.find(term, at + 1)) {
        hits.emplace_back(at, encoding, key, term);
      }
    }
  };
  for (unsigned key = plain ? 0 : 1; key < 256; ++key) {
    search(xor_with(payload, key), "XOR", key, [key](std::string_view t) { return xor_with(t, key); });
  }
  for (unsigned key = 1; key < 8; ++key) {
    std::string decoded(payload);
    for (char& c : decoded) c = static_cast<char>(rotate_left(static_cast<unsigned char>(c), key));
    search(decoded, "ROL", key, [key](std::string_view t) { return rol_hidden(t, key); });
  }
  for (unsigned key = 1; key < 26; ++key) {
    std::string decoded(payload);
    for (char& c : decoded) c = static_cast<char>(rot_letter(static_cast<unsigned char>(c), 26 - key));
    search(decoded, "ROT", key, [key](std::string_view t) { return rot_hidden(t, key); });
  }
  std::sort(hits.begin(), hits.end());
  return hits;
}

std::vector<NaiveHit> hits_of(const Json& scan) {
  std::vector<NaiveHit> hits;
  for (const Json& hit : scan["hits"]) {
    hits.emplace_back(hit["offset"].get<std::size_t>(), hit["encoding"].get<std::string>(), hit["key"].get<unsigned>(),
                      hit["term"].get<std::string>());
  }
  std::sort(hits.begin(), hits.end());
  return hits;
}

std::string pseudo_random(std::size_t size, std::uint32_t seed) {
  std::string out;
  for (std::size_t i = 0; i < size; ++i) {
    seed = seed * 1664525U + 1013904223U;
    out.push_back(static_cast<char>(seed >> 24));
  }
  return out;
}

TEST(XorSearchWorker, FindsEachEncodingAtItsOffsetWithTheOriginalKeys) {
  XorSearch search(Overrides{{"terms", ""}, {"terms_list", "This program, CreateFile, GetProcAddress"}});
  std::string payload = std::string(16, '\0');
  payload += xor_with("This program cannot be run in DOS mode", 0x3F);  // offset 16
  payload += std::string(10, '\xAA');
  payload += rol_hidden("CreateFile", 3);  // offset 64
  payload += "\n\n";
  payload += rot_hidden("GetProcAddress", 13);  // offset 76
  Json scan = search.scan(payload);
  ASSERT_EQ(scan["hits"].size(), 3U) << scan.dump(2);
  EXPECT_EQ(scan["hits"][0], Json::parse(R"({"xor": "3F", "pos": "0010",
      "str": "This program cannot be run in DOS mode..........Wq", "term": "This program", "encoding": "XOR",
      "key": 63, "offset": 16})"));
  EXPECT_EQ(scan["hits"][1]["xor"], "03");
  EXPECT_EQ(scan["hits"][1]["encoding"], "ROL");
  EXPECT_EQ(scan["hits"][1]["offset"], 64);
  EXPECT_EQ(scan["hits"][1]["str"].get<std::string>().substr(0, 10), "CreateFile");
  EXPECT_EQ(scan["hits"][2], Json::parse(R"({"xor": "13", "pos": "004C", "str": "GetProcAddress",
      "term": "GetProcAddress", "encoding": "ROT", "key": 13, "offset": 76})"));
  EXPECT_EQ(scan["truncated"], false);
}

TEST(XorSearchWorker, PlainTextOnlyWithIncludePlain) {
  std::string payload = "see http://example.com";
  EXPECT_EQ(XorSearch(Overrides{{"terms_list", "http://"}, {"terms", ""}}).scan(payload)["hits"], Json::array());
  Json scan = XorSearch(Overrides{{"terms_list", "http://"}, {"terms", ""}, {"include_plain", "True"}}).scan(payload);
  ASSERT_EQ(scan["hits"].size(), 1U);
  EXPECT_EQ(scan["hits"][0]["xor"], "00");
  EXPECT_EQ(scan["hits"][0]["pos"], "0004");
}

TEST(XorSearchWorker, EqualsTheNaiveLoopOnGeneratedPayloads) {
  std::vector<std::string> terms = {"This program", "LoadLibrary", "abc", "http://", "ZZZZ", "1234"};
  XorSearch search(Overrides{
      {"terms", ""}, {"terms_list", "This program, LoadLibrary, abc, http://, ZZZZ, 1234"}, {"max_hits", "100000"}});
  for (std::uint32_t seed = 1; seed <= 6; ++seed) {
    std::string payload = pseudo_random(20000, seed);
    // Hide terms with chosen keys at chosen offsets, plus plain copies and runs of one byte.
    payload.replace(100 * seed, 12, xor_with("This program", seed * 40));
    payload.replace(3000 + seed, 11, rol_hidden("LoadLibrary", 1 + seed % 7));
    payload.replace(7000 + 3 * seed, 7, rot_hidden("http://", seed * 4));
    payload.replace(9000, 4, "1234");
    payload.replace(12000, 64, std::string(64, static_cast<char>(seed * 17)));
    payload.replace(15000, 12, xor_with("abcabcabcabc", seed));
    Json scan = search.scan(payload);
    EXPECT_EQ(hits_of(scan), naive_search(payload, terms, false)) << "seed " << seed;
    EXPECT_GE(scan["hits"].size(), 4U);
  }
}

TEST(XorSearchWorker, EqualsTheNaiveLoopOnCorpusFiles) {
  const std::string fixtures = std::string(STOQ_SHARED_DIR) + "/corpus/strelka-fixtures/";
  std::vector<std::string> terms = {"This program", "GetProcAddress", "kernel32", "mscoree", "ELF", "Root Entry"};
  XorSearch search(Overrides{{"terms", ""},
                             {"terms_list", "This program, GetProcAddress, kernel32, mscoree, ELF, Root Entry"},
                             {"include_plain", "True"},
                             {"max_hits", "100000"}});
  for (const char* name : {"test.exe", "test.elf", "test.doc"}) {
    STOQ_NEED_PATH(fixtures + name);
    std::string bytes = stoq::testing::read_file_bytes(fixtures + name);
    EXPECT_EQ(hits_of(search.scan_file(fixtures + name)), naive_search(bytes, terms, true)) << name;
  }
}

TEST(XorSearchWorker, MaxHitsKeepsTheFirstHits) {
  XorSearch search(Overrides{{"terms", ""}, {"terms_list", "AAAA"}, {"max_hits", "5"}, {"encodings_list", "xor"}});
  Json scan = search.scan(std::string(100, '\0'));  // "AAAA" XOR 0x41 at every offset
  ASSERT_EQ(scan["hits"].size(), 5U);
  EXPECT_EQ(scan["hits"][4]["offset"], 4);
  EXPECT_EQ(scan["hits"][4]["xor"], "41");
  EXPECT_EQ(scan["truncated"], true);
}

TEST(XorSearchWorker, MaxBytesAndPreviewLength) {
  XorSearch search(Overrides{{"terms", ""}, {"terms_list", "secret"}, {"max_bytes", "20"}, {"preview_length", "4"}});
  std::string payload = "xx" + xor_with("secret", 9) + std::string(20, 'y') + xor_with("secret", 9);
  Json scan = search.scan(payload);
  ASSERT_EQ(scan["hits"].size(), 1U);
  EXPECT_EQ(scan["hits"][0]["str"], "secr");
  EXPECT_EQ(scan["truncated"], true);
}

TEST(XorSearchWorker, DefaultTermsFileIsShipped) {
  XorSearch search;
  Json scan = search.scan("MZ" + xor_with("program cannot be run", 0x55) + rot_hidden("ShellExecute", 1));
  std::vector<NaiveHit> hits = hits_of(scan);
  ASSERT_EQ(hits.size(), 2U) << scan.dump(2);
  EXPECT_EQ(hits[0], NaiveHit(2, "XOR", 0x55, "program cannot"));
  EXPECT_EQ(hits[1], NaiveHit(23, "ROT", 1, "ShellExecute"));
}

TEST(XorSearchWorker, BadTermsAndOptionsRefuseActivation) {
  EXPECT_THROW(XorSearch(Overrides{{"terms", ""}}), stoq::Error);                        // no terms at all
  EXPECT_THROW(XorSearch(Overrides{{"terms", ""}, {"terms_list", "ab"}}), stoq::Error);  // too short
  EXPECT_THROW(XorSearch(Overrides{{"terms", "/nonexistent/terms.txt"}}), stoq::Error);  // missing file
  EXPECT_THROW(XorSearch(Overrides{{"encodings_list", "xor, base64"}}), stoq::Error);
  EXPECT_THROW(XorSearch(Overrides{{"max_hits", "-1"}}), stoq::Error);
}

// stoQ's own xorsearch.stoq (bin = /usr/local/bin/xorsearch, terms =
// plugins/worker/xorsearch/terms.txt, min_stoq_version), unchanged, beside the module
// and its terms file, as an installed plugin folder would hold them.
TEST(XorSearchWorker, TheOriginalStoqFileLoadsUnchanged) {
  std::string original = std::string(STOQ_SHARED_DIR) + "/corpus/stoq-configs/worker/xorsearch.stoq";
  STOQ_NEED_PATH(original);
  TempDir plugins;
  fs::path folder = plugins.mkdir("worker/xorsearch");
  fs::path built = fs::path(STOQ_PLUGIN_DIR) / "worker" / "xorsearch";
  fs::copy_file(built / "xorsearch.so", folder / "xorsearch.so");
  fs::copy_file(built / "terms.txt", folder / "terms.txt");
  fs::copy_file(original, folder / "xorsearch.stoq");
  XorSearch search({}, plugins.path());
  Json scan = search.scan("\x01\x02" + xor_with("This program cannot be run in DOS mode", 0x7A) + std::string(4, '\0'));
  ASSERT_EQ(scan["hits"].size(), 1U) << scan.dump(2);
  // "program cannot", from the terms file; the plain NULs after it decode to "zzzz".
  EXPECT_EQ(scan["hits"][0]["term"], "program cannot");
  EXPECT_EQ(scan["hits"][0]["xor"], "7A");
  EXPECT_EQ(scan["hits"][0]["pos"], "0007");
  EXPECT_EQ(scan["hits"][0]["str"], "program cannot be run in DOS modezzzz");
}

// Random inputs through the fuzz target's checks (flags, max_hits, terms, NUL, payload).
TEST(XorSearchFuzz, TargetOnRandomInputs) {
  std::uint32_t state = 99;
  for (int round = 0; round < 300; ++round) {
    std::string data;
    std::size_t size = 2 + round * 7 % 600;
    for (std::size_t i = 0; i < size; ++i) {
      state = state * 1664525U + 1013904223U;
      std::uint32_t pick = state >> 24;
      data.push_back(static_cast<char>(i == 0           ? pick
                                       : i == 1         ? 40
                                       : pick % 8 == 0  ? '\n'
                                       : pick % 13 == 0 ? '\0'
                                                        : 'a' + pick % 4));
    }
    EXPECT_EQ(LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(data.data()), data.size()), 0);
  }
}

TEST(XorSearchFuzz, TargetReplaysItsSeeds) {
  std::vector<std::string> rejected;
  EXPECT_GE(stoq::testing::replay_seeds(XORSEARCH_FUZZ_CORPUS, LLVMFuzzerTestOneInput, &rejected), 3U);
  EXPECT_EQ(rejected, std::vector<std::string>{});
}

TEST(XorSearchTemplate, StdoutSummary) {
  XorSearch search(Overrides{{"terms", ""}, {"terms_list", "CreateFile"}});
  Json scan = search.scan("ab" + xor_with(std::string("CreateFileA\0", 12), 0x10));  // the NUL ends str
  Json document = {{"results", Json::array({{{"filename", "sample.bin"}, {"size", 14}, {"scan", scan}},
                                            {{"filename", "clean.bin"}, {"size", 3}, {"scan", search.scan("abc")}}})}};
  stoq::templating::Environment environment(fs::path(STOQ_PLUGIN_DIR) / "worker" / "xorsearch" / "templates");
  std::string text = environment.get_template("stdout.tpl")->render({{"results", document}});
  EXPECT_EQ(text,
            "sample.bin\n"
            "    size      14 bytes\n"
            "    hits      1\n"
            "      0x00000002  XOR 10  CreateFile  |CreateFileA|\n"
            "\n"
            "clean.bin\n"
            "    size      3 bytes\n"
            "    hits      none\n");
}

}  // namespace

// worker:peinfo on PE files the test builds itself (tests/pe_builder.hpp): every part
// of the results, the original .stoq file, and malformed input (truncation at every
// length, garbage, resource loops): partial results and errors, never a crash.
#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <array>
#include <filesystem>
#include <fstream>
#include <string>

#include "pe_builder.hpp"
#include "stoq/testing.hpp"

namespace {

using stoq::Json;
using stoq::testing::payload_of;

std::string md5_of(std::string_view text) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  EVP_Digest(text.data(), text.size(), digest.data(), &length, EVP_md5(), nullptr);
  std::string out;
  for (unsigned int i = 0; i < length; ++i) {
    std::array<char, 3> pair{};
    std::snprintf(pair.data(), pair.size(), "%02x", digest[i]);
    out += pair.data();
  }
  return out;
}

class PeInfo : public ::testing::Test {
 protected:
  Json scan(const std::string& bytes) { return worker().scan(payload_of(bytes), Json::object()); }
  stoq::Worker& worker(const std::vector<std::pair<std::string, std::string>>& overrides = {}) {
    if (worker_ == nullptr || !overrides.empty()) {
      worker_ = &harness_.activate<stoq::Worker>(STOQ_PLUGIN_DIR, "peinfo", overrides);
    }
    return *worker_;
  }

  stoq::testing::TempDir work_;
  stoq::testing::PluginHarness harness_{work_.path()};
  stoq::Worker* worker_ = nullptr;
};

TEST_F(PeInfo, Pe32DllEveryPart) {
  Json r = scan(peinfo_test::build_pe({}));
  ASSERT_FALSE(r.contains("errors")) << r.dump(2);
  EXPECT_EQ(r["pe_type"], "PE32");
  EXPECT_EQ(r["machine_type"], "IMAGE_FILE_MACHINE_I386");
  EXPECT_EQ(r["timestamp"], peinfo_test::kTimestamp);
  EXPECT_EQ(r["compile_time"], "2020-09-13T12:26:40Z");
  EXPECT_EQ(r["is_dll"], true);
  EXPECT_EQ(r["is_exe"], false);
  EXPECT_EQ(r["subsystem"], "IMAGE_SUBSYSTEM_WINDOWS_GUI");
  EXPECT_EQ(r["dll_characteristics"],
            Json::parse(R"(["IMAGE_DLLCHARACTERISTICS_DYNAMIC_BASE","IMAGE_DLLCHARACTERISTICS_NX_COMPAT"])"));
  EXPECT_EQ(r["entrypoint"], 0x1000);
  EXPECT_EQ(r["image_base"], peinfo_test::kImageBase32);
  ASSERT_EQ(r["sections"].size(), 3U);
  EXPECT_EQ(r["section_count"], 3);
  EXPECT_EQ(r["sections"][1]["name"], ".rdata");
  EXPECT_EQ(r["sections"][1]["virtual_address"], 0x2000);
  EXPECT_EQ(r["sections"][0]["flags"],
            Json::parse(R"(["IMAGE_SCN_CNT_CODE","IMAGE_SCN_MEM_EXECUTE","IMAGE_SCN_MEM_READ"])"));
  // Imports: names, and ws2_32 ordinals named as pefile's ordlookup names them.
  ASSERT_EQ(r["imports"].size(), 2U);
  EXPECT_EQ(r["imports"][0]["dll"], "KERNEL32.dll");
  EXPECT_EQ(r["imports"][0]["functions"][1]["name"], "LoadLibraryA");
  EXPECT_EQ(r["imports"][1]["functions"][0]["name"], "socket");
  EXPECT_EQ(r["imports"][1]["functions"][0]["ordinal"], 23);
  EXPECT_EQ(r["imports"][1]["functions"][2]["name"], "ord499");
  EXPECT_EQ(r["imphash"], md5_of("kernel32.getprocaddress,kernel32.loadlibrarya,kernel32.exitprocess,"
                                 "ws2_32.socket,ws2_32.wsastartup,ws2_32.ord499"));
  // Exports: named first, then by ordinal only.
  EXPECT_EQ(r["exports"]["name"], "peinfo_test.dll");
  ASSERT_EQ(r["exports"]["functions"].size(), 3U);
  EXPECT_EQ(r["exports"]["functions"][0]["name"], "AlphaFunction");
  EXPECT_EQ(r["exports"]["functions"][1]["ordinal"], 2);
  EXPECT_TRUE(r["exports"]["functions"][2]["name"].is_null());
  EXPECT_EQ(r["exports"]["functions"][2]["ordinal"], 3);
  // Resources and version information.
  ASSERT_EQ(r["resources"].size(), 1U);
  EXPECT_EQ(r["resources"][0]["type"], "RT_VERSION");
  EXPECT_EQ(r["resources"][0]["language"], "LANG_ENGLISH");
  EXPECT_EQ(r["resources"][0]["sha256"].get<std::string>().size(), 64U);
  const Json& version = r["version_info"];
  EXPECT_EQ(version["fixed_file_info"]["file_version"], "1.2.3.4");
  EXPECT_EQ(version["string_file_info"][0]["lang_id"], "040904b0");
  EXPECT_EQ(version["string_file_info"][0]["entries"]["FileDescription"], "peinfo test image");
  EXPECT_EQ(version["string_file_info"][0]["entries"]["OriginalFilename"], "peinfo_test.dll");
  EXPECT_EQ(version["translations"], Json::parse(R"(["0x0409 0x04b0"])"));
  // Rich header, debug, TLS, overlay.
  ASSERT_EQ(r["rich_header"]["values"].size(), 2U);
  EXPECT_EQ(r["rich_header"]["values"][0]["compid"], 0x00FF7809);
  EXPECT_EQ(r["rich_header"]["values"][1]["count"], 17);
  EXPECT_EQ(r["debug"][0]["type"], "IMAGE_DEBUG_TYPE_CODEVIEW");
  EXPECT_EQ(r["debug"][0]["codeview"]["pdb"], std::string(peinfo_test::kPdbPath));
  EXPECT_EQ(r["debug"][0]["codeview"]["guid"], "67452301-AB89-EFCD-1032-547698BADCFE");
  EXPECT_EQ(r["debug"][0]["codeview"]["age"], 7);
  EXPECT_EQ(r["tls"]["callbacks"],
            Json::array({peinfo_test::kImageBase32 + 0x1008, peinfo_test::kImageBase32 + 0x1003}));
  EXPECT_EQ(r["overlay"]["offset"], 0x1000);
  EXPECT_EQ(r["overlay"]["size"], std::string("OVERLAY-DATA").size());
  EXPECT_FALSE(r.contains("signature"));
}

TEST_F(PeInfo, Pe32PlusExeWithCertificate) {
  Json r = scan(peinfo_test::build_pe({.pe32_plus = true, .dll = false, .certificate = true}));
  ASSERT_FALSE(r.contains("errors")) << r.dump(2);
  EXPECT_EQ(r["pe_type"], "PE32+");
  EXPECT_EQ(r["machine_type"], "IMAGE_FILE_MACHINE_AMD64");
  EXPECT_EQ(r["is_exe"], true);
  EXPECT_EQ(r["image_base"], peinfo_test::kImageBase64);
  EXPECT_EQ(r["imports"][0]["functions"].size(), 3U);
  EXPECT_EQ(r["tls"]["callbacks"][0], peinfo_test::kImageBase64 + 0x1008);
  const Json& signature = r["signature"];
  EXPECT_EQ(signature["signed"], true);
  ASSERT_EQ(signature["entries"][0]["certificates"].size(), 1U) << signature.dump(2);
  const Json& cert = signature["entries"][0]["certificates"][0];
  EXPECT_EQ(cert["subject"], std::string(peinfo_test::kCertificateSubject));
  EXPECT_EQ(cert["issuer"], std::string(peinfo_test::kCertificateSubject));
  EXPECT_EQ(cert["serial"], "1234");
}

TEST_F(PeInfo, NotAPeThrows) {
  EXPECT_THROW(scan("just some text"), stoq::Error);
  std::string mz_only(0x100, '\0');
  mz_only[0] = 'M';
  mz_only[1] = 'Z';
  EXPECT_THROW(scan(mz_only), stoq::Error);
}

TEST_F(PeInfo, EveryTruncationGivesPartialResultsOrAnError) {
  const std::string whole = peinfo_test::build_pe({.pe32_plus = true, .certificate = true});
  std::size_t partial_with_errors = 0;
  for (std::size_t length = 0; length <= whole.size(); length += 7) {
    const std::string cut = whole.substr(0, length);
    try {
      Json r = scan(cut);
      if (r.contains("errors")) ++partial_with_errors;
      if (length > 0x400 && length < 0x1000) {
        EXPECT_TRUE(r.contains("errors")) << "length " << length;
      }
    } catch (const stoq::Error&) {
      EXPECT_LT(length, 0x104U) << "only a file without a PE signature may be refused";
    }
  }
  EXPECT_GT(partial_with_errors, 100U);
}

TEST_F(PeInfo, CorruptedBytesNeverCrash) {
  const std::string whole = peinfo_test::build_pe({.certificate = true});
  std::uint32_t state = 12345;
  for (int round = 0; round < 400; ++round) {
    std::string bytes = whole;
    for (int flips = 0; flips < 16; ++flips) {
      state = state * 1103515245U + 12345U;
      const std::size_t at = 0x3C + (state >> 8) % (bytes.size() - 0x3C);
      bytes[at] = static_cast<char>(state >> 24);
    }
    try {
      (void)scan(bytes);
    } catch (const stoq::Error&) {
    }
  }
}

TEST_F(PeInfo, ResourceLoopAndCapsAreErrors) {
  std::string bytes = peinfo_test::build_pe({});
  // The language-level directory entry points back at the root directory (a loop).
  const std::size_t entry_offset = 0x3040 - 0x3000 + 0xC00 + 4;
  const std::uint32_t loop = 0x80000000;
  std::memcpy(bytes.data() + entry_offset, &loop, 4);
  Json r = scan(bytes);
  ASSERT_TRUE(r.contains("errors"));
  EXPECT_NE(r["errors"].dump().find("loop"), std::string::npos) << r["errors"].dump();
  // Caps from the options.
  const std::string pe = peinfo_test::build_pe({});
  Json few_sections = worker({{"max_sections", "1"}}).scan(payload_of(pe), Json::object());
  EXPECT_EQ(few_sections["sections"].size(), 1U);
  EXPECT_NE(few_sections["errors"].dump().find("max_sections"), std::string::npos) << few_sections.dump(2);
  Json few_imports = worker({{"max_imports", "2"}}).scan(payload_of(pe), Json::object());
  EXPECT_NE(few_imports["errors"].dump().find("max_imports"), std::string::npos) << few_imports.dump(2);
  EXPECT_EQ(few_imports["sections"].size(), 3U);
}

TEST_F(PeInfo, TheOriginalStoqFileLoadsUnchanged) {
  const std::filesystem::path original =
      std::filesystem::path(STOQ_SHARED_DIR) / "corpus" / "stoq-configs" / "worker" / "peinfo.stoq";
  if (!std::filesystem::exists(original)) STOQ_MISSING("original .stoq not present: " << original);
  // A plugin folder holding the built module with the original's .stoq beside it.
  stoq::testing::TempDir plugins;
  const std::string folder = plugins.mkdir("worker/peinfo");
  std::filesystem::copy_file(original, folder + "/peinfo.stoq");
  std::filesystem::create_symlink(std::filesystem::path(STOQ_PLUGIN_DIR) / "worker" / "peinfo" / "peinfo.so",
                                  folder + "/peinfo.so");
  stoq::testing::TempDir work;
  stoq::testing::PluginHarness harness(work.path());
  auto& original_worker = harness.activate<stoq::Worker>(plugins.path(), "peinfo");
  Json r = original_worker.scan(payload_of(peinfo_test::build_pe({})), Json::object());
  EXPECT_EQ(r["imports"].size(), 2U);
  EXPECT_FALSE(r.contains("packer"));
}

}  // namespace

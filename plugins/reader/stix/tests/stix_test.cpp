// reader:stix: bundles checked against the required properties of STIX 2.1
// (stix_checker.hpp), patterns against the published pattern grammar
// (stix_pattern_grammar.hpp, itself checked on the specification's own examples), ids
// against Python's uuid.uuid5, and determinism.
#include <gtest/gtest.h>

#include <random>
#include <string>

#include "bundle.hpp"
#include "stix_checker.hpp"
#include "stix_pattern_grammar.hpp"
#include "stoq/testing.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

using stoq::Json;
using stoq::testing::payload_of;
using stoq::testing::PluginHarness;
using stoq::testing::TempDir;

constexpr std::string_view kReport =
    "Beacon to hxxp://evil[.]ru/gate.php and 203.0.113.5, mail bob@evil.ru, dropper md5 "
    "900150983CD24FB0D6963F7D28E17F72, host 2001:db8::1, nic 00:1a:2b:3c:4d:5e.\n";

Json read_stix(std::string_view bytes, const Json& kwargs = Json::object(),
               const std::vector<std::pair<std::string, std::string>>& overrides = {}) {
  TempDir work;
  PluginHarness harness(work.path());
  auto& reader = harness.activate<stoq::Reader>(STOQ_PLUGIN_DIR, "stix", overrides);
  return reader.read(payload_of(bytes), kwargs);
}

std::vector<std::string> patterns_of(const Json& bundle) {
  std::vector<std::string> patterns;
  for (const Json& object : bundle["objects"]) {
    if (object["type"] == "indicator") patterns.push_back(object["pattern"].get<std::string>());
  }
  return patterns;
}

// The example patterns of the STIX 2.1 specification (section 9.9 and the indicator
// examples), as pattern text.
const std::vector<std::string> kSpecExamples = {
    R"([file:hashes.'SHA-256' = 'aec070645fe53ee3b3763059376134f058cc337247c978add178b6ccdfb0019f'])",
    R"([email-message:from_ref.value MATCHES '.+\\@example\\.com$' AND email-message:body_multipart[*].body_raw_ref.name MATCHES '^Final Report.+\\.exe$'])",
    R"([file:hashes.'SHA-256' = 'aec070645fe53ee3b3763059376134f058cc337247c978add178b6ccdfb0019f' AND file:mime_type = 'application/x-pdf'])",
    R"([file:hashes.'SHA-256' = 'bf07a7fbb825fc0aae7bf4a1177b2b31fcf8a3feeaf7092761e18c859ee52a9c' OR file:hashes.MD5 = 'cead3f77f6cda6ec00f57d76c9a6879f'] AND [file:hashes.'SHA-256' = 'aec070645fe53ee3b3763059376134f058cc337247c978add178b6ccdfb0019f'])",
    R"([file:hashes.MD5 = '79054025255fb1a26e4bc422aef54eb4'] FOLLOWEDBY [windows-registry-key:key = 'HKEY_LOCAL_MACHINE\\foo\\bar'] WITHIN 300 SECONDS)",
    R"([user-account:account_type = 'unix' AND user-account:user_id = '1007' AND user-account:account_login = 'Peter'] AND [user-account:account_type = 'unix' AND user-account:user_id = '1008' AND user-account:account_login = 'Paul'] AND [user-account:account_type = 'unix' AND user-account:user_id = '1009' AND user-account:account_login = 'Mary'])",
    R"([artifact:mime_type = 'application/vnd.tcpdump.pcap' AND artifact:payload_bin MATCHES '\\xd4\\xc3\\xb2\\xa1\\x02\\x00\\x04\\x00'])",
    R"([file:name = 'foo.dll' AND file:parent_directory_ref.path = 'C:\\Windows\\System32'])",
    R"([file:extensions.'windows-pebinary-ext'.sections[*].entropy > 7.0])",
    R"([file:mime_type = 'image/bmp' AND file:magic_number_hex = h'ffd8'])",
    R"([network-traffic:dst_ref.type = 'ipv4-addr' AND network-traffic:dst_ref.value = '203.0.113.33/32'])",
    R"([network-traffic:dst_ref.type = 'domain-name' AND network-traffic:dst_ref.value = 'example.com'] REPEATS 5 TIMES WITHIN 1800 SECONDS)",
    R"([domain-name:value = 'www.5z8.info' AND domain-name:resolves_to_refs[*].value = '198.51.100.1/32'])",
    R"([url:value = 'http://example.com/foo' OR url:value = 'http://example.com/bar'])",
    R"([x509-certificate:issuer = 'CN=WEBMAIL' AND x509-certificate:serial_number = '4c:0b:1d:19:74:86:a7:66:b4:1a:bf:40:27:21:76:28'])",
    R"([windows-registry-key:key = 'HKEY_CURRENT_USER\\Software\\CryptoLocker\\Files' OR windows-registry-key:key = 'HKEY_CURRENT_USER\\Software\\Microsoft\\CurrentVersion\\Run\\CryptoLocker_0388'])",
    R"([(file:name = 'pdf.exe' OR file:size = '371712') AND file:created = t'2014-01-13T07:03:17Z'])",
    R"([email-message:sender_ref.value = 'jdoe@example.com' AND email-message:subject = 'Conference Info'])",
    R"([x-usb-device:usbdrive.serial_number = '575833344E34343045324841'])",
    R"([process:command_line MATCHES '^.+>-add GlobalSign.cer -c -s -r localMachine Root$'] FOLLOWEDBY [process:command_line MATCHES '^.+>-add GlobalSign.cer -c -s -r localMachineTrustedPublisher$'] WITHIN 300 SECONDS)",
    R"([network-traffic:src_ref.type = 'ipv4-addr' AND network-traffic:src_ref.value = '203.0.113.10' AND network-traffic:dst_port = 80] START t'2016-06-01T00:00:00Z' STOP t'2016-07-01T00:00:00.000Z')",
    R"([ipv4-addr:value = '198.51.100.1/32' OR ipv4-addr:value = '203.0.113.33/32' OR ipv6-addr:value = '2001:0db8:dead:beef:dead:beef:dead:0001/128'])",
    R"([file:size IN (1024, 2048, 4096)] AND ([file:name LIKE 'x%'] OR [file:name NOT = 'y']))",
    R"([artifact:payload_bin = b'dGVzdA=='] AND [file:size >= -1] AND [file:x_flag = true])",
};

TEST(StixGrammar, AcceptsTheSpecificationsExamples) {
  for (const std::string& pattern : kSpecExamples) EXPECT_TRUE(stix_grammar::valid_pattern(pattern)) << pattern;
}

TEST(StixGrammar, RejectsMalformedPatterns) {
  for (const char* pattern : {
           "ipv4-addr:value = '1.2.3.4'",               // no brackets
           "[ipv4-addr:value = '1.2.3.4'",              // unclosed
           "[ipv4-addr:value = 'a'b']",                 // unescaped quote
           R"([ipv4-addr:value = 'a\'])",               // the escape eats the closing quote
           R"([ipv4-addr:value = 'a\q'])",              // not an escape of the grammar
           "[:value = 'x']",                            // no object type
           "[file:hashes.SHA-256 = 'ab']",              // a hyphen needs quotes in a path
           "[file:size > ]",                            // no literal
           "[file:size = 01]",                          // leading zero
           "[file:created = t'2014-13-13T07:03:17Z']",  // month 13
           "[file:magic_number_hex = h'ffd']",          // odd hex digits
           "[file:name = 'a'] WITHIN SECONDS",          // no number
           "[file:name = 'a'] AND",                     // dangling operator
           "[]",
       }) {
    EXPECT_FALSE(stix_grammar::valid_pattern(pattern)) << pattern;
  }
}

TEST(StixBuilder, Uuid5AndPatternLiterals) {
  namespace stix = stoq::plugins::reader::stix;
  // RFC 4122 / Python: uuid.uuid5(uuid.NAMESPACE_DNS, "python.org").
  EXPECT_EQ(stix::uuid5("6ba7b810-9dad-11d1-80b4-00c04fd430c8", "python.org"), "886313e1-3b8a-5372-9b90-0c9aee199e5d");
  EXPECT_EQ(stix::pattern_literal(R"(it's a\b)"), R"('it\'s a\\b')");
  EXPECT_EQ(stix::indicator_pattern("url", R"(http://x.example/'a\b)"), R"([url:value = 'http://x.example/\'a\\b'])");
  EXPECT_EQ(stix::indicator_pattern("sha1", "A9993E364706816ABA3E25717850C26C9CD0D89D"),
            "[file:hashes.'SHA-1' = 'a9993e364706816aba3e25717850c26c9cd0d89d']");
  EXPECT_EQ(stix::indicator_pattern("bogus", "x"), std::nullopt);
  EXPECT_EQ(stix::indicator_pattern("url", ""), std::nullopt);
  EXPECT_EQ(stix::indicator_pattern("url", "http://x/\xC0\xAF"), std::nullopt);  // overlong '/'
  EXPECT_EQ(stix::normalize_timestamp("2024-01-31T12:00:00Z"), "2024-01-31T12:00:00.000Z");
  EXPECT_EQ(stix::normalize_timestamp("2024-01-31T12:00:00.1234Z"), "2024-01-31T12:00:00.123Z");
  for (const char* bad :
       {"2024-01-31", "2024-01-31T12:00:00", "2024-13-01T00:00:00Z", "2024-01-31T12:00:00.Z", "2024-01-31 12:00:00Z"}) {
    EXPECT_EQ(stix::normalize_timestamp(bad), std::nullopt) << bad;
  }
}

TEST(StixReader, TheBundleConformsAndHasEveryIndicator) {
  Json bundle = read_stix(kReport, Json{{"filename", "report.txt"}});
  stix_checker::Problems problems = stix_checker::check_bundle(bundle);
  EXPECT_TRUE(problems.empty()) << ::testing::PrintToString(problems) << bundle.dump(2);
  EXPECT_EQ(patterns_of(bundle), (std::vector<std::string>{
                                     "[ipv4-addr:value = '203.0.113.5']",
                                     "[ipv6-addr:value = '2001:db8::1']",
                                     "[domain-name:value = 'evil.ru']",
                                     "[url:value = 'http://evil.ru/gate.php']",
                                     "[email-addr:value = 'bob@evil.ru']",
                                     "[file:hashes.MD5 = '900150983cd24fb0d6963f7d28e17f72']",
                                     "[mac-addr:value = '00:1a:2b:3c:4d:5e']",
                                 }));
  const Json& file = bundle["objects"][0];
  stoq::Hashes hashes = stoq::compute_hashes(stoq::ByteView(kReport));
  EXPECT_EQ(file["type"], "file");
  EXPECT_EQ(file["name"], "report.txt");
  EXPECT_EQ(
      file["hashes"],
      (Json{{"MD5", hashes.md5}, {"SHA-1", hashes.sha1}, {"SHA-256", hashes.sha256}, {"SHA-512", hashes.sha512}}));
  for (const Json& object : bundle["objects"]) {
    if (object["type"] == "indicator") {
      EXPECT_EQ(object["valid_from"], "1970-01-01T00:00:00.000Z");
    }
  }
}

TEST(StixReader, IdsAreDeterministicAndEqualPythonsUuid5) {
  STOQ_NEED_TOOL("python3");
  Json first = read_stix(kReport, Json{{"filename", "r\xC3\xA9port \"1\".txt"}});
  Json second = read_stix(kReport, Json{{"filename", "r\xC3\xA9port \"1\".txt"}});
  EXPECT_EQ(first.dump(), second.dump());
  Json other = read_stix(kReport, Json{{"filename", "r\xC3\xA9port \"1\".txt"}, {"timestamp", "2024-05-06T07:08:09Z"}});
  EXPECT_NE(first["objects"][1]["id"], other["objects"][1]["id"]);
  EXPECT_EQ(first["objects"][0]["id"], other["objects"][0]["id"]);  // the file does not depend on time
  EXPECT_EQ(other["objects"][1]["created"], "2024-05-06T07:08:09.000Z");

  // The same ids computed by Python (uuid.uuid5, canonical JSON of the ID contributing
  // properties as STIX 2.1 section 2.9 defines them).
  TempDir dir;
  std::string input = dir.write("bundle.json", first.dump());
  dir.write("ids.py",
            "import json, sys, uuid\n"
            "b = json.load(open(sys.argv[1], encoding='utf-8'))\n"
            "sco = uuid.UUID('00abedb4-aa42-466c-9c01-fed23315a9b7')\n"
            "ind = uuid.uuid5(uuid.NAMESPACE_URL, 'https://github.com/PUNCH-Cyber/stoq/stix-indicator')\n"
            "for o in b['objects']:\n"
            "    if o['type'] == 'file':\n"
            "        props = {'hashes': {'MD5': o['hashes']['MD5']}, 'name': o['name']}\n"
            "        name = json.dumps(props, sort_keys=True, separators=(',', ':'), ensure_ascii=False)\n"
            "        print('file--%s' % uuid.uuid5(sco, name))\n"
            "    else:\n"
            "        print('indicator--%s' % uuid.uuid5(ind, o['pattern'] + '\\n' + o['created']))\n");
  int status = 0;
  std::string out = stoq::testing::run_command("python3 '" + dir.path("ids.py") + "' '" + input + "' 2>&1", &status);
  ASSERT_EQ(status, 0) << out;
  std::string ours;
  for (const Json& object : first["objects"]) ours += object["id"].get<std::string>() + "\n";
  EXPECT_EQ(ours, out);
}

TEST(StixReader, GivenIndicatorsAreEscapedAndDeduplicated) {
  Json indicators = {{"url", {R"(http://x.example/it's\here)", R"(http://x.example/it's\here)"}},
                     {"sha256", {"BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD"}},
                     {"sha512", Json::array()},
                     {"not_a_type", {"x"}}};
  Json bundle = read_stix("payload", Json{{"indicators", indicators}});
  EXPECT_TRUE(stix_checker::check_bundle(bundle).empty()) << bundle.dump(2);
  EXPECT_EQ(patterns_of(bundle),
            (std::vector<std::string>{R"([url:value = 'http://x.example/it\'s\\here'])",
                                      "[file:hashes.'SHA-256' = "
                                      "'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad']"}));
  EXPECT_FALSE(bundle["objects"][0].contains("name"));
}

TEST(StixReader, PayloadIndicatorAndOptions) {
  Json bundle = read_stix("nothing here", Json::object(), {{"payload_indicator", "True"}});
  EXPECT_TRUE(stix_checker::check_bundle(bundle).empty()) << bundle.dump(2);
  ASSERT_EQ(bundle["objects"].size(), 2U);
  EXPECT_EQ(bundle["objects"][1]["pattern"],
            "[file:hashes.'SHA-256' = '" + stoq::compute_hashes(stoq::ByteView("nothing here")).sha256 + "']");
  Json now = read_stix("evil.ru", Json::object(), {{"timestamp", "now"}});
  EXPECT_TRUE(stix_checker::check_bundle(now).empty()) << now.dump(2);
  EXPECT_NE(now["objects"][1]["created"], "1970-01-01T00:00:00.000Z");
  TempDir work;
  PluginHarness harness(work.path());
  EXPECT_THROW(harness.activate<stoq::Reader>(STOQ_PLUGIN_DIR, "stix", {{"timestamp", "yesterday"}}), stoq::Error);
  auto& reader = harness.activate<stoq::Reader>(STOQ_PLUGIN_DIR, "stix");
  EXPECT_THROW((void)reader.read(payload_of("x"), Json{{"timestamp", "2024-01-01"}}), stoq::Error);
  EXPECT_THROW((void)reader.read(payload_of("x"), Json{{"indicators", "x"}}), stoq::Error);
  EXPECT_THROW((void)reader.read(stoq::Payload(), Json::object()), stoq::Error);
}

TEST(StixFuzz, HostileValuesAndSeeds) {
  std::mt19937 random(3);  // NOLINT(cert-msc32-c,cert-msc51-cpp): fixed seed, reproducible inputs
  for (int round = 0; round < 500; ++round) {
    std::string input;
    std::size_t size = 1 + random() % 80;
    static constexpr std::string_view kPool = "'\\\"a.:/ \n\xC3\xA9\xFF\x00";
    for (std::size_t i = 0; i < size; ++i) {
      input.push_back(random() % 2 == 0 ? kPool[random() % kPool.size()] : static_cast<char>(random() & 0xFFU));
    }
    EXPECT_EQ(LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(input.data()), input.size()), 0);
  }
  std::vector<std::string> rejected;
  EXPECT_GE(stoq::testing::replay_seeds(STIX_FUZZ_CORPUS, LLVMFuzzerTestOneInput, &rejected), 5U);
  EXPECT_EQ(rejected, std::vector<std::string>{});
}

}  // namespace

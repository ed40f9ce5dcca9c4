// reader:iocregex loaded as stoq loads it (its .stoq file, option table and data files
// from the build tree): the result document, options, whitelist files and the corpus.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "stoq/testing.hpp"

namespace {

using stoq::Json;
using stoq::Payload;
using stoq::testing::payload_of;
using stoq::testing::PluginHarness;
using stoq::testing::TempDir;
using Overrides = std::vector<std::pair<std::string, std::string>>;

Json read(std::string_view text, const Overrides& overrides = {}, const Json& kwargs = Json::object()) {
  TempDir dir;
  PluginHarness harness(dir.path());
  auto& reader = harness.activate<stoq::Reader>(STOQ_PLUGIN_DIR, "iocregex", overrides);
  return reader.read(payload_of(text), kwargs);
}

// The message of what read() throws, "" when it does not. Caught while the harness (and
// so the plugin module, where the exception object's code lives) is still loaded.
std::string read_error(std::string_view text, const Json& kwargs) {
  TempDir dir;
  PluginHarness harness(dir.path());
  auto& reader = harness.activate<stoq::Reader>(STOQ_PLUGIN_DIR, "iocregex");
  try {
    (void)reader.read(payload_of(text), kwargs);
  } catch (const std::exception& e) {
    return e.what();
  }
  return "";
}

std::string activation_error(const Overrides& overrides) {
  TempDir dir;
  PluginHarness harness(dir.path());
  try {
    harness.activate<stoq::Reader>(STOQ_PLUGIN_DIR, "iocregex", overrides);
  } catch (const std::exception& e) {
    return e.what();
  }
  return "";
}

constexpr std::string_view kReport =
    "Campaign report. C2: 203.0.113.5 and 198[.]51[.]100[.]7, fallback 2001:db8::bad:1.\n"
    "Payload from hxxp://evil-cdn[.]ru/drop/stage2.bin and https://Update.Evil.COM:8443/check?id=42.\n"
    "Phish sent by billing@evil-corp.net; beacon MAC 00:1A:2B:3C:4D:5E.\n"
    "Hashes: 900150983cd24fb0d6963f7d28e17f72 a9993e364706816aba3e25717850c26c9cd0d89d\n"
    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad\n"
    "Not indicators: 999.1.1.1, readme.notatld, setup.exe, 900150983cd24fb0d6963f7d28e17f72ff.\n"
    "Whitelisted: 127.0.0.1, www.example.com, http://www.w3.org/2000/svg, admin@example.org.\n";

TEST(IocRegexReader, ExtractsEveryTypeInOrder) {
  Json result = read(kReport);
  Json expected = Json::parse(R"({
    "ipv4": ["203.0.113.5", "198.51.100.7"],
    "ipv6": ["2001:db8::bad:1"],
    "domain": ["evil-cdn.ru", "update.evil.com", "evil-corp.net"],
    "url": ["http://evil-cdn.ru/drop/stage2.bin", "https://update.evil.com:8443/check?id=42"],
    "email": ["billing@evil-corp.net"],
    "md5": ["900150983cd24fb0d6963f7d28e17f72"],
    "sha1": ["a9993e364706816aba3e25717850c26c9cd0d89d"],
    "sha256": ["ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"],
    "mac_address": ["00:1a:2b:3c:4d:5e"]
  })");
  EXPECT_EQ(result, expected) << result.dump(2);
}

TEST(IocRegexReader, NothingFoundIsAnEmptyObject) {
  Json result = read("Lorem ipsum dolor sit amet, version 1.2.3.4.5, see readme.txt");
  EXPECT_TRUE(result.is_object());
  EXPECT_TRUE(result.empty()) << result.dump();
}

TEST(IocRegexReader, NoPayloadIsAnError) {
  TempDir dir;
  PluginHarness harness(dir.path());
  auto& reader = harness.activate<stoq::Reader>(STOQ_PLUGIN_DIR, "iocregex");
  EXPECT_THROW((void)reader.read(Payload(), Json::object()), stoq::Error);
}

TEST(IocRegexReader, TheShippedWhitelistDropsExamplesLoopbackAndSchemas) {
  Json result = read(
      "127.0.0.1 ::1 example.com mail.example.net http://www.w3.org/1999/xhtml bob@example.org "
      "00:00:00:00:00:00 notexample.com");
  EXPECT_EQ(result, Json::parse(R"({"domain": ["notexample.com"]})")) << result.dump(2);
}

TEST(IocRegexReader, WhitelistFilesAreOptionsAndMissingOnesAreSkipped) {
  TempDir dir;
  std::string list = dir.write("mine.txt",
                               "# mine\n"
                               "ipv4:10.0.0.0/8\n"
                               "domain:.corp.example\n"
                               "url:cdn.evil.com\n"
                               "md5:900150983CD24FB0D6963F7D28E17F72\n"
                               "good.org\n"
                               "bogus:line\n");
  Overrides overrides = {{"whitelist_file_list", list + ", " + dir.path("missing.txt")}};
  Json result = read(
      "10.1.2.3 10.200.0.1 11.0.0.1 good.org www.good.org a.corp.example http://cdn.evil.com/x http://evil.com/y "
      "x@good.org 900150983cd24fb0d6963f7d28e17f72 127.0.0.1",
      overrides);
  Json expected = Json::parse(R"({
    "ipv4": ["11.0.0.1", "127.0.0.1"],
    "domain": ["cdn.evil.com", "evil.com"],
    "url": ["http://evil.com/y"]
  })");
  EXPECT_EQ(result, expected) << result.dump(2);
}

TEST(IocRegexReader, NoWhitelist) {
  Json result = read("127.0.0.1 example.com", {{"whitelist_file_list", ""}});
  EXPECT_EQ(result, Json::parse(R"({"ipv4": ["127.0.0.1"], "domain": ["example.com"]})")) << result.dump(2);
}

TEST(IocRegexReader, StoqsOriginalStoqFileWorks) {
  // A copy of the built plugin with the [options] of stoQ's own iocregex.stoq, whose
  // paths were relative to stoQ's base_dir and which asked for auto_update.
  TempDir dir;
  std::filesystem::path built = std::filesystem::path(STOQ_PLUGIN_DIR) / "reader" / "iocregex";
  std::filesystem::path copy = dir.root() / "plugins" / "reader" / "iocregex";
  std::filesystem::create_directories(copy);
  for (const char* file : {"iocregex.so", "tlds-alpha-by-domain.txt", "whitelist.txt"}) {
    std::filesystem::copy_file(built / file, copy / file);
  }
  dir.write("plugins/reader/iocregex/iocregex.stoq",
            "[Core]\nName = iocregex\nModule = iocregex\n\n"
            "[Documentation]\nAuthor = Mike Geide, Marcus LaFerrera\nVersion = 0.13\n"
            "Website = https://github.com/PUNCH-Cyber/stoq-plugins-public\n"
            "Description = Regex routines to extract and normalize IOC's from a payload\n\n"
            "[options]\n"
            "iana_tld_file = plugins/reader/iocregex/tlds-alpha-by-domain.txt\n"
            "iana_url = https://data.iana.org/TLD/tlds-alpha-by-domain.txt\n"
            "auto_update = True\n"
            "update_interval = 30\n"
            "whitelist_file_list = plugins/reader/iocregex/whitelist.txt\n");
  PluginHarness harness(dir.path("work"));
  auto& reader = harness.activate<stoq::Reader>(dir.path("plugins"), "iocregex");
  Json result = reader.read(payload_of("127.0.0.1 203.0.113.5 evil.ru example.com"), Json::object());
  EXPECT_EQ(result, Json::parse(R"({"ipv4": ["203.0.113.5"], "domain": ["evil.ru"]})")) << result.dump(2);
}

TEST(IocRegexReader, OriginalStylePathsFromAnyWorkingDirectory) {
  // On the command line a relative path is relative to the working directory; stoQ's
  // "plugins/reader/iocregex/<file>" still names the shipped file wherever stoq runs.
  Json result = read("127.0.0.1 evil.ru", {{"iana_tld_file", "plugins/reader/iocregex/tlds-alpha-by-domain.txt"},
                                           {"whitelist_file_list", "plugins/reader/iocregex/whitelist.txt"}});
  EXPECT_EQ(result, Json::parse(R"({"domain": ["evil.ru"]})")) << result.dump(2);
}

TEST(IocRegexReader, TheTldFileDecidesWhatADomainIs) {
  TempDir dir;
  std::string tlds = dir.write("tlds.txt", "# Version 1\nCOM\nLAN\n");
  Json result = read("evil.ru evil.com printer.lan", {{"iana_tld_file", tlds}});
  EXPECT_EQ(result, Json::parse(R"({"domain": ["evil.com", "printer.lan"]})")) << result.dump(2);

  std::string missing = activation_error({{"iana_tld_file", dir.path("nope.txt")}});
  EXPECT_NE(missing.find("iana_tld_file"), std::string::npos) << missing;
  std::string empty = activation_error({{"iana_tld_file", dir.write("empty.txt", "# nothing\n")}});
  EXPECT_NE(empty.find("no top-level domain"), std::string::npos) << empty;
}

TEST(IocRegexReader, AutoUpdateIsAcceptedButNotSupported) {
  EXPECT_EQ(activation_error({{"auto_update", "True"}, {"update_interval", "7"}}), "");
  Json result = read("evil.ru", {{"auto_update", "True"}});
  EXPECT_EQ(result, Json::parse(R"({"domain": ["evil.ru"]})"));
}

TEST(IocRegexReader, RefangCanBeTurnedOff) {
  EXPECT_EQ(read("evil[.]ru", {{"refang", "False"}}), Json::object());
  EXPECT_EQ(read("evil[.]ru"), Json::parse(R"({"domain": ["evil.ru"]})"));
}

TEST(IocRegexReader, IocTypesListChoosesTheTypes) {
  Json result = read(kReport, {{"ioc_types_list", "md5, mac"}});
  EXPECT_EQ(result, Json::parse(R"({"md5": ["900150983cd24fb0d6963f7d28e17f72"],
                                    "mac_address": ["00:1a:2b:3c:4d:5e"]})"))
      << result.dump(2);
  std::string error = activation_error({{"ioc_types_list", "ipv4, crc32"}});
  EXPECT_NE(error.find("crc32"), std::string::npos) << error;
}

TEST(IocRegexReader, IoctypeKwargNarrowsOneRead) {
  EXPECT_EQ(read(kReport, {}, {{"ioctype", "email"}}), Json::parse(R"({"email": ["billing@evil-corp.net"]})"));
  Json both = read(kReport, {}, {{"ioctype", Json::array({"sha1", "ipv6"})}});
  EXPECT_EQ(both,
            Json::parse(R"({"ipv6": ["2001:db8::bad:1"], "sha1": ["a9993e364706816aba3e25717850c26c9cd0d89d"]})"));
  EXPECT_EQ(read("1.2.3.4", {}, {{"ioctype", "all"}}), Json::parse(R"({"ipv4": ["1.2.3.4"]})"));
  EXPECT_NE(read_error("1.2.3.4", {{"ioctype", "nope"}}).find("unknown indicator type 'nope'"), std::string::npos);
  EXPECT_NE(read_error("1.2.3.4", {{"ioctype", 5}}).find("ioctype"), std::string::npos);
}

TEST(IocRegexReader, Limits) {
  Json capped = read("1.1.1.1 2.2.2.2 3.3.3.3 aa.com bb.com", {{"max_iocs_per_type", "2"}});
  EXPECT_EQ(capped, Json::parse(R"({"ipv4": ["1.1.1.1", "2.2.2.2"], "domain": ["aa.com", "bb.com"]})"));
  // Only the first max_scan_bytes bytes are read.
  Json head = read("1.1.1.1 evil.com 2.2.2.2", {{"max_scan_bytes", "8"}});
  EXPECT_EQ(head, Json::parse(R"({"ipv4": ["1.1.1.1"]})"));
  Json url = read("http://evil.com/aaaaaaaaaaaaaaaaaaaa", {{"max_url_length", "20"}});
  EXPECT_EQ(url["url"], Json::parse(R"(["http://evil.com/aaaa"])"));
  for (const char* option : {"max_iocs_per_type", "max_scan_bytes", "max_url_length"}) {
    std::string error = activation_error({{option, "0"}});
    EXPECT_NE(error.find(option), std::string::npos) << option << ": " << error;
  }
}

// The shared corpus (strelka's test fixtures), when present.
Json read_fixture(const std::string& name) {
  std::string path = std::string(STOQ_SHARED_DIR) + "/corpus/strelka-fixtures/" + name;
  if (!std::filesystem::exists(path)) return nullptr;
  TempDir dir;
  PluginHarness harness(dir.path());
  auto& reader = harness.activate<stoq::Reader>(STOQ_PLUGIN_DIR, "iocregex", {{"whitelist_file_list", ""}});
  return reader.read(harness.get_file(path), Json::object());
}

bool has(const Json& result, const std::string& type, const std::string& value) {
  if (!result.contains(type)) return false;
  return std::find(result[type].begin(), result[type].end(), value) != result[type].end();
}

TEST(IocRegexCorpus, StrelkaUrl) {
  Json result = read_fixture("test.url");
  if (result.is_null()) STOQ_MISSING("shared corpus not present under " << STOQ_SHARED_DIR);
  EXPECT_TRUE(has(result, "url", "http://foobar.example.com")) << result.dump(2);
  EXPECT_TRUE(has(result, "url", "ftp://barfoo.example.com/")) << result.dump(2);
  EXPECT_TRUE(has(result, "url", "https://barfoo.example.com/")) << result.dump(2);
  EXPECT_TRUE(has(result, "email", "user@example.com")) << result.dump(2);
  EXPECT_TRUE(has(result, "domain", "example.com")) << result.dump(2);
}

TEST(IocRegexCorpus, StrelkaHtml) {
  Json result = read_fixture("test.html");
  if (result.is_null()) STOQ_MISSING("shared corpus not present under " << STOQ_SHARED_DIR);
  EXPECT_TRUE(has(result, "url", "https://example.com/example.js")) << result.dump(2);
  EXPECT_FALSE(result.contains("md5")) << result.dump(2);
}

TEST(IocRegexCorpus, StrelkaEml) {
  Json result = read_fixture("test.eml");
  if (result.is_null()) STOQ_MISSING("shared corpus not present under " << STOQ_SHARED_DIR);
  EXPECT_TRUE(has(result, "email", "foo.bar@example.com")) << result.dump(2);
  EXPECT_TRUE(has(result, "email", "baz.quk@example.com")) << result.dump(2);
  EXPECT_TRUE(has(result, "url", "http://schemas.microsoft.com/office/2004/12/omml")) << result.dump(2);
  EXPECT_FALSE(has(result, "email", "image001.jpg@01d914ba.2b9507c0")) << result.dump(2);
}

TEST(IocRegexCorpus, StrelkaTextHasNoIndicators) {
  Json result = read_fixture("test.txt");
  if (result.is_null()) STOQ_MISSING("shared corpus not present under " << STOQ_SHARED_DIR);
  EXPECT_EQ(result, Json::object()) << result.dump(2);
}

TEST(IocRegexCorpus, BinaryFixturesDoNotCrash) {
  for (const char* name : {"test.exe", "test.elf", "test.pdf", "test.png", "test.pcap", "test.docx", "test.macho"}) {
    Json result = read_fixture(name);
    if (result.is_null()) STOQ_MISSING("shared corpus not present under " << STOQ_SHARED_DIR);
    EXPECT_TRUE(result.is_object()) << name;
  }
}

}  // namespace

// DispatchRules: meta.plugin parsing, routes of matching rules, and the original stoQ
// dispatcher.yar loading and routing unchanged (its xor rules carry the key).
#include "dispatch/rules.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "stoq/error.hpp"
#include "stoq/testing.hpp"

namespace {

using stoq::dispatch::DispatchRules;
using stoq::testing::payload_of;
using stoq::testing::TempDir;
using Strings = std::vector<std::string>;
constexpr std::chrono::seconds kTimeout{10};

TEST(DispatchRules, MetaPluginIsACommaListOfDispatchCategoriesEachOnce) {
  EXPECT_EQ(DispatchRules::routed_plugins("carver:pe"), Strings{"carver:pe"});
  EXPECT_EQ(DispatchRules::routed_plugins(" extractor:decompress , decoder:xor,extractor:decompress "),
            (Strings{"extractor:decompress", "decoder:xor"}));
  EXPECT_EQ(DispatchRules::routed_plugins("worker:yara, connector:file, carver:rtf, nonsense, :x"),
            Strings{"carver:rtf"});
  EXPECT_TRUE(DispatchRules::routed_plugins("").empty());
}

TEST(DispatchRules, RoutesCarryTheRuleMetaInOrderAndEachPluginOnce) {
  TempDir dir;
  std::string path = dir.write("r.yar", R"(
rule first { meta: plugin = "decoder:xor, carver:pe" key = "7" save = "True" strings: $a = "abc" condition: $a }
rule second { meta: plugin = "carver:pe" strings: $a = "abc" condition: $a }
rule other { meta: plugin = "worker:yara" condition: true }
rule nothing { condition: false }
)");
  DispatchRules rules(path);
  EXPECT_EQ(rules.rule_count(), 4U);
  auto routes = rules.match(payload_of("xxabcxx"), kTimeout);
  ASSERT_EQ(routes.size(), 2U);
  EXPECT_EQ(routes[0].plugin, "decoder:xor");
  EXPECT_EQ(routes[0].rule, "first");
  EXPECT_EQ(routes[0].meta.dump(), R"({"plugin":"decoder:xor, carver:pe","key":"7","save":"True"})");
  EXPECT_EQ(routes[1].plugin, "carver:pe");
  EXPECT_EQ(routes[1].rule, "first");
  Strings ignored;
  auto named = rules.plugins_named(&ignored);
  ASSERT_EQ(named.size(), 2U);
  EXPECT_EQ(named[0].first, "decoder:xor");
  EXPECT_EQ(ignored, Strings{"other: worker:yara"});
  EXPECT_TRUE(rules.match(payload_of("nothing here"), kTimeout).empty());
}

TEST(DispatchRules, BrokenRulesNameTheLine) {
  TempDir dir;
  std::string path = dir.write("bad.yar", "rule a {\n  condition: what_is_this\n}\n");
  try {
    DispatchRules rules(path);
    FAIL() << "compiled";
  } catch (const stoq::Error& e) {
    EXPECT_NE(std::string(e.what()).find("bad.yar:2"), std::string::npos) << e.what();
  }
  EXPECT_THROW(DispatchRules(dir.path("missing.yar")), stoq::Error);
}

TEST(DispatchRules, LargeMappedPayloadsAreScannedInBlocksAcrossBoundaries) {
  TempDir dir;
  std::string path = dir.write("r.yar", R"(
rule tail { meta: plugin = "carver:pe" strings: $a = "NEEDLE-IN-A-HAYSTACK" condition: $a }
rule head { meta: plugin = "carver:swf" strings: $a = "FWS" condition: $a at 0 }
)");
  DispatchRules rules(path);
  // 80 MiB (> the block threshold), the needle straddling the 16 MiB block boundary.
  std::string data(80 << 20, 'x');
  data.replace(0, 3, "FWS");
  data.replace((16 << 20) - 7, 20, "NEEDLE-IN-A-HAYSTACK");
  std::string file = dir.write("big", data);
  stoq::Payload payload = stoq::read_file_payload(file, 1ULL << 30);
  ASSERT_TRUE(payload.is_mapped());
  auto routes = rules.match(payload, kTimeout);
  ASSERT_EQ(routes.size(), 2U);
  EXPECT_EQ(routes[0].plugin, "carver:pe");
  EXPECT_EQ(routes[1].plugin, "carver:swf");
}

TEST(DispatchRules, TheOriginalDispatcherRulesLoadAndRouteUnchanged) {
  const std::string original = STOQ_SHARED_DIR "/corpus/yara/stoq/dispatcher.yar";
  STOQ_NEED_PATH(original);
  DispatchRules rules(original);
  Strings named;
  for (const auto& [plugin, rule] : rules.plugins_named()) named.push_back(plugin);
  for (const char* plugin : {"carver:swf", "carver:xdp", "carver:ole", "carver:olepackagestream", "carver:rtf",
                             "carver:pe", "extractor:decompress", "decoder:xor"}) {
    EXPECT_NE(std::find(named.begin(), named.end(), plugin), named.end()) << plugin;
  }
  // "This program" XORed with 7 routes to decoder:xor with key "7" (the original's rule meta).
  std::string clear = "MZ....This program cannot be run in DOS mode.";
  std::string xored;
  for (char c : clear) xored.push_back(static_cast<char>(c ^ 7));
  auto routes = rules.match(payload_of(xored), kTimeout);
  auto xor_route = std::find_if(routes.begin(), routes.end(), [](const auto& r) { return r.plugin == "decoder:xor"; });
  ASSERT_NE(xor_route, routes.end());
  EXPECT_EQ(xor_route->rule, "xor_This_program_key_7");
  EXPECT_EQ(xor_route->meta["key"], "7");
  EXPECT_EQ(xor_route->meta["save"], "True");
  // A zip routes to extractor:decompress.
  auto zip = rules.match(payload_of(std::string("PK\x03\x04rest", 8)), kTimeout);
  ASSERT_EQ(zip.size(), 1U);
  EXPECT_EQ(zip[0].plugin, "extractor:decompress");
}

TEST(DispatchRules, TheBundledRulesCompileAndRouteEveryDispatchPlugin) {
  DispatchRules rules(STOQ_SOURCE_DIR "/src/core/dispatch/dispatcher.yar");
  Strings named;
  for (const auto& [plugin, rule] : rules.plugins_named()) named.push_back(plugin);
  std::sort(named.begin(), named.end());
  EXPECT_EQ(named, (Strings{"carver:ole", "carver:olepackagestream", "carver:pe", "carver:rtf", "carver:swf",
                            "carver:xdp", "decoder:b64", "decoder:binhex", "decoder:bitrot", "decoder:hex",
                            "decoder:rot47", "decoder:uu", "decoder:xor", "extractor:decompress", "extractor:email",
                            "extractor:ole", "extractor:pdf", "extractor:tnef"}));
  auto routes_of = [&](const std::string& bytes) {
    Strings out;
    for (const auto& route : rules.match(payload_of(bytes), kTimeout)) out.push_back(route.plugin);
    return out;
  };
  EXPECT_EQ(routes_of(std::string("PK\x03\x04", 4) + "data"), Strings{"extractor:decompress"});
  EXPECT_EQ(routes_of("\x1f\x8b\x08\x00"), Strings{"extractor:decompress"});
  EXPECT_EQ(routes_of("{\\rtf1\\ansi hello}"), Strings{"carver:rtf"});
  EXPECT_EQ(routes_of("%PDF-1.7\n"), Strings{"extractor:pdf"});
  EXPECT_EQ(routes_of("Received: from a\nFrom: x@y\nTo: z@w\nSubject: hi\n\nbody"), Strings{"extractor:email"});
  EXPECT_EQ(routes_of("TVqQAAMAAAAEAAAA//8AALgAAAAAAAAAQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"), Strings{"decoder:b64"});
  EXPECT_TRUE(routes_of("just some ordinary text that is not anything").empty());
  // Plain text with "CWS" or "FWS" inside is not a SWF.
  EXPECT_TRUE(routes_of("the FWS and CWS teams met").empty());
  std::string stub = "This program cannot be run in DOS mode";
  std::string xored;
  for (char c : stub) xored.push_back(static_cast<char>(c ^ 0x5a));
  auto xor_routes = rules.match(payload_of("junk" + xored), kTimeout);
  ASSERT_EQ(xor_routes.size(), 1U);
  EXPECT_EQ(xor_routes[0].plugin, "decoder:xor");
  EXPECT_EQ(xor_routes[0].meta["key"], "auto");
}

}  // namespace

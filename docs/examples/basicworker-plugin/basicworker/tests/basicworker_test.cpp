// The PluginHarness loads the built basicworker as stoq does (.stoq, options, handshake).
#include <gtest/gtest.h>

#include <stoq/testing.hpp>

TEST(BasicWorker, ReportsSizeAndFirstBytes) {
  stoq::testing::TempDir work;
  stoq::testing::PluginHarness harness(work.path());
  auto& worker = harness.activate<stoq::Worker>(STOQ_PLUGIN_DIR, "basicworker", {{"head_bytes", "4"}});
  stoq::Json scan =
      worker.scan(stoq::testing::payload_of(std::string_view("MZ\x90\x00rest", 8)), {{"filename", "a.exe"}});
  EXPECT_EQ(scan["size"], 8);
  EXPECT_EQ(scan["head"], "4d5a9000");  // 'M' 'Z' 0x90 0x00
  EXPECT_EQ(scan["filename"], "a.exe");
}

TEST(BasicWorker, RefusesABadOptionAtActivation) {
  stoq::testing::TempDir work;
  stoq::testing::PluginHarness harness(work.path());
  EXPECT_THROW(harness.activate<stoq::Worker>(STOQ_PLUGIN_DIR, "basicworker", {{"head_bytes", "-1"}}), stoq::Error);
}

// The bundled `text` reader, found through plugin_dir_list as stoq finds it.
TEST(BasicWorker, CallsAReaderByName) {
  stoq::testing::TempDir work;
  stoq::testing::PluginHarness harness(work.path());
  auto& worker = harness.activate<stoq::Worker>(STOQ_PLUGIN_DIR, "basicworker", {{"reader", "text"}});
  // "caf\xe9" is not UTF-8: the reader decodes it as cp1252, as Python's codecs would.
  stoq::Json scan = worker.scan(stoq::testing::payload_of("caf\xe9"), stoq::Json::object());
  EXPECT_EQ(scan["read"]["text"], "caf\u00e9") << scan.dump();
}

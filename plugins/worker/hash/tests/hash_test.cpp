#include <gtest/gtest.h>

#include <filesystem>

#include "stoq/testing.hpp"

namespace {

using stoq::Json;
using stoq::Payload;
using stoq::testing::payload_of;
using stoq::testing::PluginHarness;
using stoq::testing::TempDir;

TEST(HashWorker, ReportsTheFourHashesByDefault) {
  TempDir dir;
  PluginHarness harness(dir.path());
  auto& worker = harness.activate<stoq::Worker>(STOQ_PLUGIN_DIR, "hash");
  Json scan = worker.scan(payload_of("abc"), Json::object());
  EXPECT_EQ(scan["md5"], "900150983cd24fb0d6963f7d28e17f72");
  EXPECT_EQ(scan["sha1"], "a9993e364706816aba3e25717850c26c9cd0d89d");
  EXPECT_EQ(scan["sha256"], "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(scan["sha512"],
            "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd"
            "454d4423643ce80e2a9ac94fa54ca49f");
  EXPECT_EQ(scan.size(), 4U);
}

TEST(HashWorker, HashesListChoosesAndOrdersTheHashes) {
  TempDir dir;
  PluginHarness harness(dir.path());
  auto& worker = harness.activate<stoq::Worker>(STOQ_PLUGIN_DIR, "hash", {{"hashes_list", "ssdeep, md5"}});
  Json scan = worker.scan(payload_of(std::string(4096, 'x')), Json::object());
  ASSERT_EQ(scan.size(), 2U);
  EXPECT_EQ(scan.begin().key(), "ssdeep");
  EXPECT_FALSE(scan["ssdeep"].get<std::string>().empty());
  EXPECT_EQ(scan["md5"].get<std::string>().size(), 32U);
}

TEST(HashWorker, UnknownHashRefusesActivation) {
  TempDir dir;
  PluginHarness harness(dir.path());
  try {
    harness.activate<stoq::Worker>(STOQ_PLUGIN_DIR, "hash", {{"hashes_list", "md5, crc32"}});
    FAIL() << "activation should fail";
  } catch (const stoq::Error& e) {
    EXPECT_NE(std::string(e.what()).find("crc32"), std::string::npos) << e.what();
  }
}

TEST(HashWorker, NoPayloadIsAnError) {
  TempDir dir;
  PluginHarness harness(dir.path());
  auto& worker = harness.activate<stoq::Worker>(STOQ_PLUGIN_DIR, "hash");
  EXPECT_THROW(worker.scan(Payload(), Json::object()), stoq::Error);
}

TEST(HashWorker, EmptyPayloadHasTheEmptyHashes) {
  TempDir dir;
  PluginHarness harness(dir.path());
  auto& worker = harness.activate<stoq::Worker>(STOQ_PLUGIN_DIR, "hash");
  Json scan = worker.scan(Payload(stoq::Bytes{}), Json::object());
  EXPECT_EQ(scan["sha1"], "da39a3ee5e6b4b0d3255bfef95601890afd80709");
}

TEST(HashWorker, StrelkaTestExe) {
  std::string exe = std::string(STOQ_SHARED_DIR) + "/corpus/strelka-fixtures/test.exe";
  if (!std::filesystem::exists(exe)) STOQ_MISSING("shared corpus not present: " << exe);
  TempDir dir;
  PluginHarness harness(dir.path());
  auto& worker = harness.activate<stoq::Worker>(STOQ_PLUGIN_DIR, "hash");
  Json scan = worker.scan(harness.get_file(exe), Json::object());
  EXPECT_EQ(scan["sha1"], "67198a3ca72c49fb263f4a9749b4b79c50510155");
  EXPECT_EQ(scan["md5"], "f58ebb5ce3e07a9dfc6dcca556b58291");
}

}  // namespace

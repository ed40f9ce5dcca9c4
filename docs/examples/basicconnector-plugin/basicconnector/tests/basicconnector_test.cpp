#include <gtest/gtest.h>

#include <fstream>
#include <stoq/testing.hpp>
#include <string>

TEST(BasicConnector, AppendsResultsAndArchivesPayloads) {
  stoq::testing::TempDir work;
  stoq::testing::PluginHarness harness(work.path());
  std::string folder = work.path("saved");
  auto& connector = harness.activate<stoq::Connector>(STOQ_PLUGIN_DIR, "basicconnector", {{"directory", folder}});

  stoq::Json first = {{"results", stoq::Json::array({{{"scan", {{"n", 1}}}}})}};
  stoq::Json second = {{"results", stoq::Json::array({{{"scan", {{"n", 2}}}}})}};
  connector.save(stoq::Content::results(first), {{"index", "hash"}});
  connector.save(stoq::Content::results(second), {{"index", "hash"}});
  std::ifstream lines(folder + "/hash.jsonl");
  std::string line;
  std::getline(lines, line);
  EXPECT_EQ(stoq::Json::parse(line), first);
  std::getline(lines, line);
  EXPECT_EQ(stoq::Json::parse(line), second);

  // sha1("abc"), a published vector (FIPS 180-2).
  const std::string sha1 = "a9993e364706816aba3e25717850c26c9cd0d89d";
  std::string abc = "abc";
  connector.save(stoq::Content::bytes(stoq::ByteView(abc)), {{"archive", true}, {"sha1", sha1}});
  stoq::Payload back = connector.get_file({{"sha1", sha1}});
  EXPECT_EQ(back.bytes().as_string_view(), "abc");
  EXPECT_EQ(back.hashes().sha1, sha1);
  EXPECT_THROW(connector.get_file({{"sha1", "../../etc/passwd"}}), stoq::Error);
}

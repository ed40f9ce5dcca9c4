#include <gtest/gtest.h>

#include <string>

#include "carve_test_support.hpp"
#include "stoq/testing.hpp"

namespace {

using stoq::Json;
using namespace stoq::carve::testing;
using stoq::testing::payload_of;
using stoq::testing::PluginHarness;
using stoq::testing::TempDir;

const std::string kFixtures = STOQ_SHARED_DIR "/corpus/strelka-fixtures/";

class OleCarverTest : public ::testing::Test {
 protected:
  // A compound file written by libgsf's `gsf createole` with the given streams.
  std::string make_ole(const std::string& name, const std::vector<std::pair<std::string, std::string>>& streams) {
    std::string command = "cd '" + dir_.path() + "' && gsf createole '" + name + "'";
    for (const auto& [stream, content] : streams) {
      dir_.write(stream, content);
      command += " '" + stream + "'";
    }
    int status = 0;
    run(command + " >/dev/null 2>&1", &status);
    EXPECT_EQ(status, 0);
    return read_all(dir_.path(name));
  }
  TempDir dir_;
  PluginHarness harness_{dir_.path()};
};

void check_embedded(stoq::Carver& carver, const std::string& first, const std::string& second) {
  std::string prefix = "junk before \xd0\xcf\x11\xe0 not quite" + std::string(333, 'j');
  std::string data = prefix + first + "middle junk" + second + std::string(1000, '\0');
  auto children = carver.carve(payload_of(data), Json::object());
  ASSERT_EQ(children.size(), 2U);
  EXPECT_EQ(children[0].meta["offset"], prefix.size());
  EXPECT_EQ(children[0].payload.hashes().sha256, sha256_of(first));
  EXPECT_EQ(children[1].meta["offset"], prefix.size() + first.size() + 11);
  EXPECT_EQ(children[1].payload.hashes().sha256, sha256_of(second));
}

TEST_F(OleCarverTest, CarvesEmbeddedCompoundFilesWithTheOriginalConfig) {
  STOQ_NEED_TOOL("gsf");
  STOQ_NEED_PATH(original_config("carver", "ole"));
  std::string big(70000, '\0');
  for (std::size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>((i * 2654435761U) >> 13);
  std::string first = make_ole("first.ole", {{"big.bin", big}, {"small.txt", "hello"}});
  std::string second = make_ole("second.ole", {{"only.txt", std::string(100, 'x')}});
  auto& carver = harness_.activate<stoq::Carver>(plugin_dir_with_original(dir_, "carver", "ole"), "ole");
  check_embedded(carver, first, second);
  EXPECT_TRUE(carver.carve(payload_of(first), Json::object()).empty());  // the payload itself
}

TEST_F(OleCarverTest, CorpusDocumentsEmbeddedInJunk) {
  auto& carver = harness_.activate<stoq::Carver>(STOQ_PLUGIN_DIR, "ole");
  for (const char* name : {"test.doc", "test.xls", "test.msi"}) {
    STOQ_NEED_PATH(kFixtures + name);
  }
  // Each file is whole: carving it out of junk gives it back byte for byte.
  check_embedded(carver, read_all(kFixtures + "test.doc"), read_all(kFixtures + "test.xls"));
  check_embedded(carver, read_all(kFixtures + "test.msi"), read_all(kFixtures + "test.doc"));
}

TEST_F(OleCarverTest, TruncatedAndBogusHeaders) {
  STOQ_NEED_TOOL("gsf");
  auto& carver = harness_.activate<stoq::Carver>(STOQ_PLUGIN_DIR, "ole");
  std::string ole = make_ole("t.ole", {{"s.bin", std::string(20000, 's')}});
  auto children = carver.carve(payload_of("xx" + ole.substr(0, 5000)), Json::object());
  ASSERT_EQ(children.size(), 1U);
  EXPECT_EQ(children[0].meta["truncated"], true);
  EXPECT_EQ(children[0].payload.size(), 5000U);
  std::string bogus = "xx\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + std::string(600, '\xff');
  EXPECT_TRUE(carver.carve(payload_of(bogus), Json::object()).empty());
}

}  // namespace

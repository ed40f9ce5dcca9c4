// worker:entropy against known vectors and against an independent oracle: Python's
// math.log2 over collections.Counter byte counts, run on the same files in the test.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "stoq/template.hpp"
#include "stoq/testing.hpp"

namespace {

namespace fs = std::filesystem;
using stoq::Json;
using stoq::testing::payload_of;
using stoq::testing::PluginHarness;
using stoq::testing::run_command;
using stoq::testing::TempDir;

// The oracle: whole-file and per-block entropy computed by python3 alone, for each
// file named after the block size: {"<path>": {"entropy": e, "blocks": [...]}, ...}.
constexpr const char* kPythonOracle = R"(
import json, math, sys
from collections import Counter
def shannon(data):
    if not data:
        return 0.0
    n = len(data)
    return -sum(c / n * math.log2(c / n) for c in Counter(data).values())
size = int(sys.argv[1])
out = {}
for path in sys.argv[2:]:
    data = open(path, 'rb').read()
    out[path] = {'entropy': shannon(data), 'blocks': [shannon(data[i:i + size]) for i in range(0, len(data), size)]}
print(json.dumps(out))
)";

using Overrides = std::vector<std::pair<std::string, std::string>>;

// A worker activated with option overrides, in its own harness.
class Entropy {
 public:
  explicit Entropy(const Overrides& overrides = {}) : harness_(dir_.path()) {
    try {
      worker_ = &harness_.activate<stoq::Worker>(STOQ_PLUGIN_DIR, "entropy", overrides);
    } catch (const stoq::Error& e) {
      // Copied while the module is loaded: the harness unloads it when destroyed.
      throw stoq::Error(e.what());
    }
  }
  Json scan(std::string_view bytes) { return worker_->scan(payload_of(bytes), Json::object()); }
  Json scan_file(const std::string& path) { return worker_->scan(harness_.get_file(path), Json::object()); }
  const TempDir& dir() const { return dir_; }

 private:
  TempDir dir_{"stoq-entropy"};
  PluginHarness harness_;
  stoq::Worker* worker_ = nullptr;
};

std::string all_byte_values(std::size_t copies = 1) {
  std::string bytes;
  for (std::size_t copy = 0; copy < copies; ++copy) {
    for (int value = 0; value < 256; ++value) bytes.push_back(static_cast<char>(value));
  }
  return bytes;
}

TEST(EntropyWorker, AllZeroBytesHaveNoEntropy) {
  Entropy entropy;
  Json scan = entropy.scan(std::string(4096, '\0'));
  EXPECT_EQ(scan["entropy"].get<double>(), 0.0);
  EXPECT_EQ(scan["bytes_scanned"], 4096);
  EXPECT_EQ(scan["truncated"], false);
  EXPECT_EQ(scan["block_size"], 1024);
  EXPECT_EQ(scan["block_count"], 4);
  EXPECT_EQ(scan["blocks"], Json::parse("[0.0, 0.0, 0.0, 0.0]"));
}

TEST(EntropyWorker, EveryByteValueOnceIsEightBits) {
  Entropy entropy(Overrides{{"block_size", "256"}});
  Json scan = entropy.scan(all_byte_values(3));
  EXPECT_DOUBLE_EQ(scan["entropy"].get<double>(), 8.0);
  ASSERT_EQ(scan["blocks"].size(), 3U);
  for (const Json& block : scan["blocks"]) EXPECT_DOUBLE_EQ(block.get<double>(), 8.0);
  EXPECT_DOUBLE_EQ(scan["block_min"].get<double>(), 8.0);
}

TEST(EntropyWorker, TwoEqualSymbolsAreOneBitAndTheLastBlockMayBeShort) {
  Entropy entropy(Overrides{{"block_size", "4"}});
  Json scan = entropy.scan("abababababa");  // blocks "abab" "abab" "aba"
  EXPECT_NEAR(scan["entropy"].get<double>(), 0.99403021147695, 1e-12);
  EXPECT_EQ(scan["block_count"], 3);
  EXPECT_DOUBLE_EQ(scan["blocks"][0].get<double>(), 1.0);
  EXPECT_NEAR(scan["blocks"][2].get<double>(), 0.91829583405449, 1e-12);
  EXPECT_NEAR(scan["block_min"].get<double>(), 0.91829583405449, 1e-12);
  EXPECT_DOUBLE_EQ(scan["block_max"].get<double>(), 1.0);
}

TEST(EntropyWorker, EmptyPayload) {
  Entropy entropy;
  Json scan = entropy.scan("");
  EXPECT_EQ(scan["entropy"].get<double>(), 0.0);
  EXPECT_EQ(scan["block_count"], 0);
  EXPECT_TRUE(scan["block_min"].is_null());
  EXPECT_EQ(scan["blocks"], Json::array());
}

TEST(EntropyWorker, MaxBlocksCapsTheListButNotMinAndMax) {
  Entropy entropy(Overrides{{"block_size", "256"}, {"max_blocks", "2"}});
  Json scan = entropy.scan(std::string(512, 'x') + all_byte_values());
  EXPECT_EQ(scan["block_count"], 3);
  EXPECT_EQ(scan["blocks"], Json::parse("[0.0, 0.0]"));
  EXPECT_DOUBLE_EQ(scan["block_max"].get<double>(), 8.0);
}

TEST(EntropyWorker, MaxBytesStopsReading) {
  Entropy entropy(Overrides{{"max_bytes", "1000"}, {"block_size", "0"}});
  Json scan = entropy.scan(std::string(1000, 'z') + all_byte_values());
  EXPECT_EQ(scan["entropy"].get<double>(), 0.0);
  EXPECT_EQ(scan["bytes_scanned"], 1000);
  EXPECT_EQ(scan["truncated"], true);
  EXPECT_FALSE(scan.contains("blocks"));  // block_size 0: whole payload only
}

TEST(EntropyWorker, BadOptionsRefuseActivation) {
  EXPECT_THROW(Entropy(Overrides{{"block_size", "-1"}}), stoq::Error);
  EXPECT_THROW(Entropy(Overrides{{"max_blocks", "-5"}}), stoq::Error);
}

TEST(EntropyWorker, NoPayloadIsAnError) {
  TempDir dir;
  PluginHarness harness(dir.path());
  auto& worker = harness.activate<stoq::Worker>(STOQ_PLUGIN_DIR, "entropy");
  EXPECT_THROW(worker.scan(stoq::Payload(), Json::object()), stoq::Error);
}

void expect_equals_oracle(const std::vector<std::string>& paths, std::size_t block_size) {
  std::string command = "python3 -c \"$STOQ_ENTROPY_ORACLE\" " + std::to_string(block_size);
  for (const std::string& path : paths) command += " '" + path + "'";
  setenv("STOQ_ENTROPY_ORACLE", kPythonOracle, 1);
  Json oracle = Json::parse(run_command(command));
  Entropy entropy(Overrides{{"block_size", std::to_string(block_size)}, {"max_blocks", "1000000"}});
  for (const std::string& path : paths) {
    const Json& expected = oracle[path];
    Json scan = entropy.scan_file(path);
    EXPECT_NEAR(scan["entropy"].get<double>(), expected["entropy"].get<double>(), 1e-9) << path;
    ASSERT_EQ(scan["blocks"].size(), expected["blocks"].size()) << path;
    ASSERT_EQ(scan["block_count"], expected["blocks"].size()) << path;
    for (std::size_t i = 0; i < scan["blocks"].size(); ++i) {
      EXPECT_NEAR(scan["blocks"][i].get<double>(), expected["blocks"][i].get<double>(), 1e-9) << path << " block " << i;
    }
  }
}

TEST(EntropyOracle, CorpusFilesEqualPython) {
  STOQ_NEED_TOOL("python3");
  const std::string fixtures = std::string(STOQ_SHARED_DIR) + "/corpus/strelka-fixtures/";
  std::vector<std::string> paths;
  for (const char* name : {"test.exe", "test.elf", "test.doc", "test.pdf", "test.zip", "test.txt", "test.empty"}) {
    STOQ_NEED_PATH(fixtures + name);
    paths.push_back(fixtures + name);
  }
  expect_equals_oracle(paths, 1024);
  expect_equals_oracle({fixtures + "test.exe"}, 333);  // blocks that do not divide the file
}

// 3 MB: crosses the 1 MiB pieces the worker reads; low entropy first, then high.
TEST(EntropyOracle, GeneratedPayloadEqualsPython) {
  STOQ_NEED_TOOL("python3");
  TempDir dir;
  std::string bytes;
  std::uint32_t state = 12345;
  for (int i = 0; i < 3'000'000; ++i) {
    state = state * 1103515245U + 12345U;
    bytes.push_back(static_cast<char>(i < 1'500'000 ? (state >> 16) & 0x0F : state >> 24));
  }
  expect_equals_oracle({dir.write("mixed.bin", bytes)}, 4096);
}

TEST(EntropyTemplate, StdoutSummary) {
  Entropy entropy(Overrides{{"block_size", "256"}, {"max_blocks", "2"}});
  Json scan = entropy.scan(std::string(256, '\0') + all_byte_values(2));
  Json document = {{"results", Json::array({{{"filename", "sample.bin"}, {"size", 768}, {"scan", scan}}})}};
  stoq::templating::Environment environment(fs::path(STOQ_PLUGIN_DIR) / "worker" / "entropy" / "templates");
  std::string text = environment.get_template("stdout.tpl")->render({{"results", document}});
  EXPECT_EQ(text,
            "sample.bin\n"
            "    size      768 bytes\n"
            "    entropy   6.2296 bits per byte over 768 bytes\n"
            "    blocks    3 of 256 bytes, min 0.0000, max 8.0000\n"
            "      00000000  0.0000\n"
            "      00000100  8.0000  ################################\n"
            "      ... 1 more blocks (max_blocks)\n");
}

}  // namespace

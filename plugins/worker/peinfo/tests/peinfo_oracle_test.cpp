// worker:peinfo against Debian's python3-pefile, run by the test (tests/pefile_oracle.py):
// section table, imphash, imports, exports, version strings, rich header, overlay, PDB
// paths and the main header fields must be equal, on the PE files the test builds and on
// every PE of the shared corpus (whole files, base64-encoded and appended to others).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "pe_builder.hpp"
#include "stoq/testing.hpp"

namespace {

namespace fs = std::filesystem;
using stoq::Json;
using stoq::testing::shell_quote;

const char* const kOracle = PEINFO_SOURCE_DIR "/tests/pefile_oracle.py";

// Runs a shell command; its stdout, and whether it exited 0.
bool run(const std::string& command, std::string& out) {
  int status = -1;
  out = stoq::testing::run_command(command, &status);
  return status == 0;
}

// A Python that can import pefile ("" when none).
std::string python_with_pefile() {
  for (const char* candidate : {"/usr/bin/python3", "python3"}) {
    std::string ignored;
    if (run(std::string(candidate) + " -c 'import pefile' 2>/dev/null", ignored)) return candidate;
  }
  return "";
}

class PefileOracle : public ::testing::Test {
 protected:
  void SetUp() override {
    python_ = python_with_pefile();
    if (python_.empty()) STOQ_MISSING("python3 with pefile (python3-pefile) is not installed");
  }

  Json pefile_dump(const std::vector<std::string>& files) {
    std::string command = python_ + " " + shell_quote(kOracle) + " dump";
    for (const std::string& file : files) command += " " + shell_quote(file);
    std::string out;
    EXPECT_TRUE(run(command, out)) << command;
    return Json::parse(out);
  }

  void compare(const std::string& path, const Json& expected) {
    SCOPED_TRACE(path);
    Json r = worker().scan(stoq::testing::payload_of(stoq::testing::read_file_bytes(path)), Json::object());
    ++compared_;
    EXPECT_EQ(r["imphash"], expected["imphash"]);
    EXPECT_EQ(r["timestamp"], expected["timestamp"]);
    EXPECT_EQ(r["entrypoint"], expected["entrypoint"]);
    EXPECT_EQ(r["image_base"], expected["image_base"]);
    EXPECT_EQ(r["machine_type"], expected["machine_type"]);
    EXPECT_EQ(r["is_dll"], expected["is_dll"]);
    EXPECT_EQ(r["is_exe"], expected["is_exe"]);
    // pefile sorts the section table by address (stable); ours is in file order.
    std::vector<Json> sections(r["sections"].begin(), r["sections"].end());
    std::stable_sort(sections.begin(), sections.end(), [](const Json& a, const Json& b) {
      return a["virtual_address"].get<std::uint64_t>() < b["virtual_address"].get<std::uint64_t>();
    });
    ASSERT_EQ(sections.size(), expected["sections"].size());
    for (std::size_t i = 0; i < sections.size(); ++i) {
      const Json& want = expected["sections"][i];
      for (const char* key :
           {"name", "virtual_address", "virtual_size", "raw_offset", "raw_size", "characteristics", "md5"}) {
        EXPECT_EQ(sections[i][key], want[key]) << "section " << i << " " << key;
      }
      EXPECT_NEAR(sections[i]["entropy"].get<double>(), want["entropy"].get<double>(), 1e-9) << "section " << i;
    }
    // Imports: the same DLLs in the same order, the same names and ordinals.
    Json imports = Json::array();
    for (const Json& dll : r["imports"]) {
      Json functions = Json::array();
      for (const Json& function : dll["functions"]) {
        functions.push_back({{"name", function["name"]}, {"ordinal", function["ordinal"]}});
      }
      imports.push_back({{"dll", dll["dll"]}, {"functions", functions}});
    }
    EXPECT_EQ(imports.dump(), expected["imports"].dump());
    if (expected["exports"].is_null()) {
      EXPECT_FALSE(r.contains("exports")) << r["exports"].dump();
    } else {
      ASSERT_TRUE(r.contains("exports"));
      EXPECT_EQ(r["exports"]["name"], expected["exports"]["name"]);
      Json functions = Json::array();
      for (const Json& function : r["exports"]["functions"]) {
        functions.push_back({{"name", function["name"]},
                             {"ordinal", function["ordinal"]},
                             {"address", function["address"]},
                             {"forwarder", function["forwarder"]}});
      }
      EXPECT_EQ(functions.dump(), expected["exports"]["functions"].dump());
    }
    // Version information.
    const Json version = r.value("version_info", Json::object());
    EXPECT_EQ(version.value("string_file_info", Json::array()).dump(), expected["string_file_info"].dump());
    if (expected["file_version"].is_null()) {
      EXPECT_FALSE(version.contains("fixed_file_info"));
    } else {
      EXPECT_EQ(version["fixed_file_info"]["file_version"], expected["file_version"]);
    }
    // Rich header: pefile's flat [compid, count, ...].
    if (expected["rich"].is_null()) {
      EXPECT_FALSE(r.contains("rich_header"));
    } else {
      Json flat = Json::array();
      for (const Json& value : r["rich_header"]["values"]) {
        flat.push_back(value["compid"]);
        flat.push_back(value["count"]);
      }
      EXPECT_EQ(flat, expected["rich"]);
    }
    if (expected["overlay"].is_null()) {
      EXPECT_FALSE(r.contains("overlay")) << r["overlay"].dump();
    } else {
      EXPECT_EQ(r["overlay"]["offset"], expected["overlay"]);
    }
    Json pdbs = Json::array();
    for (const Json& entry : r.value("debug", Json::array())) {
      if (entry.contains("codeview")) pdbs.push_back(entry["codeview"]["pdb"]);
    }
    EXPECT_EQ(pdbs, expected["pdbs"]);
  }

  stoq::Worker& worker() {
    if (worker_ == nullptr) worker_ = &harness_.activate<stoq::Worker>(STOQ_PLUGIN_DIR, "peinfo");
    return *worker_;
  }

  std::string python_;
  stoq::testing::TempDir work_;
  stoq::testing::PluginHarness harness_{work_.path()};
  stoq::Worker* worker_ = nullptr;
  std::size_t compared_ = 0;
};

TEST_F(PefileOracle, BuiltPe32AndPe32Plus) {
  stoq::testing::TempDir dir;
  std::vector<std::string> files = {
      dir.write("pe32.dll", peinfo_test::build_pe({})),
      dir.write("pe32plus.exe", peinfo_test::build_pe({.pe32_plus = true, .dll = false, .certificate = true})),
      dir.write("pe32plus-no-overlay.dll", peinfo_test::build_pe({.pe32_plus = true, .overlay = ""})),
  };
  Json expected = pefile_dump(files);
  for (const std::string& file : files) compare(file, expected[file]);
  EXPECT_EQ(compared_, files.size());
}

TEST_F(PefileOracle, EveryPeOfTheCorpus) {
  const fs::path corpus = fs::path(STOQ_SHARED_DIR) / "corpus" / "strelka-fixtures";
  if (!fs::exists(corpus / "test.exe")) STOQ_MISSING("shared corpus not present: " << corpus);
  stoq::testing::TempDir dir;
  std::string listing;
  ASSERT_TRUE(run(
      python_ + " " + shell_quote(kOracle) + " extract " + shell_quote(corpus.string()) + " " + shell_quote(dir.path()),
      listing));
  std::vector<std::string> files;
  std::istringstream lines(listing);
  for (std::string line; std::getline(lines, line);) {
    if (!line.empty()) files.push_back(line);
  }
  // test.exe, test_overlay_zip.exe, test_upx.exe, test_xor.exe, test_pe.b64 and the PEs
  // appended to images, captures and documents.
  ASSERT_GE(files.size(), 8U) << listing;
  Json expected = pefile_dump(files);
  for (const std::string& file : files) compare(file, expected[file]);
  EXPECT_EQ(compared_, files.size());
}

}  // namespace

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

std::string xdp_with(const std::string& chunk_text) {
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<?xfa generator=\"test\"?>\n"
         "<xdp:xdp xmlns:xdp=\"http://ns.adobe.com/xdp/\">\n"
         "<pdf xmlns=\"http://ns.adobe.com/xdp/pdf/\"><document><chunk>" +
         chunk_text + "</chunk></document></pdf>\n</xdp:xdp>\n";
}

class XdpCarverTest : public ::testing::Test {
 protected:
  // A real PDF (qpdf --empty) when qpdf is installed, else a small stand-in.
  std::string pdf() {
    if (!stoq::testing::find_tool("qpdf").empty()) {
      int status = 0;
      run("qpdf --empty '" + dir_.path("empty.pdf") + "'", &status);
      if (status == 0) return read_all(dir_.path("empty.pdf"));
    }
    return "%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";
  }
  TempDir dir_;
  PluginHarness harness_{dir_.path()};
};

TEST_F(XdpCarverTest, DecodesThePdfChunkWithTheOriginalConfig) {
  STOQ_NEED_TOOL("base64");
  STOQ_NEED_PATH(original_config("carver", "xdp"));
  auto& carver = harness_.activate<stoq::Carver>(plugin_dir_with_original(dir_, "carver", "xdp"), "xdp");
  std::string document = pdf();
  std::string encoded = run_with_input(dir_, "base64 -w 76", document);
  // Adobe writes line ends as character references.
  std::string with_references;
  for (char c : encoded) with_references += c == '\n' ? std::string("&#xD;\n") : std::string(1, c);
  auto children = carver.carve(payload_of(xdp_with(with_references)), Json::object());
  ASSERT_EQ(children.size(), 1U);
  EXPECT_EQ(children[0].payload.hashes().sha256, sha256_of(document));
  EXPECT_EQ(children[0].meta["filename"], "xdp_pdf_0.pdf");
  EXPECT_EQ(children[0].meta["element_name"], "chunk");
  if (!stoq::testing::find_tool("qpdf").empty()) {
    std::string carved = dir_.write("carved.pdf", text_of(children[0].payload));
    int status = 0;
    run("qpdf --check '" + carved + "' >/dev/null 2>&1", &status);
    EXPECT_EQ(status, 0);
  }
}

TEST_F(XdpCarverTest, CdataSeveralChunksAndOtherElements) {
  auto& carver = harness_.activate<stoq::Carver>(STOQ_PLUGIN_DIR, "xdp");
  std::string text = xdp_with("<![CDATA[JVBERi0xLjQK]]>") +
                     "<chunk attr='1'>JVBERi0xLjcK</chunk><chunky>QUJD</chunky>" +
                     "<chunk/><chunk>not base64!</chunk><data>QUJD</data>";
  auto children = carver.carve(payload_of(text), Json::object());
  ASSERT_EQ(children.size(), 2U);
  EXPECT_EQ(text_of(children[0].payload), "%PDF-1.4\n");
  EXPECT_EQ(text_of(children[1].payload), "%PDF-1.7\n");
  EXPECT_EQ(children[1].meta["filename"], "xdp_pdf_1.pdf");
  EXPECT_EQ(children[1].meta["skipped_elements"], 1);
  children = carver.carve(payload_of(text), Json{{"xdp_elements", "data:chunky"}});
  ASSERT_EQ(children.size(), 2U);
  EXPECT_EQ(text_of(children[0].payload), "ABC");
  EXPECT_EQ(children[0].meta["element_name"], "data");
  EXPECT_THROW(carver.carve(payload_of("<xdp:xdp><pdf></pdf></xdp:xdp>"), Json::object()), stoq::Error);
  EXPECT_THROW(carver.carve(payload_of(xdp_with("@@@")), Json::object()), stoq::Error);
}

}  // namespace

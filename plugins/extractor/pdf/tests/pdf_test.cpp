// extractor:pdf against the qpdf command-line tool: for every stream object qpdf lists
// (qpdf --json), the child holds what `qpdf --show-object=N,G --filtered-stream-data`
// prints when qpdf decodes it cleanly, else `--raw-stream-data`; embedded files
// (qpdf --add-attachment / --show-attachment) come out under their file names.
#include <gtest/gtest.h>

#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "stoq/testing.hpp"

namespace {

using stoq::Json;
using stoq::testing::PluginHarness;
using stoq::testing::TempDir;

std::string run(const std::string& command, int* status = nullptr) {
  std::string out;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return out;
  char buffer[4096];
  std::size_t n = 0;
  while ((n = fread(buffer, 1, sizeof buffer, pipe)) > 0) out.append(buffer, n);
  int rc = pclose(pipe);
  if (status != nullptr) *status = rc;
  return out;
}

std::string sha256(std::string_view bytes) { return stoq::compute_hashes(stoq::ByteView(bytes)).sha256; }

// A PDF written here with a correct xref: an uncompressed content stream, a fake JPEG
// (DCTDecode: must come out raw), an ASCIIHex stream and a FlateDecode stream that is
// not zlib data (decoding fails: raw, with an error).
std::string handmade_pdf() {
  auto stream = [](const std::string& dict_entries, const std::string& data) {
    return "<< " + dict_entries + " /Length " + std::to_string(data.size()) + " >>\nstream\n" + data + "\nendstream";
  };
  std::vector<std::string> objects = {
      "<< /Type /Catalog /Pages 2 0 R /Extra [6 0 R 7 0 R] >>",
      "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
      std::string("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R ") +
          "/Resources << /XObject << /Im1 5 0 R >> >> >>",
      stream("", "BT /F1 12 Tf 72 720 Td (Hello stoq) Tj ET"),
      stream("/Type /XObject /Subtype /Image /Width 1 /Height 1 /ColorSpace /DeviceGray /BitsPerComponent 8 "
             "/Filter /DCTDecode",
             "\xff\xd8\xff\xe0 fake jpeg \xff\xd9"),
      stream("/Filter /ASCIIHexDecode", "48656c6c6f2c207374 6f71>"),
      stream("/Filter /FlateDecode", "this is not zlib data at all"),
  };
  std::string out = "%PDF-1.7\n";
  std::vector<std::size_t> offsets;
  for (std::size_t i = 0; i < objects.size(); ++i) {
    offsets.push_back(out.size());
    out += std::to_string(i + 1) + " 0 obj\n" + objects[i] + "\nendobj\n";
  }
  std::size_t xref = out.size();
  out += "xref\n0 " + std::to_string(objects.size() + 1) + "\n0000000000 65535 f \n";
  for (std::size_t offset : offsets) {
    char line[32];
    std::snprintf(line, sizeof line, "%010zu 00000 n \n", offset);
    out += line;
  }
  out += "trailer\n<< /Size " + std::to_string(objects.size() + 1) + " /Root 1 0 R >>\nstartxref\n" +
         std::to_string(xref) + "\n%%EOF\n";
  return out;
}

// object "N G" -> sha256 of what qpdf gives for it.
std::map<std::string, std::string> qpdf_streams(const std::string& path) {
  Json doc = Json::parse(run("qpdf --json '" + path + "'"));
  std::map<std::string, std::string> out;
  for (const auto& [key, value] : doc["qpdf"][1].items()) {
    if (!value.contains("stream")) continue;
    int object = 0;
    int generation = 0;
    if (std::sscanf(key.c_str(), "obj:%d %d R", &object, &generation) != 2) continue;
    std::string id = std::to_string(object) + "," + std::to_string(generation);
    // The plugin leaves lossy and image codecs encoded (the CLI's --filtered-stream-data
    // would decode DCT whatever --decode-level says).
    std::string filters = value["stream"]["dict"].contains("/Filter") ? value["stream"]["dict"]["/Filter"].dump() : "";
    bool lossy = false;
    for (const char* codec : {"/DCTDecode", "/JPXDecode", "/JBIG2Decode", "/CCITTFaxDecode"}) {
      lossy = lossy || filters.find(codec) != std::string::npos;
    }
    if (lossy) {
      out[std::to_string(object) + " " + std::to_string(generation)] =
          sha256(run("qpdf --show-object=" + id + " --raw-stream-data '" + path + "' 2>/dev/null"));
      continue;
    }
    int status = -1;
    std::string data = run(
        "qpdf --show-object=" + id + " --filtered-stream-data --decode-level=specialized '" + path + "' 2>/dev/null",
        &status);
    if (status != 0) data = run("qpdf --show-object=" + id + " --raw-stream-data '" + path + "' 2>/dev/null");
    out[std::to_string(object) + " " + std::to_string(generation)] = sha256(data);
  }
  return out;
}

std::map<std::string, std::string> plugin_streams(const stoq::ExtractedList& children) {
  std::map<std::string, std::string> out;
  for (const auto& child : children) {
    out[std::to_string(child.meta["object"].get<int>()) + " " + std::to_string(child.meta["generation"].get<int>())] =
        child.payload.hashes().sha256;
  }
  return out;
}

class PdfExtractorTest : public ::testing::Test {
 protected:
  TempDir dir_;
  PluginHarness harness_{dir_.path("work")};
  stoq::Extractor& pdf_ = harness_.activate<stoq::Extractor>(STOQ_PLUGIN_DIR, "pdf");

  stoq::ExtractedList extract(const std::string& path) { return pdf_.extract(harness_.get_file(path), Json::object()); }
};

TEST_F(PdfExtractorTest, HandmadePdfMatchesQpdf) {
  STOQ_NEED_TOOL("qpdf");
  std::string path = dir_.write("plain.pdf", handmade_pdf());
  stoq::ExtractedList children = extract(path);
  EXPECT_EQ(plugin_streams(children), qpdf_streams(path));
  ASSERT_EQ(children.size(), 4U);
  EXPECT_EQ(children[0].payload.bytes().as_string_view(), "BT /F1 12 Tf 72 720 Td (Hello stoq) Tj ET");
  EXPECT_EQ(children[1].meta["filters"], Json::array({"DCTDecode"}));
  EXPECT_EQ(children[1].meta["subtype"], "Image");
  EXPECT_EQ(children[1].meta["decoded"], false);
  EXPECT_EQ(children[1].payload.bytes().as_string_view(), "\xff\xd8\xff\xe0 fake jpeg \xff\xd9");
  EXPECT_EQ(children[2].payload.bytes().as_string_view(), "Hello, stoq");
  EXPECT_EQ(children[2].meta["decoded"], true);
  EXPECT_EQ(children[2].meta["filename"], "object_6_0");
  EXPECT_EQ(children[3].payload.bytes().as_string_view(), "this is not zlib data at all");
  EXPECT_TRUE(children[3].meta.contains("error"));
}

TEST_F(PdfExtractorTest, CompressedPdfWithAttachmentMatchesQpdf) {
  STOQ_NEED_TOOL("qpdf");
  std::string plain = dir_.write("plain.pdf", handmade_pdf());
  std::string attachment = dir_.write("report.txt", "attached data\n");
  std::string compressed = dir_.path("compressed.pdf");
  std::string with = dir_.path("with.pdf");
  int status = -1;
  run("qpdf --compress-streams=y --object-streams=generate '" + plain + "' '" + compressed + "' 2>/dev/null", &status);
  run("qpdf '" + compressed + "' --add-attachment '" + attachment + "' --mimetype=text/plain -- '" + with + "'",
      &status);
  ASSERT_EQ(status, 0);
  stoq::ExtractedList children = extract(with);
  EXPECT_EQ(plugin_streams(children), qpdf_streams(with));
  ASSERT_FALSE(children.empty());
  EXPECT_EQ(children[0].meta["filename"], "report.txt");  // embedded files come first
  EXPECT_EQ(children[0].meta["embedded_file"], true);
  EXPECT_EQ(children[0].meta["mime_type"], "text/plain");
  EXPECT_EQ(children[0].payload.bytes().as_string_view(), run("qpdf --show-attachment=report.txt '" + with + "'"));
  auto& attachments_only =
      harness_.activate<stoq::Extractor>(STOQ_PLUGIN_DIR, "pdf", {{"embedded_files_only", "True"}});
  EXPECT_EQ(attachments_only.extract(harness_.get_file(with), Json::object()).size(), 1U);
}

TEST_F(PdfExtractorTest, StrelkaPdfMatchesQpdf) {
  STOQ_NEED_TOOL("qpdf");
  const std::string path = STOQ_SHARED_DIR "/corpus/strelka-fixtures/test.pdf";
  STOQ_NEED_PATH(path);
  stoq::ExtractedList children = extract(path);
  EXPECT_FALSE(children.empty());
  EXPECT_EQ(plugin_streams(children), qpdf_streams(path));
}

TEST_F(PdfExtractorTest, LimitsStopTheWalk) {
  std::string pdf = handmade_pdf();
  harness_.mutable_limits().max_children = 2;
  stoq::ExtractedList children = pdf_.extract(stoq::testing::payload_of(pdf), Json::object());
  ASSERT_EQ(children.size(), 2U);
  EXPECT_EQ(children.back().meta["limit_reached"], "max_children");
  harness_.mutable_limits().max_children = 100;
  harness_.mutable_limits().max_child_size = 5;
  children = pdf_.extract(stoq::testing::payload_of(pdf), Json::object());
  ASSERT_FALSE(children.empty());
  EXPECT_EQ(children[0].payload.size(), 5U);
  EXPECT_EQ(children[0].meta["truncated"], true);
}

TEST_F(PdfExtractorTest, GarbageIsAClearErrorAndDamageIsSurvived) {
  EXPECT_THROW(pdf_.extract(stoq::testing::payload_of("not a pdf at all"), Json::object()), stoq::Error);
  std::string pdf = handmade_pdf();
  // A wrong startxref offset: qpdf rebuilds the cross-reference table by scanning.
  std::string damaged = pdf;
  std::size_t startxref = damaged.rfind("startxref\n");
  damaged.replace(startxref + 10, damaged.find('\n', startxref + 10) - startxref - 10, "99999");
  EXPECT_EQ(pdf_.extract(stoq::testing::payload_of(damaged), Json::object()).size(), 4U);
  std::string truncated = pdf.substr(0, pdf.size() / 2);  // no trailer left: nothing to recover
  EXPECT_THROW(pdf_.extract(stoq::testing::payload_of(truncated), Json::object()), stoq::Error);
  unsigned seed = 7;
  for (int round = 0; round < 200; ++round) {
    std::string mutated = pdf;
    for (int i = 0; i < 4; ++i) {
      seed = seed * 1103515245U + 12345U;
      mutated[(seed >> 8) % mutated.size()] = static_cast<char>(seed >> 20);
    }
    try {
      pdf_.extract(stoq::testing::payload_of(mutated), Json::object());
    } catch (const stoq::Error&) {
    }
  }
}

}  // namespace

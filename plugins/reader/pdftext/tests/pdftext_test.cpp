// reader:pdftext: text equal to pdftotext's (poppler-utils) on the corpus PDF and on a PDF
// written here, the limits, stoQ's original pdftext.stoq, and damaged input.
#include <gtest/gtest.h>

#include <filesystem>
#include <random>
#include <string>

#include "handmade_pdf.hpp"
#include "stoq/testing.hpp"

namespace {

namespace fs = std::filesystem;
using stoq::Json;
using stoq::testing::payload_of;
using stoq::testing::PluginHarness;
using stoq::testing::read_file_bytes;
using stoq::testing::run_command;
using stoq::testing::TempDir;

const std::string kCorpusPdf = STOQ_SHARED_DIR "/corpus/strelka-fixtures/test.pdf";

std::string pdftotext(const std::string& path, const std::string& flags = "") {
  int status = 0;
  std::string out = run_command("pdftotext -q -enc UTF-8 " + flags + " '" + path + "' - 2>/dev/null", &status);
  EXPECT_EQ(status, 0) << path;
  return out;
}

// Two pages: an IP and a URL only as a hex string, then a kerned TJ array, escaped
// parentheses and a WinAnsi e-acute (octal \351).
std::string two_page_pdf() {
  return stoq_test::handmade_pdf({
      "BT /F1 12 Tf 72 712 Td " + stoq_test::pdf_hex("Beacon 198.51.100.23 via http://pdf.example.org/gate") +
          " Tj 0 -20 Td (Second line) Tj ET",
      R"(BT /F1 12 Tf 72 712 Td [(Caf) -10 (\351 \(page two\))] TJ ET)",
  });
}

class PdfTextTest : public ::testing::Test {
 protected:
  stoq::Reader& reader(const std::vector<std::pair<std::string, std::string>>& overrides = {}) {
    return harness_.activate<stoq::Reader>(STOQ_PLUGIN_DIR, "pdftext", overrides);
  }
  Json read_path(stoq::Reader& plugin, const std::string& path) {
    return plugin.read(stoq::read_file_payload(path, 1U << 30U), Json::object());
  }
  TempDir work_;
  PluginHarness harness_{work_.path()};
};

TEST_F(PdfTextTest, EqualsPdftotextOnAHandmadePdf) {
  STOQ_NEED_TOOL("pdftotext");
  std::string path = work_.write("two.pdf", two_page_pdf());
  Json result = read_path(reader(), path);
  std::string expected = pdftotext(path);
  EXPECT_EQ(result["text"].get<std::string>(), expected);
  EXPECT_NE(expected.find("198.51.100.23"), std::string::npos) << expected;
  EXPECT_NE(expected.find("Caf\xC3\xA9 (page two)"), std::string::npos) << expected;
  EXPECT_EQ(result["pages"], 2);
  EXPECT_EQ(result["pages_read"], 2);
  EXPECT_EQ(result["truncated"], false);
  // The IP is not in the file's bytes: only the text has it.
  EXPECT_EQ(read_file_bytes(path).find("198.51.100.23"), std::string::npos);
}

TEST_F(PdfTextTest, EqualsPdftotextOnTheCorpusPdf) {
  STOQ_NEED_TOOL("pdftotext");
  STOQ_NEED_PATH(kCorpusPdf);
  Json result = read_path(reader(), kCorpusPdf);
  std::string expected = pdftotext(kCorpusPdf);
  EXPECT_GT(expected.size(), 1000U);
  EXPECT_EQ(result["text"].get<std::string>(), expected);
  EXPECT_EQ(result["pages"], 1);
}

TEST_F(PdfTextTest, PageAndByteLimits) {
  STOQ_NEED_TOOL("pdftotext");
  std::string path = work_.write("two.pdf", two_page_pdf());
  Json one_page = read_path(reader({{"max_pages", "1"}}), path);
  EXPECT_EQ(one_page["text"].get<std::string>(), pdftotext(path, "-l 1"));
  EXPECT_EQ(one_page["pages"], 2);
  EXPECT_EQ(one_page["pages_read"], 1);
  EXPECT_EQ(one_page["truncated"], true);

  // A cut inside the two-byte e-acute keeps the character out whole.
  std::string full = pdftotext(path);
  std::size_t eacute = full.find("\xC3\xA9");
  ASSERT_NE(eacute, std::string::npos);
  Json cut = read_path(reader({{"max_text_bytes", std::to_string(eacute + 1)}}), path);
  EXPECT_EQ(cut["text"].get<std::string>(), full.substr(0, eacute));
  EXPECT_EQ(cut["truncated"], true);
  EXPECT_EQ(cut["pages_read"], 2);

  std::string pdf = read_file_bytes(path);
  EXPECT_THROW((void)reader({{"max_pdf_bytes", std::to_string(pdf.size() - 1)}}).read(payload_of(pdf), Json::object()),
               stoq::Error);
  EXPECT_THROW(reader({{"max_pages", "0"}}), stoq::Error);
}

// stoQ's own pdftext.stoq, unchanged, beside the built module: the defaults apply.
TEST(PdfTextOriginal, LoadsTheOriginalStoqFile) {
  STOQ_NEED_TOOL("pdftotext");
  std::string original = STOQ_SHARED_DIR "/corpus/stoq-configs/reader/pdftext.stoq";
  STOQ_NEED_PATH(original);
  STOQ_NEED_PATH(kCorpusPdf);
  TempDir plugins;
  std::string folder = plugins.mkdir("reader/pdftext");
  fs::copy_file(std::string(STOQ_PLUGIN_DIR) + "/reader/pdftext/pdftext.so", folder + "/pdftext.so");
  fs::copy_file(original, folder + "/pdftext.stoq");
  TempDir work;
  PluginHarness harness(work.path());
  auto& plugin = harness.activate<stoq::Reader>(plugins.path(), "pdftext");
  EXPECT_EQ(plugin.info().author, "Marcus LaFerrera");
  EXPECT_EQ(plugin.options().get_int("max_pages"), 1000);
  Json result = plugin.read(stoq::read_file_payload(kCorpusPdf, 1U << 30U), Json::object());
  EXPECT_EQ(result["text"].get<std::string>(), pdftotext(kCorpusPdf));
}

TEST_F(PdfTextTest, NotAPdfIsAnError) {
  auto& plugin = reader();
  for (std::string_view bytes : {std::string_view(""), std::string_view("hello, world"), std::string_view("%PDF-1.4\n"),
                                 std::string_view("%PDF-1.7\n1 0 obj\n<<")}) {
    EXPECT_THROW((void)plugin.read(payload_of(bytes), Json::object()), stoq::Error) << bytes;
  }
  EXPECT_THROW((void)plugin.read(stoq::Payload(), Json::object()), stoq::Error);
}

// Damaged PDFs (every truncation of the handmade one, the corpus one cut and with bytes
// flipped): a result or a stoq::Error, never a crash, and the text always well-formed.
TEST_F(PdfTextTest, DamagedPdfsGiveTextOrAnError) {
  auto& plugin = reader({{"max_pages", "20"}});
  std::vector<std::string> inputs;
  std::string handmade = two_page_pdf();
  for (std::size_t cut = 0; cut < handmade.size(); cut += 13) inputs.push_back(handmade.substr(0, cut));
  if (fs::exists(kCorpusPdf)) {
    std::string corpus = read_file_bytes(kCorpusPdf);
    for (std::size_t cut = 1; cut < corpus.size(); cut += corpus.size() / 7) inputs.push_back(corpus.substr(0, cut));
    std::mt19937 random(5);  // NOLINT(cert-msc32-c,cert-msc51-cpp): fixed seed, reproducible inputs
    for (int round = 0; round < 40; ++round) {
      std::string flipped = corpus;
      for (int k = 0; k < 20; ++k) flipped[random() % flipped.size()] = static_cast<char>(random() & 0xFFU);
      inputs.push_back(std::move(flipped));
    }
  }
  std::size_t errors = 0;
  for (const std::string& input : inputs) {
    try {
      Json result = plugin.read(payload_of(input), Json::object());
      EXPECT_NO_THROW((void)result.dump());
    } catch (const stoq::Error&) {
      ++errors;
    }
  }
  EXPECT_GT(errors, 0U);
  EXPECT_LT(errors, inputs.size());
}

TEST_F(PdfTextTest, PasswordProtectedPdfs) {
  STOQ_NEED_TOOL("qpdf");
  std::string plain = work_.write("plain.pdf", two_page_pdf());
  std::string locked = work_.path("locked.pdf");
  std::string owner_only = work_.path("owner.pdf");
  int status = 0;
  run_command("qpdf --encrypt secret owner 256 -- '" + plain + "' '" + locked + "' 2>&1", &status);
  ASSERT_EQ(status, 0);
  run_command("qpdf --encrypt '' owner 256 -- '" + plain + "' '" + owner_only + "' 2>&1", &status);
  ASSERT_EQ(status, 0);
  auto& plugin = reader();
  try {
    (void)read_path(plugin, locked);
    ADD_FAILURE() << "a PDF with a user password was read";
  } catch (const stoq::Error& error) {
    EXPECT_NE(std::string(error.what()).find("password"), std::string::npos) << error.what();
  }
  // Only an owner password: the text is readable, as with pdftotext.
  EXPECT_NE(read_path(plugin, owner_only)["text"].get<std::string>().find("198.51.100.23"), std::string::npos);
}

}  // namespace

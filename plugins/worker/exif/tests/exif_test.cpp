// worker:exif against exiftool ("exiftool -j -G -n", run here): every common field the
// plugin reports under an exiftool name must equal exiftool's value for that name, on
// the corpus images and on a JPEG this test writes and tags with exiftool. Also the
// original .stoq file, hostile input, the limits and the stoq executable end to end.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <string>

#include "run_cli.hpp"
#include "stoq/testing.hpp"

namespace {

namespace fs = std::filesystem;
using stoq::Json;
using stoq::testing::run_command;
using stoq::testing::TempDir;
using Overrides = std::vector<std::pair<std::string, std::string>>;

std::string corpus(const std::string& name) { return STOQ_SHARED_DIR "/corpus/strelka-fixtures/" + name; }

class Exif {
 public:
  explicit Exif(const Overrides& overrides = {}, const std::string& plugin_dir = STOQ_PLUGIN_DIR)
      : worker_(harness_.activate<stoq::Worker>(plugin_dir, "exif", overrides)) {}
  Json scan(const std::string& path) { return worker_.scan(harness_.get_file(path), Json::object()); }
  Json scan_bytes(std::string_view bytes) { return worker_.scan(stoq::testing::payload_of(bytes), Json::object()); }

 private:
  TempDir work_;
  stoq::testing::PluginHarness harness_{work_.path()};
  stoq::Worker& worker_;
};

// exiftool's tags without their group ("EXIF:Make" -> "Make"); the File, Composite and
// ExifTool groups are about the file on disk or computed, except File:MIMEType, the
// image size and the JPEG comment, which the plugin reports too.
std::map<std::string, std::vector<Json>> exiftool_tags(const std::string& path) {
  Json all = Json::parse(run_command("exiftool -j -G -n '" + path + "'"))[0];
  std::map<std::string, std::vector<Json>> tags;
  for (const auto& [key, value] : all.items()) {
    std::size_t colon = key.find(':');
    if (colon == std::string::npos) continue;
    std::string group = key.substr(0, colon);
    std::string name = key.substr(colon + 1);
    if (group == "ExifTool" || group == "Composite") continue;
    if (group == "File" && name != "MIMEType" && name != "ImageWidth" && name != "ImageHeight" && name != "Comment") {
      continue;
    }
    tags[name].push_back(value);
  }
  return tags;
}

bool same(const Json& mine, const Json& theirs) {
  if (mine == theirs) return true;
  auto as_number = [](const Json& value, double& out) {
    if (value.is_number()) {
      out = value.get<double>();
      return true;
    }
    if (!value.is_string()) return false;
    const std::string text = value.get<std::string>();
    char* end = nullptr;
    out = std::strtod(text.c_str(), &end);
    return !text.empty() && end == text.c_str() + text.size();
  };
  double a = 0;
  double b = 0;
  if (as_number(mine, a) && as_number(theirs, b)) return std::fabs(a - b) <= 1e-5 * std::max(1.0, std::fabs(b));
  if (mine.is_array() && theirs.is_array() && mine.size() == theirs.size()) {
    for (std::size_t i = 0; i < mine.size(); ++i) {
      if (!same(mine[i], theirs[i])) return false;
    }
    return true;
  }
  return mine.is_string() && theirs.is_string() && mine.get<std::string>() == theirs.get<std::string>();
}

// Returns how many fields were compared.
int expect_agrees_with_exiftool(const Json& scan, const std::string& path) {
  std::map<std::string, std::vector<Json>> tags = exiftool_tags(path);
  int compared = 0;
  for (const auto& [name, value] : scan.items()) {
    if (name.empty() || std::islower(static_cast<unsigned char>(name[0])) != 0) continue;  // groups, format
    auto found = tags.find(name);
    if (found == tags.end()) continue;
    bool any = false;
    for (const Json& theirs : found->second) any = any || same(value, theirs);
    EXPECT_TRUE(any) << path << ": " << name << " = " << value.dump() << ", exiftool: " << Json(found->second).dump();
    ++compared;
  }
  return compared;
}

// A baseline JPEG of 8x8 grey pixels, byte by byte: SOI, DQT, SOF0, one-code DC and
// AC Huffman tables, SOS, the entropy-coded block (DC 0, EOB), EOI.
std::string tiny_jpeg() {
  std::string jpeg = "\xFF\xD8";
  jpeg += std::string("\xFF\xDB\x00\x43\x00", 5) + std::string(64, '\x01');
  jpeg += std::string("\xFF\xC0\x00\x0B\x08\x00\x08\x00\x08\x01\x01\x11\x00", 13);
  for (char table_class : {'\x00', '\x10'}) {
    jpeg += std::string("\xFF\xC4\x00\x14", 4) + table_class + '\x01' + std::string(15, '\0') + '\0';
  }
  jpeg += std::string("\xFF\xDA\x00\x08\x01\x01\x00\x00\x3F\x00", 10);
  jpeg += "\x3F\xFF\xD9";
  return jpeg;
}

TEST(ExifOracle, CorpusImagesAgreeWithExiftool) {
  STOQ_NEED_TOOL("exiftool");
  Exif exif;
  int compared = 0;
  for (const char* name : {"test.jpg", "test.png", "test.gif", "test.webp", "test_text.jpg", "test_qr.webp",
                           "test_pe_overlay.jpg", "test_embed_rar.png", "test_qr.heic", "test.pdf"}) {
    const std::string path = corpus(name);
    STOQ_NEED_PATH(path);
    Json scan = exif.scan(path);
    ASSERT_TRUE(scan.is_object()) << name;
    int fields = expect_agrees_with_exiftool(scan, path);
    EXPECT_GE(fields, 2) << name << ": " << scan.dump(2);
    compared += fields;
  }
  EXPECT_GE(compared, 60);
  Json jpg = exif.scan(corpus("test.jpg"));
  EXPECT_EQ(jpg["MIMEType"], "image/jpeg");
  EXPECT_EQ(jpg["ImageWidth"], 1236);
  EXPECT_EQ(jpg["Software"], "ACDSee Pro 7");
  EXPECT_EQ(jpg["exif"]["Exif.Image.Software"], "ACDSee Pro 7");
  EXPECT_EQ(exif.scan(corpus("test.gif"))["CreatorTool"], "Adobe Photoshop CS6 (Windows)");  // XMP packet in a GIF
  EXPECT_EQ(exif.scan(corpus("test.pdf"))["Creator"], "Ryan.OHoro");                         // and in a PDF
}

TEST(ExifOracle, JpegTaggedWithExiftool) {
  STOQ_NEED_TOOL("exiftool");
  TempDir dir;
  std::string path = dir.write("tagged.jpg", tiny_jpeg());
  std::string out = run_command(
      "exiftool -q -overwrite_original -Make=StoqCam -Model='Model 7' -Artist='Ann Example' -Copyright='(c) 2024' "
      "-DateTimeOriginal='2024:01:02 03:04:05' -CreateDate='2024:01:02 03:04:06' -ISO=400 -FNumber=2.8 "
      "-ExposureTime=0.008 -FocalLength=35 -Orientation#=6 -UserComment='hello exif' "
      "-GPSLatitude=48.8584 -GPSLatitudeRef=N -GPSLongitude=2.2945 -GPSLongitudeRef=E "
      "-IPTC:Keywords=alpha -IPTC:Keywords=beta -IPTC:City=Paris -IPTC:By-line='Ann Example' "
      "-IPTC:ObjectName='Test object' -XMP:Title='A title' -XMP:Creator='Ann Example' -XMP:Rating=3 "
      "-Comment='a JPEG comment' '" +
      path + "' 2>&1");
  ASSERT_EQ(out, "") << out;
  Exif exif;
  Json scan = exif.scan(path);
  EXPECT_GE(expect_agrees_with_exiftool(scan, path), 25) << scan.dump(2);
  EXPECT_EQ(scan["Make"], "StoqCam");
  EXPECT_EQ(scan["Model"], "Model 7");
  EXPECT_EQ(scan["Artist"], "Ann Example");
  EXPECT_EQ(scan["ISO"], 400);
  EXPECT_EQ(scan["Orientation"], 6);
  EXPECT_EQ(scan["UserComment"], "hello exif");
  EXPECT_EQ(scan["Keywords"], Json::array({"alpha", "beta"}));
  EXPECT_EQ(scan["Title"], "A title");
  EXPECT_EQ(scan["Comment"], "a JPEG comment");
  EXPECT_EQ(scan["ImageWidth"], 8);
  EXPECT_EQ(scan["exif"]["Exif.Image.Make"], "StoqCam");
  EXPECT_EQ(scan["iptc"]["Iptc.Application2.City"], "Paris");
  EXPECT_EQ(scan["xmp"]["Xmp.dc.title"], "lang=\"x-default\" A title");
}

TEST(ExifLimits, HostileAndBoundedInput) {
  Exif exif(Overrides{{"max_keys", "3"}, {"max_value_bytes", "8"}});
  const std::string path = corpus("test.jpg");
  STOQ_NEED_PATH(path);
  Json scan = exif.scan(path);
  EXPECT_EQ(scan["exif"].size(), 3U);
  EXPECT_NE(scan["truncated"].dump().find("max_keys"), std::string::npos);
  EXPECT_EQ(scan["exif"]["Exif.Image.Software"], nullptr);  // the 5th key: not reported
  // Truncated and damaged images give partial results or warnings, never a crash.
  std::string jpeg = stoq_test::read_file(path);
  unsigned seed = 11;
  for (int round = 0; round < 60; ++round) {
    std::string damaged = jpeg.substr(0, 4096 + round * 37);
    for (int i = 0; i < 20; ++i) {
      seed = seed * 1103515245U + 12345U;
      damaged[(seed >> 8) % damaged.size()] = static_cast<char>(seed >> 20);
    }
    Json result = exif.scan_bytes(damaged);
    EXPECT_TRUE(result.is_null() || result.is_object());
  }
  EXPECT_TRUE(exif.scan_bytes("not an image at all").is_null());
  Exif small(Overrides{{"max_bytes", "100"}});
  EXPECT_THROW(small.scan(path), stoq::Error);
}

TEST(ExifStoqFile, TheOriginalStoqFileLoadsUnchanged) {
  const fs::path original = fs::path(STOQ_SHARED_DIR) / "corpus" / "stoq-configs" / "worker" / "exif.stoq";
  if (!fs::exists(original)) STOQ_MISSING("original .stoq not present: " << original);
  TempDir plugins;
  const std::string folder = plugins.mkdir("worker/exif");
  fs::copy_file(original, folder + "/exif.stoq");
  fs::create_symlink(fs::path(STOQ_PLUGIN_DIR) / "worker" / "exif" / "exif.so", folder + "/exif.so");
  Exif exif({}, plugins.path());  // exiftool = /usr/local/bin/exiftool: accepted, not run
  const std::string path = corpus("test.jpg");
  STOQ_NEED_PATH(path);
  EXPECT_EQ(exif.scan(path)["Software"], "ACDSee Pro 7");
}

TEST(ExifCli, CorpusImageIsolatedAndTemplate) {
  const std::string path = corpus("test.jpg");
  STOQ_NEED_PATH(path);
  stoq_test::StoqEnv env;
  // exif.stoq runs the plugin isolated (a helper process).
  stoq_test::CliResult result = stoq_test::run_stoq(env, {"exif", "-F", path});
  ASSERT_EQ(result.exit_code, 0) << result.describe();
  std::vector<stoq_test::OJson> documents = stoq_test::documents_of(result);
  ASSERT_EQ(documents.size(), 1U) << result.describe();
  EXPECT_EQ(documents[0]["results"][0]["scan"]["ImageHeight"], 891);
  stoq_test::CliResult text = stoq_test::run_stoq(env, {"exif", "-F", path, "-T", "stdout.tpl"});
  ASSERT_EQ(text.exit_code, 0) << text.describe();
  EXPECT_TRUE(stoq_test::contains(text.out, "image/jpeg, 1236 x 891")) << text.out;
  EXPECT_TRUE(stoq_test::contains(text.out, "Software")) << text.out;
}

}  // namespace

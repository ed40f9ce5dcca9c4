// Archives and compressed streams the test builds itself with Debian tools, checked
// against the files they were built from (the ground truth): every regular file comes
// out with the same name and sha256, nothing else comes out.
#include <algorithm>

#include "support.hpp"

namespace decompress_test {
namespace {

struct Maker {
  const char* name;
  const char* tool;     // must be installed
  const char* command;  // $S = source folder, $O = archive to write
  bool flat = false;    // only the top-level files (ar, cab)
};

// A source tree: text, binary, empty, nested and a compressible file over 1 MiB.
std::string make_source(const stoq::testing::TempDir& dir) {
  std::string source = dir.path("src");
  std::string text;
  for (int i = 0; i < 200; ++i) text += "line " + std::to_string(i) + ": the quick brown fox\n";
  write_bytes(source + "/a.txt", text);
  write_bytes(source + "/empty.txt", "");
  std::string random(100000, '\0');
  std::uint32_t state = 12345;
  for (char& c : random) {
    state = state * 1103515245U + 12345U;
    c = static_cast<char>(state >> 24);
  }
  write_bytes(source + "/b.bin", random);
  write_bytes(source + "/nested/deep/c.txt", "nested content\n");
  write_bytes(source + "/nested/zeros.bin", std::string(1500000, '\0'));
  return source;
}

std::string expand(std::string command, const std::string& source, const std::string& out) {
  for (auto [key, value] : {std::pair{std::string("$S"), source}, std::pair{std::string("$O"), out}}) {
    for (std::size_t at = command.find(key); at != std::string::npos; at = command.find(key, at + value.size())) {
      command.replace(at, key.size(), quote(value));
    }
  }
  return command;
}

std::string strip_dot_slash(std::string name) {
  while (name.rfind("./", 0) == 0) name = name.substr(2);
  return name;
}

class GeneratedArchive : public ::testing::TestWithParam<Maker> {};

TEST_P(GeneratedArchive, MembersMatchTheSourceFiles) {
  const Maker& maker = GetParam();
  STOQ_NEED_TOOL(maker.tool);
  stoq::testing::TempDir dir;
  std::string source = make_source(dir);
  std::string archive = dir.path("out.archive");
  must_run("(" + expand(maker.command, source, archive) + ") >/dev/null 2>&1");
  ASSERT_TRUE(fs::exists(archive)) << maker.command;

  Outcome outcome = extract_file(archive);
  ASSERT_EQ(outcome.error, "") << maker.name;
  std::map<std::string, std::string> expected = tree_hashes(source);
  if (maker.flat) {
    std::erase_if(expected, [](const auto& item) { return item.first.find('/') != std::string::npos; });
  }
  std::map<std::string, std::string> got;
  for (const auto& [name, hash] : child_hashes(outcome)) got[strip_dot_slash(name)] = hash;
  EXPECT_EQ(got, expected) << maker.name;
  for (const Child& child : outcome.children) {
    EXPECT_EQ(child.meta.value("encrypted", true), false) << child.meta.dump();
    EXPECT_FALSE(child.meta.contains("error")) << child.meta.dump();
    EXPECT_EQ(child.meta.value("size", -1), static_cast<std::int64_t>(child.size)) << child.meta.dump();
  }
}

const Maker kMakers[] = {
    {"zip_deflate", "zip", "cd $S && zip -q -r -X $O ."},
    {"zip_store", "zip", "cd $S && zip -q -0 -r $O ."},
    {"zip_bzip2", "zip", "cd $S && zip -q -Z bzip2 -r $O ."},
    {"zip_lzma_7zz", "7zz", "cd $S && 7zz a -bd -tzip -mm=LZMA $O ."},
    {"zip_deflate64_7zz", "7zz", "cd $S && 7zz a -bd -tzip -mm=Deflate64 $O ."},
    {"7z_lzma2", "7zz", "cd $S && 7zz a -bd -t7z $O ."},
    {"7z_bzip2_not_solid", "7zz", "cd $S && 7zz a -bd -t7z -m0=BZip2 -ms=off $O ."},
    {"7z_ppmd", "7zz", "cd $S && 7zz a -bd -t7z -m0=PPMd $O ."},
    {"tar_gnu", "tar", "tar -C $S --format=gnu -cf $O ."},
    {"tar_ustar", "tar", "tar -C $S --format=ustar -cf $O ."},
    {"tar_pax", "tar", "tar -C $S --format=pax -cf $O ."},
    {"tar_sparse", "tar", "tar -C $S --sparse -cf $O ."},
    {"tar_gz", "gzip", "tar -C $S -czf $O ."},
    {"tar_bz2", "bzip2", "tar -C $S -cjf $O ."},
    {"tar_xz", "xz", "tar -C $S -cJf $O ."},
    {"tar_lzma", "xz", "tar -C $S --lzma -cf $O ."},
    {"tar_zst", "zstd", "tar -C $S --zstd -cf $O ."},
    {"tar_lz4", "lz4", "tar -C $S -I lz4 -cf $O ."},
    {"cpio_newc", "cpio", "cd $S && find . -type f | cpio -o -H newc --quiet > $O"},
    {"cpio_crc", "cpio", "cd $S && find . -type f | cpio -o -H crc --quiet > $O"},
    {"cpio_odc", "cpio", "cd $S && find . -type f | cpio -o -H odc --quiet > $O"},
    {"cpio_bin", "cpio", "cd $S && find . -type f | cpio -o -H bin --quiet > $O"},
    {"cpio_newc_gz", "cpio", "cd $S && find . -type f | cpio -o -H newc --quiet | gzip > $O"},
    {"ar", "ar", "cd $S && ar rc $O a.txt b.bin empty.txt", true},
    {"cab_mszip", "gcab", "cd $S && gcab -c -z $O a.txt b.bin empty.txt", true},
    {"cab_stored", "gcab", "cd $S && gcab -c $O a.txt b.bin empty.txt", true},
    {"iso_rockridge", "xorriso", "xorriso -as mkisofs -quiet -R -J -o $O $S"},
    {"xar_bsdtar", "bsdtar", "bsdtar -C $S --format xar -cf $O ."},
};
INSTANTIATE_TEST_SUITE_P(Tools, GeneratedArchive, ::testing::ValuesIn(kMakers),
                         [](const auto& param_info) { return std::string(param_info.param.name); });

// One compressed file (no archive inside) is one child, named after the gzip header or
// the parent's name without its suffix.
struct StreamMaker {
  const char* name;
  const char* tool;
  const char* command;  // $S = the file to compress, $O = output
  const char* suffix;
};

class CompressedStream : public ::testing::TestWithParam<StreamMaker> {};

TEST_P(CompressedStream, IsOneChild) {
  const StreamMaker& maker = GetParam();
  STOQ_NEED_TOOL(maker.tool);
  stoq::testing::TempDir dir;
  std::string source = make_source(dir);
  std::string input = source + "/a.txt";
  std::string output = dir.path(std::string("a.txt") + maker.suffix);
  must_run(expand(maker.command, input, output));
  Outcome outcome = extract_file(output, {}, Json{{"filename", "a.txt" + std::string(maker.suffix)}});
  ASSERT_EQ(outcome.error, "");
  ASSERT_EQ(outcome.children.size(), 1U);
  EXPECT_EQ(outcome.children[0].sha256, sha256_of(read_text(input)));
  EXPECT_EQ(outcome.children[0].meta["filename"], "a.txt");
  EXPECT_TRUE(outcome.children[0].meta.contains("compression"));
}

const StreamMaker kStreams[] = {
    {"gzip", "gzip", "gzip -c $S > $O", ".gz"},     {"bzip2", "bzip2", "bzip2 -c $S > $O", ".bz2"},
    {"xz", "xz", "xz -c $S > $O", ".xz"},           {"lzma", "xz", "xz --format=lzma -c $S > $O", ".lzma"},
    {"zstd", "zstd", "zstd -q -c $S > $O", ".zst"}, {"lz4", "lz4", "lz4 -q -c $S > $O", ".lz4"},
};
INSTANTIATE_TEST_SUITE_P(Tools, CompressedStream, ::testing::ValuesIn(kStreams),
                         [](const auto& param_info) { return std::string(param_info.param.name); });

TEST(Decompress, PlainFileIsNotAnArchive) {
  Outcome outcome = extract(stoq::testing::payload_of("just some text, not an archive\n"));
  EXPECT_TRUE(outcome.children.empty());
  EXPECT_NE(outcome.error.find("not an archive"), std::string::npos) << outcome.error;
}

TEST(Decompress, PayloadAboveMaximumSizeIsRefused) {
  Outcome outcome = extract(stoq::testing::payload_of(std::string(2000, 'x')), {{"maximum_size", "1000"}});
  EXPECT_NE(outcome.error.find("maximum_size"), std::string::npos) << outcome.error;
}

}  // namespace
}  // namespace decompress_test

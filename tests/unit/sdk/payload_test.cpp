// stoq/payload.hpp: hashing, reading files (read() and mmap paths), ssdeep and libmagic.
#include "stoq/payload.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <regex>
#include <string>

#include "stoq/error.hpp"
#include "test_support.hpp"

namespace {

using stoq::Bytes;
using stoq::ByteView;
using stoq::compute_hashes;
using stoq::Hashes;
using stoq::Payload;
using stoq::read_file_payload;
using stoq::test::error_of;
using stoq::test::TempDir;

constexpr std::size_t kNoLimit = std::size_t{1} << 40;

ByteView view_of(std::string_view text) { return ByteView(text); }

// Deterministic, non-repeating-looking content.
std::string pattern(std::size_t size) {
  std::string out(size, '\0');
  std::uint32_t state = 0x12345678;
  for (char& c : out) {
    state = state * 1664525u + 1013904223u;
    c = static_cast<char>(state >> 24);
  }
  return out;
}

void expect_same(const Hashes& a, const Hashes& b) {
  EXPECT_EQ(a.md5, b.md5);
  EXPECT_EQ(a.sha1, b.sha1);
  EXPECT_EQ(a.sha256, b.sha256);
  EXPECT_EQ(a.sha512, b.sha512);
}

TEST(ComputeHashes, EmptyInput) {
  Hashes h = compute_hashes(ByteView());
  EXPECT_EQ(h.md5, "d41d8cd98f00b204e9800998ecf8427e");
  EXPECT_EQ(h.sha1, "da39a3ee5e6b4b0d3255bfef95601890afd80709");
  EXPECT_EQ(h.sha256, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(h.sha512,
            "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce"
            "47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e");
}

TEST(ComputeHashes, Abc) {
  Hashes h = compute_hashes(view_of("abc"));
  EXPECT_EQ(h.md5, "900150983cd24fb0d6963f7d28e17f72");
  EXPECT_EQ(h.sha1, "a9993e364706816aba3e25717850c26c9cd0d89d");
  EXPECT_EQ(h.sha256, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(h.sha512,
            "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
            "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f");
}

TEST(ComputeHashes, MillionAsSpansManyChunks) {
  std::string million(1000000, 'a');
  Hashes h = compute_hashes(view_of(million));
  EXPECT_EQ(h.md5, "7707d6ae4e027c70eea2a935c2296f21");
  EXPECT_EQ(h.sha1, "34aa973cd4c4daa4f61eeb2bdbad27316534016f");
  EXPECT_EQ(h.sha256, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
  EXPECT_EQ(h.sha512,
            "e718483d0ce769644e2e42c7bc15b4638e1f98b13b2044285632a803afa973eb"
            "de0ff244877ea60a4cb0432ce577c31beb009c5c2c49aa2e4eadb217ad8cc09b");
}

TEST(ComputeHashes, ContextsAreResetBetweenCalls) {
  Hashes first = compute_hashes(view_of("abc"));
  (void)compute_hashes(view_of("something else entirely"));
  expect_same(compute_hashes(view_of("abc")), first);
}

TEST(Payload, NoneAndEmpty) {
  Payload none;
  EXPECT_TRUE(none.is_none());
  EXPECT_EQ(none.size(), 0u);
  Payload empty(Bytes{});
  EXPECT_FALSE(empty.is_none());
  EXPECT_EQ(empty.size(), 0u);
  EXPECT_EQ(empty.hashes().md5, "d41d8cd98f00b204e9800998ecf8427e");
  Payload borrowed(nullptr, ByteView());  // an empty view without an owner is still a payload
  EXPECT_FALSE(borrowed.is_none());
}

TEST(Payload, OwnsItsBytes) {
  Bytes data{'a', 'b', 'c'};
  const std::uint8_t* original = data.data();
  Payload payload(std::move(data));
  EXPECT_EQ(payload.size(), 3u);
  EXPECT_EQ(payload.bytes().as_string_view(), "abc");
  EXPECT_EQ(payload.bytes().data(), original);  // moved in, not copied
  Payload copy = payload;
  EXPECT_EQ(copy.bytes().data(), payload.bytes().data());
}

TEST(Payload, HashesMemoized) {
  Payload payload(Bytes{'a', 'b', 'c'});
  const Hashes& first = payload.hashes();
  const Hashes& second = payload.hashes();
  EXPECT_EQ(&first, &second);
  EXPECT_EQ(first.sha1, "a9993e364706816aba3e25717850c26c9cd0d89d");
}

TEST(Payload, BorrowedViewKeptAliveByOwner) {
  auto buffer = std::make_shared<std::string>("xxabcxx");
  ByteView inner(reinterpret_cast<const std::uint8_t*>(buffer->data()) + 2, 3);
  Payload payload(buffer, inner);
  buffer.reset();
  EXPECT_EQ(payload.bytes().as_string_view(), "abc");
  EXPECT_EQ(payload.hashes().md5, "900150983cd24fb0d6963f7d28e17f72");
}

TEST(ReadFilePayload, SmallFile) {
  TempDir dir;
  std::string path = dir.write("small.bin", std::string("abc"));
  Payload payload = read_file_payload(path, kNoLimit);
  EXPECT_FALSE(payload.is_none());
  EXPECT_EQ(payload.bytes().as_string_view(), "abc");
  EXPECT_EQ(payload.hashes().sha256, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(ReadFilePayload, BinaryContentJustBelowMapThreshold) {
  TempDir dir;
  std::string content = pattern(256 * 1024 - 1);
  std::string path = dir.write("below.bin", content);
  Payload payload = read_file_payload(path, kNoLimit);
  ASSERT_EQ(payload.size(), content.size());
  EXPECT_EQ(payload.bytes().as_string_view(), content);
}

TEST(ReadFilePayload, LargeFileSizeReported) {
  TempDir dir;
  std::string path = dir.write("large.bin", pattern(300 * 1024));
  Payload payload = read_file_payload(path, kNoLimit);
  EXPECT_FALSE(payload.is_none());
  EXPECT_EQ(payload.size(), 300u * 1024u);  // size only: see the disabled test below
}

// Regression: the mapping of a large file lives as long as the payload.
TEST(ReadFilePayload, LargeFileIsMappedAndOutlivesTheFile) {
  TempDir dir;
  for (std::size_t size : {std::size_t{256 * 1024}, std::size_t{3 * 1024 * 1024 + 17}}) {
    std::string content = pattern(size);
    std::string path = dir.write("large.bin", content);
    Payload payload = read_file_payload(path, kNoLimit);
    std::filesystem::remove(path);  // the mapping keeps the bytes
    ASSERT_EQ(payload.size(), size);
    EXPECT_EQ(payload.bytes().as_string_view(), content);
    expect_same(payload.hashes(), compute_hashes(view_of(content)));
  }
}

TEST(ReadFilePayload, EmptyFile) {
  TempDir dir;
  std::string path = dir.write("empty.bin", "");
  Payload payload = read_file_payload(path, kNoLimit);
  EXPECT_FALSE(payload.is_none());
  EXPECT_EQ(payload.size(), 0u);
  EXPECT_EQ(payload.hashes().sha1, "da39a3ee5e6b4b0d3255bfef95601890afd80709");
}

TEST(ReadFilePayload, DirectoryIsAnError) {
  TempDir dir;
  std::string path = dir.root().string();
  auto message = error_of([&] { read_file_payload(path, kNoLimit); });
  EXPECT_NE(message.find(path), std::string::npos) << message;
  EXPECT_NE(message.find("not a regular file"), std::string::npos) << message;
}

TEST(ReadFilePayload, FifoIsAnErrorNotAHang) {
  TempDir dir;
  std::string path = dir.path("fifo");
  ASSERT_EQ(::mkfifo(path.c_str(), 0600), 0);
  auto message = error_of([&] { read_file_payload(path, kNoLimit); });
  EXPECT_NE(message.find(path), std::string::npos) << message;
}

TEST(ReadFilePayload, DeviceIsRefusedBeforeOpening) {
  auto message = error_of([&] { read_file_payload("/dev/null", kNoLimit); });
  EXPECT_NE(message.find("not a regular file: /dev/null"), std::string::npos) << message;
}

TEST(ReadFilePayload, MissingFileNamesPath) {
  TempDir dir;
  std::string path = dir.path("missing.bin");
  auto message = error_of([&] { read_file_payload(path, kNoLimit); });
  EXPECT_NE(message.find(path), std::string::npos) << message;
}

TEST(ReadFilePayload, MaxSize) {
  TempDir dir;
  std::string path = dir.write("ten.bin", std::string(10, 'x'));
  EXPECT_EQ(read_file_payload(path, 10).size(), 10u);  // exactly the limit is fine
  auto message = error_of([&] { read_file_payload(path, 9); });
  EXPECT_NE(message.find(path), std::string::npos) << message;
  EXPECT_NE(message.find("too large"), std::string::npos) << message;
  std::string big = dir.write("big.bin", pattern(300 * 1024));  // the mmap path checks too
  message = error_of([&] { read_file_payload(big, 300 * 1024 - 1); });
  EXPECT_NE(message.find(big), std::string::npos) << message;
}

TEST(Ssdeep, KnownAndWellFormed) {
  EXPECT_EQ(stoq::ssdeep_hash(ByteView()), "3::");
  const std::regex format(R"(^\d+:[^:]*:[^:]*$)");
  std::string content = pattern(64 * 1024);
  std::string hash = stoq::ssdeep_hash(view_of(content));
  EXPECT_TRUE(std::regex_match(hash, format)) << hash;
  EXPECT_EQ(stoq::ssdeep_hash(view_of(content)), hash);  // deterministic
  EXPECT_NE(stoq::ssdeep_hash(view_of("abc")), hash);
}

TEST(MagicMime, SmallBuffers) {
  EXPECT_EQ(stoq::magic_mime(view_of("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n")),
            "application/pdf");
  EXPECT_EQ(stoq::magic_mime(view_of("hello world, this is plain text\n")), "text/plain");
  EXPECT_EQ(stoq::magic_mime(ByteView()), "application/x-empty");
  const std::string png("\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89", 33);
  EXPECT_EQ(stoq::magic_mime(view_of(png)), "image/png");
}

TEST(MagicMime, OnlyTheFirst1000BytesMatter) {
  std::string text(1000, 'a');
  std::string with_tail = text + std::string("\0\x01\x02\xff", 4) + pattern(5000);
  EXPECT_EQ(stoq::magic_mime(view_of(with_tail)), stoq::magic_mime(view_of(text)));
}

}  // namespace

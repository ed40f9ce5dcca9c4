// sdk/mapping_guard: a mapped file that shrinks while it is read gives zero pages and a
// "shrank" mark instead of SIGBUS; a fault outside the guarded mappings still crashes.
// Also read_file_payload on files whose size the kernel reports as 0 (/proc).
#include "sdk/mapping_guard.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "stoq/payload.hpp"
#include "test_support.hpp"

namespace {

using stoq::Payload;
using stoq::read_file_payload;
using stoq::mapping_guard::shrunk_file_error;
using stoq::mapping_guard::shrunk_mapping_length;
using stoq::test::error_of;

// A temporary folder of its own: this test links the SDK's objects statically (GuardedRange
// is hidden in libstoq.so), without libstoq-core.so, where stoq::testing::TempDir lives.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "stoq-guard-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    root_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(root_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  [[nodiscard]] std::string write(const std::string& name, const std::string& content) const {
    std::string path = (root_ / name).string();
    std::ofstream(path, std::ios::binary) << content;
    return path;
  }

 private:
  std::filesystem::path root_;
};

constexpr std::size_t kNoLimit = std::size_t{1} << 40;
constexpr std::size_t kMapped = 1024 * 1024;  // above the 256 KiB mapping threshold

std::string pattern(std::size_t size, std::uint32_t seed) {
  std::string out(size, '\0');
  for (char& c : out) {
    seed = seed * 1664525U + 1013904223U;
    c = static_cast<char>(seed >> 24);
  }
  return out;
}

void shrink(const std::string& path, std::size_t size) { std::filesystem::resize_file(path, size); }

TEST(MappingGuard, AFileThatShrinksReadsAsZerosAndIsMarked) {
  TempDir dir;
  std::string content = pattern(kMapped, 7);
  std::string path = dir.write("big.bin", content);
  Payload payload = read_file_payload(path, kNoLimit);
  ASSERT_TRUE(payload.is_mapped());
  EXPECT_FALSE(shrunk_mapping_length(payload.bytes().data()));

  constexpr std::size_t kKept = 5000;  // the page holding the new end stays, zeros after the end
  shrink(path, kKept);
  std::string seen(payload.bytes().as_string_view());  // reads every page: no SIGBUS

  std::string expected = content.substr(0, kKept) + std::string(kMapped - kKept, '\0');
  ASSERT_EQ(seen.size(), expected.size());
  EXPECT_TRUE(seen == expected) << "first difference at "
                                << std::mismatch(seen.begin(), seen.end(), expected.begin()).first - seen.begin();
  EXPECT_EQ(shrunk_mapping_length(payload.bytes().data()), kMapped);
  EXPECT_EQ(shrunk_mapping_length(payload.bytes().data() + kMapped - 1), kMapped);  // any address inside
  std::optional<std::string> error = shrunk_file_error(payload.bytes().data(), path);
  ASSERT_TRUE(error);
  EXPECT_EQ(*error, path + ": the file shrank from 1048576 bytes while it was read; results cover zero-filled bytes");
}

TEST(MappingGuard, ReadingInPiecesCarriesOnPastTheNewEnd) {
  TempDir dir;
  std::string content = pattern(3 * kMapped, 11);
  std::string path = dir.write("big.bin", content);
  Payload payload = read_file_payload(path, kNoLimit);
  std::size_t visited = 0;
  payload.read_sequentially(kMapped, [&](stoq::ByteView piece) {
    if (visited == 0) shrink(path, kMapped + 100);  // during the first piece: later pages are gone
    visited += piece.size();
    return true;
  });
  EXPECT_EQ(visited, content.size());
  std::string expected = content.substr(0, kMapped + 100) + std::string(2 * kMapped - 100, '\0');
  EXPECT_TRUE(payload.bytes().as_string_view() == expected);
  EXPECT_EQ(shrunk_mapping_length(payload.bytes().data()), 3 * kMapped);
}

TEST(MappingGuard, OnlyTheShrunkMappingIsMarked) {
  TempDir dir;
  std::string first_path = dir.write("first.bin", pattern(kMapped, 1));
  std::string second_content = pattern(kMapped, 2);
  std::string second_path = dir.write("second.bin", second_content);
  Payload first = read_file_payload(first_path, kNoLimit);
  Payload second = read_file_payload(second_path, kNoLimit);
  shrink(first_path, 0);
  std::thread reader([&] { EXPECT_EQ(first.bytes().at(kMapped - 1), 0); });
  reader.join();
  EXPECT_TRUE(second.bytes().as_string_view() == second_content);
  EXPECT_EQ(shrunk_mapping_length(first.bytes().data()), kMapped);
  EXPECT_FALSE(shrunk_mapping_length(second.bytes().data()));
  EXPECT_FALSE(shrunk_file_error(second.bytes().data(), second_path));
}

TEST(MappingGuard, ReleasedMappingsFreeTheirSlots) {
  TempDir dir;
  std::string path = dir.write("big.bin", pattern(kMapped, 3));
  const void* address = nullptr;
  for (int round = 0; round < 5000; ++round) {  // more rounds than registry slots
    Payload payload = read_file_payload(path, kNoLimit);
    stoq::mapping_guard::GuardedRange probe(payload.bytes().data(), 1);
    EXPECT_TRUE(probe.guarded()) << "round " << round;
    address = payload.bytes().data();
  }
  EXPECT_FALSE(shrunk_mapping_length(address));  // unmapped: no longer known
}

TEST(MappingGuardDeathTest, AFaultOutsideEveryGuardedMappingStillKillsWithSigbus) {
  TempDir dir;
  std::string guarded_path = dir.write("guarded.bin", pattern(kMapped, 5));
  Payload guarded = read_file_payload(guarded_path, kNoLimit);  // the handler is installed
  std::string raw_path = dir.write("raw.bin", pattern(kMapped, 6));
  EXPECT_EXIT(
      {
        int fd = ::open(raw_path.c_str(), O_RDONLY);
        void* raw = ::mmap(nullptr, kMapped, PROT_READ, MAP_PRIVATE, fd, 0);
        if (raw == MAP_FAILED) std::_Exit(3);
        std::filesystem::resize_file(raw_path, 0);
        volatile const char* byte = static_cast<const char*>(raw) + kMapped - 1;
        std::_Exit(*byte == 0 ? 4 : 5);  // never reached: the read faults
      },
      // The guard passes the fault on to the handler before it: the default action, or
      // AddressSanitizer's, which reports the BUS and exits 1.
      [](int status) {
        if (stoq::testing::kAddressSanitizer) return WIFEXITED(status) && WEXITSTATUS(status) == 1;
        return WIFSIGNALED(status) && WTERMSIG(status) == SIGBUS;
      },
      stoq::testing::kAddressSanitizer ? "AddressSanitizer: BUS" : "");
}

std::string read_with_ifstream(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(ReadFilePayload, ProcFilesReportedAsEmptyAreReadToTheEnd) {
  Payload payload = read_file_payload("/proc/version", kNoLimit);
  std::string expected = read_with_ifstream("/proc/version");
  ASSERT_FALSE(expected.empty());
  EXPECT_EQ(payload.bytes().as_string_view(), expected);
}

TEST(ReadFilePayload, ProcFilesAreBoundedByMaxSize) {
  std::string message = error_of([] { (void)read_file_payload("/proc/version", 5); });
  EXPECT_NE(message.find("file too large: /proc/version is more than 5 bytes"), std::string::npos) << message;
}

}  // namespace

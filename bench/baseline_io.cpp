// The I/O floor of a per-file pipeline: what any program pays to read every file of a
// tree and write one small result file per input, with no framework around it.
// bench/run-corpus.sh subtracts this (and the hashing cost) from stoq's per-file time
// to estimate the framework's own overhead per payload.
//
//   baseline_io [--threads N] [--hash] [--result-bytes B] SRC_DIR OUT_DIR
//
// Files are listed first (as filedir does), then N threads take them in order: open,
// fstat, read, close; optionally compute_hashes (md5+sha1+sha256+sha512, as stoq does);
// then create OUT_DIR/<n>.stoq (O_EXCL) and write B bytes of text. Prints one line:
//   baseline: files=F bytes=S threads=N hash=0|1 wall_s=W us_per_file=U
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "stoq/payload.hpp"

namespace fs = std::filesystem;

namespace {

[[noreturn]] void usage() {
  std::fprintf(stderr, "usage: baseline_io [--threads N] [--hash] [--result-bytes B] SRC_DIR OUT_DIR\n");
  std::exit(2);
}

bool read_whole(const std::string& path, std::vector<std::uint8_t>& buffer) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  if (fd < 0) return false;
  struct stat status {};
  if (::fstat(fd, &status) != 0 || !S_ISREG(status.st_mode)) {
    ::close(fd);
    return false;
  }
  buffer.resize(static_cast<std::size_t>(status.st_size));
  std::size_t filled = 0;
  while (filled < buffer.size()) {
    ssize_t got = ::read(fd, buffer.data() + filled, buffer.size() - filled);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) break;
    filled += static_cast<std::size_t>(got);
  }
  buffer.resize(filled);
  ::close(fd);
  return true;
}

bool write_result(const std::string& path, const std::string& text) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0644);
  if (fd < 0) return false;
  bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  ::close(fd);
  return ok;
}

}  // namespace

int main(int argc, char** argv) {
  unsigned threads = 1;
  bool hash = false;
  std::size_t result_bytes = 1100;
  std::vector<std::string> positional;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--threads" && i + 1 < argc) {
      threads = static_cast<unsigned>(std::max(1L, std::strtol(argv[++i], nullptr, 10)));
    } else if (arg == "--hash") {
      hash = true;
    } else if (arg == "--result-bytes" && i + 1 < argc) {
      result_bytes = static_cast<std::size_t>(std::strtoull(argv[++i], nullptr, 10));
    } else if (!arg.empty() && arg[0] == '-') {
      usage();
    } else {
      positional.push_back(arg);
    }
  }
  if (positional.size() != 2) usage();
  const std::string source = positional[0];
  const std::string out = positional[1];

  auto start = std::chrono::steady_clock::now();
  std::vector<std::string> files;
  std::error_code error;
  for (fs::recursive_directory_iterator it(source, fs::directory_options::skip_permission_denied, error), end;
       it != end; it.increment(error)) {
    if (error) break;
    if (it->is_regular_file(error)) files.push_back(it->path().string());
  }
  if (error) {
    std::fprintf(stderr, "baseline_io: cannot list %s: %s\n", source.c_str(), error.message().c_str());
    return 1;
  }
  fs::create_directories(out);

  std::string text(result_bytes, ' ');
  for (std::size_t i = 0; i < text.size(); i += 64) text[i] = '\n';
  std::atomic<std::size_t> next{0};
  std::atomic<std::size_t> failures{0};
  std::atomic<std::uint64_t> total_bytes{0};
  std::vector<std::thread> pool;
  for (unsigned t = 0; t < threads; ++t) {
    pool.emplace_back([&] {
      std::vector<std::uint8_t> buffer;
      std::uint64_t bytes = 0;
      for (std::size_t i = next++; i < files.size(); i = next++) {
        if (!read_whole(files[i], buffer)) {
          ++failures;
          continue;
        }
        bytes += buffer.size();
        if (hash) {
          stoq::Hashes hashes = stoq::compute_hashes(stoq::ByteView(buffer.data(), buffer.size()));
          if (hashes.sha1.empty()) ++failures;
        }
        if (!write_result(out + "/" + std::to_string(i) + ".stoq", text)) ++failures;
      }
      total_bytes += bytes;
    });
  }
  for (std::thread& thread : pool) thread.join();
  double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("baseline: files=%zu bytes=%llu threads=%u hash=%d wall_s=%.6f us_per_file=%.3f\n", files.size(),
              static_cast<unsigned long long>(total_bytes.load()), threads, hash ? 1 : 0, wall,
              files.empty() ? 0.0 : wall * 1e6 / static_cast<double>(files.size()));
  if (failures > 0) {
    std::fprintf(stderr, "baseline_io: %zu failures\n", failures.load());
    return 1;
  }
  return 0;
}

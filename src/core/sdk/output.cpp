// stoq::write_output: documents on stdout, whole and in order, from any thread. Writes go
// straight to file descriptor 1 (after whatever stdio still buffers), so a failure is
// seen at once and thrown: a full disk (> /dev/full), a closed stdout, a reader gone.
#include "sdk/output.hpp"

#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <string>

#include "stoq/error.hpp"
#include "stoq/plugin.hpp"

namespace stoq {
namespace {

std::timed_mutex& stdout_mutex() {
  static std::timed_mutex mutex;
  return mutex;
}

std::atomic<bool>& reader_gone() {
  static std::atomic<bool> gone{false};
  return gone;
}

}  // namespace

void write_output(std::string_view text) {
  std::string document;
  document.reserve(text.size() + 1);
  document.append(text);
  document.push_back('\n');
  std::lock_guard lock(stdout_mutex());
  std::fflush(stdout);
  std::string_view left(document);
  while (!left.empty()) {
    ssize_t written = ::write(STDOUT_FILENO, left.data(), left.size());
    if (written < 0) {
      if (errno == EINTR) continue;
      if (errno == EPIPE) {
        reader_gone().store(true);
        throw Error("stdout was closed by the program reading it (broken pipe)");
      }
      throw Error(std::string("cannot write to stdout: ") + std::strerror(errno));
    }
    left.remove_prefix(static_cast<std::size_t>(written));
  }
}

namespace output {

bool stdout_closed_by_reader() { return reader_gone().load(); }

bool hold_stdout(std::chrono::milliseconds timeout) {
  return stdout_mutex().try_lock_for(timeout);  // never unlocked: the process is exiting
}

}  // namespace output
}  // namespace stoq

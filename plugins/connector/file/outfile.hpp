// The -O target of the file connector, checked when the connector is activated, so a
// mistake stops the run before the first payload instead of failing every payload:
//   * an existing regular file must take appends (one JSON line per document);
//   * anything else is a results folder: an existing one must be writable; a missing one
//     is created, but only its last component (a typo must not build a tree from `/`).
#pragma once

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>

#include "stoq/error.hpp"

namespace stoq::plugins::connector::file {

inline void prepare_outfile(std::string outfile) {
  namespace fs = std::filesystem;
  while (outfile.size() > 1 && outfile.back() == '/') outfile.pop_back();
  auto refuse = [&](const std::string& reason) { return Error("-O " + outfile + ": " + reason); };
  auto system_reason = [](const char* what) { return std::string(what) + " (" + std::strerror(errno) + ")"; };

  std::error_code error;
  fs::file_status status = fs::status(outfile, error);
  if (fs::is_regular_file(status)) {
    int fd = ::open(outfile.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
    if (fd < 0) throw refuse(system_reason("cannot append to this file"));
    ::close(fd);
    return;
  }
  if (fs::exists(status) && !fs::is_directory(status)) throw refuse("neither a folder nor a regular file");
  if (!fs::exists(status)) {
    fs::path parent = fs::path(outfile).parent_path();
    if (parent.empty()) parent = ".";
    if (!fs::is_directory(parent, error)) {
      throw refuse("the folder " + parent.string() +
                   " does not exist (stoq creates only the last folder of -O: create the others first)");
    }
    if (::mkdir(outfile.c_str(), 0777) != 0 && errno != EEXIST) throw refuse(system_reason("cannot create it"));
  }
  // Permission bits do not tell (root, read-only mounts, ACLs): write a file and remove it.
  std::string probe = outfile + "/.stoq-write-test-XXXXXX";
  int fd = ::mkstemp(probe.data());
  if (fd < 0) throw refuse(system_reason("cannot write results in this folder"));
  ::close(fd);
  ::unlink(probe.c_str());
}

}  // namespace stoq::plugins::connector::file

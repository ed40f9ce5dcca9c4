// Test helpers: running an oracle command and finding a python3 that has olefile.
#pragma once

#include <cstdio>
#include <string>

#include "stoq/testing.hpp"

namespace ole_test {

/// stdout of `command` (run by /bin/sh); `status` gets the exit status.
inline std::string run(const std::string& command, int* status = nullptr) {
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

/// A python3 interpreter that can import olefile (Debian's python3-olefile lives in
/// /usr/bin/python3's path, which a pyenv python3 first on PATH does not see), or "".
inline std::string olefile_python() {
  for (const char* candidate : {"python3", "/usr/bin/python3"}) {
    int status = -1;
    run(std::string(candidate) + " -c 'import olefile' 2>/dev/null", &status);
    if (status == 0) return candidate;
  }
  return "";
}

#define NEED_OLEFILE(python)                                                             \
  do {                                                                                   \
    if ((python).empty()) {                                                              \
      if (::stoq::testing::oracles_required()) FAIL() << "python3 with olefile missing"; \
      GTEST_SKIP() << "python3-olefile not installed";                                   \
    }                                                                                    \
  } while (0)

}  // namespace ole_test

// What the sqlite and postgres connector tests share (postgres includes it from here):
// the oracles (the sqlite3 CLI; sha1sum and friends), and messages checked for being
// one line.
#pragma once

#include <gtest/gtest.h>

#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "stoq/testing.hpp"

namespace sql_test {

/// The digest `tool` (sha1sum, md5sum, sha256sum, sha512sum) prints for the file at `path`.
inline std::string digest(const std::string& tool, const std::string& path) {
  std::string out = stoq::testing::run_command(tool + " " + stoq::testing::shell_quote(path));
  return out.substr(0, out.find(' '));
}

/// The four digests of a file as the coreutils print them, by hash name.
inline std::vector<std::pair<std::string, std::string>> coreutils_digests(const std::string& path) {
  return {{"sha1", digest("sha1sum", path)},
          {"md5", digest("md5sum", path)},
          {"sha256", digest("sha256sum", path)},
          {"sha512", digest("sha512sum", path)}};
}

/// `sqlite3 -batch <database> <sql>`: what the CLI printed (stdout and stderr).
inline std::string sqlite3(const std::string& database, const std::string& sql, int* status = nullptr) {
  return stoq::testing::run_command(
      "sqlite3 -batch " + stoq::testing::shell_quote(database) + " " + stoq::testing::shell_quote(sql) + " 2>&1",
      status);
}

/// Lower-case hex of `bytes`.
inline std::string hex(std::string_view bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (char c : bytes) {
    auto byte = static_cast<unsigned char>(c);
    out += kHex[byte >> 4];
    out += kHex[byte & 0xF];
  }
  return out;
}

/// A random lower-case hex suffix for names a test creates.
inline std::string random_suffix() {
  std::random_device random;
  std::ostringstream text;
  text << std::hex << random() << random();
  return text.str();
}

/// Bytes with NULs, newlines and high bytes: what a binary payload looks like.
inline std::string binary_bytes(char seed) {
  std::string bytes(
      "\x7f"
      "ELF\0\0\x01\n\xff\xfe",
      10);
  for (int i = 0; i < 300; ++i) bytes += static_cast<char>((i * 7 + seed) % 256);
  return bytes;
}

/// Non-empty lines of `text`.
inline std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) out.push_back(line);
  }
  return out;
}

}  // namespace sql_test

// Test-only writers: a minimal zip container around already-compressed member data
// (any method, overlapping entries allowed), and a tiny PKWARE implode encoder with
// fixed trees (8-bit literals, 6-bit lengths and distances) whose output 7-Zip checks.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace decompress_test {

inline std::uint32_t crc32_of(const std::string& bytes) {
  std::uint32_t crc = 0xFFFFFFFFU;
  for (unsigned char byte : bytes) {
    crc ^= byte;
    for (int bit = 0; bit < 8; ++bit) crc = (crc >> 1) ^ (0xEDB88320U & (0U - (crc & 1U)));
  }
  return ~crc;
}

inline void put16(std::string& out, std::uint32_t value) {
  out.push_back(static_cast<char>(value & 0xFF));
  out.push_back(static_cast<char>((value >> 8) & 0xFF));
}
inline void put32(std::string& out, std::uint32_t value) {
  put16(out, value & 0xFFFF);
  put16(out, value >> 16);
}

struct ZipMember {
  std::string name;
  std::uint16_t method = 0;
  std::uint16_t flags = 0;
  std::string data;  // compressed
  std::uint32_t crc = 0;
  std::uint32_t size = 0;  // uncompressed
};

/// A zip of `members`; with `central_copies` > 1 the central directory lists every
/// member that many times, all pointing at the same local data (an overlapping bomb).
inline std::string make_zip(const std::vector<ZipMember>& members, int central_copies = 1) {
  std::string out;
  std::vector<std::uint32_t> offsets;
  for (const ZipMember& m : members) {
    offsets.push_back(static_cast<std::uint32_t>(out.size()));
    put32(out, 0x04034b50);
    put16(out, 20);
    put16(out, m.flags);
    put16(out, m.method);
    put32(out, 0);  // time, date
    put32(out, m.crc);
    put32(out, static_cast<std::uint32_t>(m.data.size()));
    put32(out, m.size);
    put16(out, static_cast<std::uint32_t>(m.name.size()));
    put16(out, 0);
    out += m.name + m.data;
  }
  auto directory_start = static_cast<std::uint32_t>(out.size());
  int entries = 0;
  for (int copy = 0; copy < central_copies; ++copy) {
    for (std::size_t i = 0; i < members.size(); ++i) {
      const ZipMember& m = members[i];
      std::string name = central_copies > 1 ? m.name + "." + std::to_string(copy) : m.name;
      put32(out, 0x02014b50);
      put16(out, 20);
      put16(out, 20);
      put16(out, m.flags);
      put16(out, m.method);
      put32(out, 0);
      put32(out, m.crc);
      put32(out, static_cast<std::uint32_t>(m.data.size()));
      put32(out, m.size);
      put16(out, static_cast<std::uint32_t>(name.size()));
      put16(out, 0);
      put16(out, 0);
      put16(out, 0);
      put16(out, 0);
      put32(out, 0);
      put32(out, offsets[i]);
      out += name;
      ++entries;
    }
  }
  auto directory_size = static_cast<std::uint32_t>(out.size()) - directory_start;
  put32(out, 0x06054b50);
  put32(out, 0);
  put16(out, static_cast<std::uint32_t>(entries));
  put16(out, static_cast<std::uint32_t>(entries));
  put32(out, directory_size);
  put32(out, directory_start);
  put16(out, 0);
  return out;
}

/// PKWARE implode with fixed trees. `literal_tree` (flag bit 2): literals tree-coded and
/// minimum match 3, else raw 8-bit literals and minimum 2; `large_window` (flag bit 1):
/// 8 KiB window, 7 low distance bits. Greedy matching; codes are written MSB first and
/// complemented (every tree here has uniform lengths, so a symbol's code is its value).
inline std::string implode(const std::string& input, bool literal_tree, bool large_window) {
  std::string out;
  if (literal_tree) out += std::string("\x0F") + std::string(16, '\xF7');  // 256 x 8 bits
  out += std::string("\x03") + std::string(4, '\xF5');                     // lengths: 64 x 6 bits
  out += std::string("\x03") + std::string(4, '\xF5');                     // distances: 64 x 6 bits
  std::uint32_t buffer = 0;
  int filled = 0;
  auto bits = [&](std::uint32_t value, int count) {  // LSB first
    for (int i = 0; i < count; ++i) {
      buffer |= ((value >> i) & 1U) << filled;
      if (++filled == 8) {
        out.push_back(static_cast<char>(buffer));
        buffer = 0;
        filled = 0;
      }
    }
  };
  auto code = [&](std::uint32_t symbol, int length) {  // MSB first, complemented
    for (int i = length - 1; i >= 0; --i) bits(((symbol >> i) & 1U) ^ 1U, 1);
  };
  const std::size_t window = large_window ? 8192 : 4096;
  const int low_bits = large_window ? 7 : 6;
  const std::size_t minimum = literal_tree ? 3 : 2;
  const std::size_t longest = minimum + 63 + 255;
  for (std::size_t at = 0; at < input.size();) {
    std::size_t best = 0;
    std::size_t best_distance = 0;
    for (std::size_t distance = 1; distance <= window && distance <= at; ++distance) {
      std::size_t length = 0;
      while (at + length < input.size() && length < longest && input[at + length] == input[at + length - distance]) {
        ++length;
      }
      if (length > best) {
        best = length;
        best_distance = distance;
      }
    }
    if (best >= minimum) {
      bits(0, 1);
      std::size_t d = best_distance - 1;
      bits(static_cast<std::uint32_t>(d & ((1U << low_bits) - 1)), low_bits);
      code(static_cast<std::uint32_t>(d >> low_bits), 6);
      std::size_t l = best - minimum;
      if (l >= 63) {
        code(63, 6);
        bits(static_cast<std::uint32_t>(l - 63), 8);
      } else {
        code(static_cast<std::uint32_t>(l), 6);
      }
      at += best;
    } else {
      bits(1, 1);
      auto literal = static_cast<unsigned char>(input[at]);
      if (literal_tree)
        code(literal, 8);
      else
        bits(literal, 8);
      ++at;
    }
  }
  if (filled > 0) out.push_back(static_cast<char>(buffer));
  return out;
}

}  // namespace decompress_test

#include "binhex_codec.hpp"

#include <array>
#include <cstring>
#include <string_view>

#include "codecs.hpp"
#include "stoq/error.hpp"
#include "stoq/text.hpp"

namespace stoq::plugins::decoder::binhex {
namespace {

constexpr std::string_view kAlphabet = "!\"#$%&'()*+,-012345689@ABCDEFGHIJKLMNPQRSTUVXYZ[`abcdefhijklmpqr";
constexpr std::string_view kMarker = "(This file must be converted with BinHex";
constexpr std::uint8_t kRunMarker = 0x90;

constexpr std::array<std::int8_t, 256> make_table() {
  std::array<std::int8_t, 256> table{};
  for (auto& value : table) value = -1;
  for (std::size_t i = 0; i < kAlphabet.size(); ++i)
    table[static_cast<std::uint8_t>(kAlphabet[i])] = static_cast<std::int8_t>(i);
  return table;
}
constexpr std::array<std::int8_t, 256> kTable = make_table();

constexpr std::array<std::uint16_t, 256> make_crc_table() {
  std::array<std::uint16_t, 256> table{};
  for (unsigned i = 0; i < 256; ++i) {
    unsigned crc = i << 8;
    for (int bit = 0; bit < 8; ++bit) crc = (crc & 0x8000) != 0 ? (crc << 1) ^ 0x1021 : crc << 1;
    table[i] = static_cast<std::uint16_t>(crc & 0xFFFF);
  }
  return table;
}
constexpr std::array<std::uint16_t, 256> kCrcTable = make_crc_table();

std::uint16_t crc_step(std::uint16_t crc, std::uint8_t byte) {
  return static_cast<std::uint16_t>((crc << 8) ^ kCrcTable[((crc >> 8) ^ byte) & 0xFF]);
}

// Routes decoded (post-RLE) bytes: header, data fork, CRC, resource fork, CRC.
class ForkWriter {
 public:
  ForkWriter(carve::OutputBuffer& data, carve::OutputBuffer& resource) : data_(data), resource_(resource) {}

  // False once everything was read (or a sink filled up).
  bool push(std::uint8_t byte) {
    switch (stage_) {
      case Stage::Header: return push_header(byte);
      case Stage::Data: return push_fork(byte, data_, info_.data_length, Stage::DataCrc);
      case Stage::DataCrc: return push_crc(byte, "data fork", Stage::Resource);
      case Stage::Resource: return push_fork(byte, resource_, info_.resource_length, Stage::ResourceCrc);
      case Stage::ResourceCrc: return push_crc(byte, "resource fork", Stage::Done);
      case Stage::Done: return false;
    }
    return false;
  }
  [[nodiscard]] bool done() const { return stage_ == Stage::Done; }
  [[nodiscard]] const BinhexInfo& info() const { return info_; }
  BinhexInfo& info() { return info_; }
  [[nodiscard]] const char* stage_name() const {
    switch (stage_) {
      case Stage::Header: return "header";
      case Stage::Data: return "data fork";
      case Stage::DataCrc: return "data fork CRC";
      case Stage::Resource: return "resource fork";
      case Stage::ResourceCrc: return "resource fork CRC";
      case Stage::Done: return "end";
    }
    return "?";
  }

 private:
  enum class Stage { Header, Data, DataCrc, Resource, ResourceCrc, Done };

  bool push_header(std::uint8_t byte) {
    header_[header_size_++] = byte;
    if (header_size_ == 1 && (byte == 0 || byte > 63)) throw Error("not binhex: bad file name length");
    std::size_t name_length = header_[0];
    std::size_t total = 1 + name_length + 1 + 4 + 4 + 2 + 4 + 4 + 2;
    if (header_size_ < total) return true;
    ByteView header(header_.data(), total);
    std::uint16_t computed = crc16_xmodem(header.head(total - 2));
    std::uint16_t stored = static_cast<std::uint16_t>((header_[total - 2] << 8) | header_[total - 1]);
    if (computed != stored) throw Error("not binhex: header CRC mismatch");
    auto be32 = [&](std::size_t at) {
      return (std::uint32_t{header_[at]} << 24) | (std::uint32_t{header_[at + 1]} << 16) |
             (std::uint32_t{header_[at + 2]} << 8) | std::uint32_t{header_[at + 3]};
    };
    std::size_t at = 1 + name_length + 1;
    info_.filename = latin1_to_utf8(ByteView(header_.data() + 1, name_length));
    info_.type = latin1_to_utf8(ByteView(header_.data() + at, 4));
    info_.creator = latin1_to_utf8(ByteView(header_.data() + at + 4, 4));
    info_.flags = static_cast<std::uint16_t>((header_[at + 8] << 8) | header_[at + 9]);
    info_.data_length = be32(at + 10);
    info_.resource_length = be32(at + 14);
    stage_ = Stage::Data;
    crc_ = 0;
    if (info_.data_length == 0) stage_ = Stage::DataCrc;
    return true;
  }

  bool push_fork(std::uint8_t byte, carve::OutputBuffer& out, std::uint32_t length, Stage next) {
    out.put(byte);
    crc_ = crc_step(crc_, byte);
    if (++fork_bytes_ == length) {
      stage_ = next;
      fork_bytes_ = 0;
    }
    if (out.full()) {
      info_.truncated = true;
      return false;
    }
    return true;
  }

  bool push_crc(std::uint8_t byte, const char* what, Stage next) {
    crc_bytes_[crc_size_++] = byte;
    if (crc_size_ < 2) return true;
    crc_size_ = 0;
    if (static_cast<std::uint16_t>((crc_bytes_[0] << 8) | crc_bytes_[1]) != crc_) {
      throw Error(std::string("not binhex: ") + what + " CRC mismatch");
    }
    crc_ = 0;
    stage_ = next;
    if (stage_ == Stage::Resource && info_.resource_length == 0) stage_ = Stage::ResourceCrc;
    return stage_ != Stage::Done;
  }

  carve::OutputBuffer& data_;
  carve::OutputBuffer& resource_;
  BinhexInfo info_;
  Stage stage_ = Stage::Header;
  std::array<std::uint8_t, 1 + 63 + 21> header_{};
  std::size_t header_size_ = 0;
  std::uint32_t fork_bytes_ = 0;
  std::uint16_t crc_ = 0;
  std::array<std::uint8_t, 2> crc_bytes_{};
  int crc_size_ = 0;
};

// Where the encoded data starts: after the first ':' (at a line start) following the
// BinHex marker line, or the first line starting with ':' when there is no marker.
std::size_t data_start(std::string_view text) {
  std::size_t from = text.find(kMarker);
  from = from == std::string_view::npos ? 0 : from + kMarker.size();
  for (std::size_t colon = text.find(':', from); colon != std::string_view::npos; colon = text.find(':', colon + 1)) {
    if (colon == 0 || text[colon - 1] == '\n' || text[colon - 1] == '\r') return colon + 1;
  }
  throw Error("not binhex: no line starting with ':'");
}

}  // namespace

std::uint16_t crc16_xmodem(ByteView bytes, std::uint16_t crc) {
  for (std::uint8_t byte : bytes.span()) crc = crc_step(crc, byte);
  return crc;
}

BinhexInfo decode_binhex(ByteView text, carve::OutputBuffer& data, carve::OutputBuffer& resource) {
  std::string_view chars = text.as_string_view();
  std::size_t position = data_start(chars);
  ForkWriter forks(data, resource);
  std::uint32_t bits = 0;
  int bit_count = 0;
  int last = -1;  // previous decoded byte, for runs
  bool run_pending = false;
  bool more = true;
  for (; position < chars.size() && more; ++position) {
    auto c = static_cast<std::uint8_t>(chars[position]);
    if (c == ':') break;
    if (c == '\r' || c == '\n' || c == ' ' || c == '\t') continue;
    std::int8_t value = kTable[c];
    if (value < 0) {
      throw Error("not binhex: invalid character 0x" + carve::to_hex(ByteView(&c, 1)) + " at offset " +
                  std::to_string(position));
    }
    bits = (bits << 6) | static_cast<std::uint32_t>(value);
    bit_count += 6;
    if (bit_count < 8) continue;
    bit_count -= 8;
    auto byte = static_cast<std::uint8_t>((bits >> bit_count) & 0xFF);
    if (run_pending) {
      run_pending = false;
      if (byte == 0) {
        last = kRunMarker;
        more = forks.push(kRunMarker);
      } else {
        if (last < 0) throw Error("not binhex: run length without a byte to repeat");
        for (int k = 1; k < byte && more; ++k) more = forks.push(static_cast<std::uint8_t>(last));
      }
    } else if (byte == kRunMarker) {
      run_pending = true;
    } else {
      last = byte;
      more = forks.push(byte);
    }
  }
  if (!forks.done() && !forks.info().truncated) {
    throw Error(std::string("not binhex: data ends inside the ") + forks.stage_name());
  }
  return forks.info();
}

}  // namespace stoq::plugins::decoder::binhex

// Bounds-checked, read-only views of payload bytes. Every read of payload bytes in
// stoq and its plugins goes through ByteView: offsets taken from hostile input can
// never index outside the buffer.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

// Exported from libstoq.so (built with hidden visibility): everything declared here.
#pragma GCC visibility push(default)
namespace stoq {

using Bytes = std::vector<std::uint8_t>;

class ByteView {
 public:
  constexpr ByteView() = default;
  constexpr ByteView(const std::uint8_t* data, std::size_t size) : data_(data), size_(size) {}
  ByteView(const Bytes& bytes) : data_(bytes.data()), size_(bytes.size()) {}  // NOLINT: implicit by design
  explicit ByteView(std::string_view text)
      : data_(reinterpret_cast<const std::uint8_t*>(text.data())), size_(text.size()) {}

  [[nodiscard]] constexpr const std::uint8_t* data() const { return data_; }
  [[nodiscard]] constexpr std::size_t size() const { return size_; }
  [[nodiscard]] constexpr bool empty() const { return size_ == 0; }
  [[nodiscard]] std::span<const std::uint8_t> span() const { return {data_, size_}; }
  [[nodiscard]] std::string_view as_string_view() const { return {reinterpret_cast<const char*>(data_), size_}; }
  [[nodiscard]] Bytes to_bytes() const { return Bytes(data_, data_ + size_); }

  /// True when [offset, offset + length) lies inside the view (overflow-safe).
  [[nodiscard]] constexpr bool fits(std::size_t offset, std::size_t length) const {
    return offset <= size_ && length <= size_ - offset;
  }

  /// The byte at offset, or nullopt past the end.
  [[nodiscard]] std::optional<std::uint8_t> at(std::size_t offset) const {
    if (offset >= size_) return std::nullopt;
    return data_[offset];
  }

  /// A sub-view; empty optional when it does not fit.
  [[nodiscard]] std::optional<ByteView> subview(std::size_t offset, std::size_t length) const {
    if (!fits(offset, length)) return std::nullopt;
    return ByteView(data_ + offset, length);
  }

  /// The rest of the view from offset, clamped (never fails).
  [[nodiscard]] ByteView tail(std::size_t offset) const {
    if (offset >= size_) return {};
    return {data_ + offset, size_ - offset};
  }

  /// At most `length` bytes from the start (never fails).
  [[nodiscard]] ByteView head(std::size_t length) const { return {data_, length < size_ ? length : size_}; }

  /// Reads a trivially copyable little-endian integer (or struct) at offset.
  template <typename T>
  [[nodiscard]] std::optional<T> read_le(std::size_t offset) const {
    static_assert(std::is_trivially_copyable_v<T>);
    if (!fits(offset, sizeof(T))) return std::nullopt;
    T value;
    std::memcpy(&value, data_ + offset, sizeof(T));
    if constexpr (std::is_integral_v<T> && std::endian::native == std::endian::big) {
      value = byteswap_(value);
    }
    return value;
  }

  [[nodiscard]] bool starts_with(std::string_view prefix) const {
    if (prefix.empty()) return true;
    return fits(0, prefix.size()) && std::memcmp(data_, prefix.data(), prefix.size()) == 0;
  }

 private:
  template <typename T>
  static T byteswap_(T value) {
    T out{};
    auto* src = reinterpret_cast<const std::uint8_t*>(&value);
    auto* dst = reinterpret_cast<std::uint8_t*>(&out);
    for (std::size_t i = 0; i < sizeof(T); ++i) dst[i] = src[sizeof(T) - 1 - i];
    return out;
  }

  const std::uint8_t* data_ = nullptr;
  std::size_t size_ = 0;
};

}  // namespace stoq
#pragma GCC visibility pop

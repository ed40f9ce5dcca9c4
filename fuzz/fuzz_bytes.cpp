// fuzz_bytes: stoq::ByteView, the bounds-checked view every plugin reads payload bytes
// through, driven by offsets and lengths taken from the input itself (as a parser of a
// hostile file format would take them). Each call is checked against an independent
// overflow-aware reference; ASan catches any read outside the buffer.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <optional>

#include "stoq/bytes.hpp"

namespace {

void check(bool condition) {
  if (!condition) std::abort();
}

// offset + length <= size without overflow, computed the slow way: a carry out of
// the 64-bit sum means it does not fit.
bool reference_fits(std::size_t size, std::size_t offset, std::size_t length) {
  std::size_t sum = offset + length;  // wraps on overflow (unsigned)
  bool carried = sum < offset;
  return !carried && sum <= size;
}

template <typename T>
void check_read(const stoq::ByteView& view, std::size_t offset) {
  std::optional<T> value = view.read_le<T>(offset);
  check(value.has_value() == reference_fits(view.size(), offset, sizeof(T)));
  if (value) {
    T expected = 0;
    for (std::size_t i = 0; i < sizeof(T); ++i) {
      expected |= static_cast<T>(static_cast<T>(view.data()[offset + i]) << (8 * i));
    }
    check(*value == expected);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // libFuzzer hands a heap copy of exactly `size` bytes: ASan flags any byte past it.
  const stoq::ByteView whole(data, size);
  check(whole.size() == size && whole.data() == data);
  std::size_t cursor = 0;
  for (int step = 0; step < 64; ++step) {
    std::optional<std::uint8_t> op = whole.at(cursor);
    if (!op) break;
    std::uint64_t raw_offset = whole.read_le<std::uint64_t>(cursor + 1).value_or(*op);
    std::uint64_t raw_length = whole.read_le<std::uint64_t>(cursor + 9).value_or(raw_offset >> 3);
    cursor += 1 + (*op & 0x0f);  // overlapping commands: more variety from short inputs
    // Half the time keep offsets near the buffer, so in-range paths are exercised too.
    std::size_t offset =
        (*op & 0x10) ? static_cast<std::size_t>(raw_offset % (size + 3)) : static_cast<std::size_t>(raw_offset);
    std::size_t length =
        (*op & 0x20) ? static_cast<std::size_t>(raw_length % (size + 3)) : static_cast<std::size_t>(raw_length);
    // The view under test: the whole buffer or a sub-view of it.
    stoq::ByteView view = whole;
    if (*op & 0x40) {
      if (auto sub = whole.subview(offset % (size + 1), length % (size + 1))) view = *sub;
    }
    check(view.fits(offset, length) == reference_fits(view.size(), offset, length));
    std::optional<stoq::ByteView> sub = view.subview(offset, length);
    check(sub.has_value() == reference_fits(view.size(), offset, length));
    if (sub) {
      check(sub->size() == length && sub->data() == view.data() + offset);
      if (length > 0) check(std::memcmp(sub->data(), view.data() + offset, length) == 0);
    }
    std::optional<std::uint8_t> byte = view.at(offset);
    check(byte.has_value() == (offset < view.size()));
    if (byte) check(*byte == view.data()[offset]);
    stoq::ByteView tail = view.tail(offset);
    check(tail.size() == (offset < view.size() ? view.size() - offset : 0));
    if (!tail.empty()) check(std::memcmp(tail.data(), view.data() + offset, tail.size()) == 0);
    stoq::ByteView head = view.head(length);
    check(head.size() == (length < view.size() ? length : view.size()) && head.data() == view.data());
    check_read<std::uint8_t>(view, offset);
    check_read<std::uint16_t>(view, offset);
    check_read<std::uint32_t>(view, offset);
    check_read<std::uint64_t>(view, offset);
    std::string_view prefix = whole.tail(cursor).head(*op >> 4).as_string_view();
    // The prefix is a view the API itself produced: past the end, tail() gives an empty
    // view whose data() is null, as a format parser taking a magic from the input would.
    check(view.starts_with(prefix) ==
          (prefix.empty() ||
           (prefix.size() <= view.size() && std::memcmp(view.data(), prefix.data(), prefix.size()) == 0)));
    (void)view.span();
    (void)view.as_string_view();
  }
  return 0;
}

// libFuzzer target for the carver plugins' parsers, called directly (no plugin
// harness). Input: [selector] [data]; the selector's low 3 bits pick the parser:
//   0 measure_pe at every "MZ"          1 rtf hex-run and objdata scanners + OLE1
//   2 OLE Packager (with and without the size prefix)
//   3 SWF extraction at every header   4 XDP element scanner + text + base64
//   5 `headers` option parsing and pattern scanning (option text, '\n', data)
// The compound file size (carver:ole) is fuzzed with stoq_cfb by fuzz_cfb.
//
// Registered by fuzz.cmake beside this file; seeds in fuzz/corpus/fuzz_carvers/.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>

#include "byte_sink.hpp"
#include "codecs.hpp"
#include "hex_runs.hpp"
#include "ole1.hpp"
#include "packager.hpp"
#include "patterns.hpp"
#include "pe_layout.hpp"
#include "stoq/error.hpp"
#include "swf_extract.hpp"
#include "xdp_chunks.hpp"

namespace {

using stoq::ByteView;
namespace carver = stoq::plugins::carver;

void check(bool condition) {
  if (!condition) std::abort();
}

void fuzz_pe(ByteView input) {
  for (std::size_t i = 0; i + 1 < input.size(); ++i) {
    if (input.data()[i] != 'M' || input.data()[i + 1] != 'Z') continue;
    if (auto layout = carver::pe::measure_pe(input.tail(i))) check(layout->size <= input.size() - i);
  }
}

void fuzz_rtf(ByteView input, std::size_t min_pairs) {
  carver::rtf::HexRunScanner runs(input, min_pairs);
  std::size_t last_end = 0;
  while (auto span = runs.next()) {
    check(span->first >= last_end && span->second > span->first && span->second <= input.size());
    check(stoq::carve::hex_value(input.data()[span->first]) >= 0);
    check(stoq::carve::hex_value(input.data()[span->second - 1]) >= 0);
    last_end = span->second;
  }
  carver::rtf::ObjdataScanner objdata(input);
  last_end = 0;
  while (auto span = objdata.next()) {
    check(span->first >= last_end && span->second >= span->first && span->second < input.size());
    check(input.data()[span->second] == '}');
    last_end = span->second;
  }
  if (auto object = carver::rtf::parse_ole1(input); object && !object->native.empty()) {
    check(object->native.data() >= input.data() &&
          object->native.data() + object->native.size() <= input.data() + input.size());
  }
}

void fuzz_packager(ByteView input) {
  for (bool prefix : {false, true}) {
    if (auto file = stoq::carve::parse_packager(input, prefix)) {
      if (!file->data.empty()) {
        check(file->data.data() >= input.data());
        check(file->data.data() + file->data.size() <= input.data() + input.size());
      }
      check(file->data.size() <= file->declared_size);
      (void)file->filename();
    }
  }
}

void fuzz_swf(ByteView input) {
  carver::swf::SwfLimits limits{1U << 20, 100.0};
  for (std::size_t i = 0; i + 2 < input.size(); ++i) {
    if (input.data()[i + 1] != 'W' || input.data()[i + 2] != 'S') continue;
    stoq::carve::VectorSink sink(2U << 20);
    if (auto info = carver::swf::extract_swf(input.tail(i), sink, limits)) {
      check(sink.bytes().size() == info->written);
      check(info->written <= (1U << 20) + 8);
      check(info->truncated || info->written == info->file_length);
    }
  }
}

void fuzz_xdp(ByteView input) {
  carver::xdp::ElementScanner scanner(input, "chunk");
  while (auto element = scanner.next()) {
    std::string text = carver::xdp::element_text(element->raw);
    check(text.size() <= element->raw.size());
    stoq::carve::VectorSink sink(1U << 20);
    stoq::carve::OutputBuffer out(sink);
    try {
      stoq::carve::decode_base64(ByteView(text), out);
    } catch (const stoq::Error&) {
    }
  }
}

void fuzz_patterns(ByteView input) {
  const void* newline = std::memchr(input.data(), '\n', input.size());
  if (newline == nullptr) return;
  std::size_t split = static_cast<std::size_t>(static_cast<const std::uint8_t*>(newline) - input.data());
  try {
    auto patterns = stoq::carve::parse_byte_patterns(input.head(split).as_string_view(), "headers");
    ByteView data = input.tail(split + 1);
    stoq::carve::PatternScanner scanner(patterns, data);
    std::size_t last_end = 0;
    while (auto match = scanner.next()) {
      const stoq::Bytes& pattern = patterns[match->pattern];
      check(match->offset >= last_end && data.fits(match->offset, pattern.size()));
      check(std::memcmp(data.data() + match->offset, pattern.data(), pattern.size()) == 0);
      last_end = match->offset + pattern.size();
    }
  } catch (const stoq::Error&) {
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::uint8_t selector = data[0];
  ByteView input(data + 1, size - 1);
  switch (selector & 7) {
    case 0: fuzz_pe(input); break;
    case 1: fuzz_rtf(input, 1 + (selector >> 3) % 6); break;
    case 2: fuzz_packager(input); break;
    case 3: fuzz_swf(input); break;
    case 4: fuzz_xdp(input); break;
    default: fuzz_patterns(input);
  }
  return 0;
}

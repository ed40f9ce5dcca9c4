// libFuzzer target for the decoder plugins' codecs, called directly (no plugin
// harness). Input: [selector] [data]; the selector's low 3 bits pick the codec, the
// rest its parameters:
//   0 xor (key: the 1-3 bytes after the selector)  1 base64  2 base85/ascii85
//   3 hex  4 uu (every block)  5 binhex  6 rot47  7 bitrot
// Codecs may refuse input with stoq::Error; anything else (a crash, a sanitizer
// report, an output larger than the input allows) is a bug.
//
// Registered by fuzz.cmake beside this file; seeds in fuzz/corpus/fuzz_decoders/.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "b85_codec.hpp"
#include "binhex_codec.hpp"
#include "bitrot_codec.hpp"
#include "byte_sink.hpp"
#include "codecs.hpp"
#include "hex_codec.hpp"
#include "rot47_codec.hpp"
#include "stoq/error.hpp"
#include "uu_codec.hpp"
#include "xor_codec.hpp"

namespace {

using stoq::ByteView;
using stoq::carve::OutputBuffer;
using stoq::carve::VectorSink;
namespace decoder = stoq::plugins::decoder;

void check(bool condition) {
  if (!condition) std::abort();
}

// Runs `decode` over a capped vector sink; returns the bytes produced.
template <typename Decode>
std::size_t run(std::uint64_t cap, Decode&& decode) {
  VectorSink sink(cap);
  {
    OutputBuffer out(sink);
    try {
      decode(out);
    } catch (const stoq::Error&) {
    }
    out.flush();
  }
  check(sink.bytes().size() <= cap);
  return sink.bytes().size();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::uint8_t selector = data[0];
  ByteView input(data + 1, size - 1);
  const std::uint64_t cap = 1U << 20;
  switch (selector & 7) {
    case 0: {
      std::size_t key_size = 1 + (selector >> 3) % 3;
      if (input.size() < key_size) return 0;
      ByteView key = input.head(key_size);
      ByteView rest = input.tail(key_size);
      check(run(cap, [&](OutputBuffer& out) { decoder::xor_::xor_bytes(rest, key, out); }) == rest.size());
      try {
        (void)decoder::xor_::parse_xor_key(stoq::Json(std::string(rest.as_string_view())));
      } catch (const stoq::Error&) {
      }
      break;
    }
    case 1: {
      std::size_t produced = run(cap, [&](OutputBuffer& out) { stoq::carve::decode_base64(input, out); });
      check(produced <= input.size() * 3 / 4 + 3);
      break;
    }
    case 2: {
      auto variant = static_cast<decoder::b85::Variant>((selector >> 3) % 3);
      std::size_t produced = run(cap, [&](OutputBuffer& out) { decoder::b85::decode_base85(input, variant, out); });
      check(produced <= input.size() * 4 + 4);  // 'z' gives four bytes for one
      break;
    }
    case 3:
      check(run(cap, [&](OutputBuffer& out) { decoder::hex::decode_hex(input, out); }) <= input.size() / 2);
      break;
    case 4: {
      std::size_t position = 0;
      int blocks = 0;
      while (auto header = decoder::uu::find_uu_header(input, position)) {
        check(header->offset >= position && header->body > header->offset);
        decoder::uu::UuBody body;
        run(cap, [&](OutputBuffer& out) { body = decoder::uu::decode_uu_body(input, *header, out); });
        std::size_t next = body.end > header->body ? body.end : header->body;
        check(next > position && next <= input.size());
        position = next;
        check(++blocks <= static_cast<int>(input.size()));
      }
      break;
    }
    case 5: {
      VectorSink data_sink(cap);
      VectorSink resource_sink(cap);
      OutputBuffer data_out(data_sink);
      OutputBuffer resource_out(resource_sink);
      try {
        auto info = decoder::binhex::decode_binhex(input, data_out, resource_out);
        data_out.flush();
        resource_out.flush();
        if (!info.truncated) {
          check(data_sink.bytes().size() == info.data_length);
          check(resource_sink.bytes().size() == info.resource_length);
        }
      } catch (const stoq::Error&) {
      }
      break;
    }
    case 6: check(run(cap, [&](OutputBuffer& out) { decoder::rot47::rot47_bytes(input, out); }) == input.size()); break;
    default: {
      unsigned bits = (selector >> 3) % 9;
      bool left = (selector & 0x80) != 0;
      check(run(cap, [&](OutputBuffer& out) { decoder::bitrot::rotate_bits(input, bits, left, out); }) == input.size());
    }
  }
  return 0;
}

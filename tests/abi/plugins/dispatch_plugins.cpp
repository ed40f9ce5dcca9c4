// Extractors, carvers and decoders with known behaviour, for the dispatch tests
// (tests/abi/dispatch_test.cpp). One source, one kind per build (TEST_DISPATCH_KIND):
//   1 unnest  (decoder)   "NEST:<rest>" -> <rest>; kwargs are echoed into the child's meta
//   2 split   (extractor) "SPLIT|a|b|c" -> a, b, c (filenames part0.., and hostile names)
//   3 bomb    (extractor) "BOMB <count> <size>" -> count children of size bytes, written
//                         through ChildWriter, each different; stops at the limits it is given
//   4 boom    (carver)    always throws
//   5 loop    (extractor) returns the payload itself (a container that contains itself)
//   6 big     (extractor) "BIG <size>" -> one child of size bytes returned as a plain vector
#include <cstdlib>
#include <string>

#include "stoq/plugin.hpp"

namespace {

using stoq::Bytes;
using stoq::ByteView;
using stoq::Extracted;
using stoq::ExtractedList;
using stoq::Json;
using stoq::Payload;

std::string text_of(const Payload& payload) { return std::string(payload.bytes().as_string_view()); }

#if TEST_DISPATCH_KIND == 1
class Unnest : public stoq::Decoder {
 public:
  ExtractedList decode(const Payload& payload, const Json& kwargs) override {
    std::string text = text_of(payload);
    if (text.rfind("NEST:", 0) != 0) throw stoq::Error("not nested");
    Json meta = {{"filename", "inner"}, {"seen_key", kwargs.value("key", "")}, {"seen_tag", kwargs.value("tag", "")}};
    ExtractedList out;
    out.emplace_back(std::move(meta), Bytes(text.begin() + 5, text.end()));
    return out;
  }
};
STOQ_PLUGIN(Unnest, "unnest", "1.0", "test decoder", stoq::kNoOptions)

#elif TEST_DISPATCH_KIND == 2
class Split : public stoq::Extractor {
 public:
  ExtractedList extract(const Payload& payload, const Json& /*kwargs*/) override {
    std::string text = text_of(payload).substr(6);
    ExtractedList out;
    static const char* const kNames[] = {"../../etc/x", "/etc/passwd", "part2", "a/../../b", "part4"};
    std::size_t index = 0;
    for (std::size_t start = 0; start <= text.size();) {
      std::size_t bar = text.find('|', start);
      std::string piece = text.substr(start, bar == std::string::npos ? std::string::npos : bar - start);
      std::string name = index < 5 ? kNames[index] : "part" + std::to_string(index);
      out.emplace_back(Json{{"filename", name}, {"index", index}}, Bytes(piece.begin(), piece.end()));
      ++index;
      if (bar == std::string::npos) break;
      start = bar + 1;
    }
    return out;
  }
};
STOQ_PLUGIN(Split, "split", "1.0", "test extractor", stoq::kNoOptions)

#elif TEST_DISPATCH_KIND == 3
class Bomb : public stoq::Extractor {
 public:
  ExtractedList extract(const Payload& payload, const Json& /*kwargs*/) override {
    std::string text = text_of(payload);
    char* end = nullptr;
    unsigned long long count = std::strtoull(text.c_str() + 5, &end, 10);
    unsigned long long size = std::strtoull(end, nullptr, 10);
    const stoq::ExtractionLimits& limits = stoq().extraction_limits();
    ExtractedList out;
    std::uint64_t total = 0;
    for (unsigned long long i = 0; i < count && out.size() < limits.max_children; ++i) {
      if (total >= limits.max_total_bytes || limits.expired()) break;
      stoq::ChildWriter writer = stoq().new_child();
      std::string block(64 * 1024, static_cast<char>('a' + i % 26));
      std::string tag = std::to_string(i) + ":";  // every child differs
      writer.write(ByteView(std::string_view(tag)));
      std::uint64_t written = tag.size();
      bool room = true;
      while (room && written < size) {
        std::size_t piece = static_cast<std::size_t>(std::min<std::uint64_t>(block.size(), size - written));
        room = writer.write(ByteView(std::string_view(block).substr(0, piece)));
        written += piece;
      }
      Json meta = {{"filename", "bomb" + std::to_string(i)}, {"spilled", writer.spilled()}};
      if (writer.truncated()) meta["truncated"] = true;
      total += writer.size();
      out.emplace_back(std::move(meta), writer.finish());
    }
    return out;
  }
};
STOQ_PLUGIN(Bomb, "bomb", "1.0", "test extractor", stoq::kNoOptions)

#elif TEST_DISPATCH_KIND == 4
class Boom : public stoq::Carver {
 public:
  ExtractedList carve(const Payload& /*payload*/, const Json& /*kwargs*/) override {
    throw stoq::Error("boom carver refuses this payload");
  }
};
STOQ_PLUGIN(Boom, "boom", "1.0", "test carver", stoq::kNoOptions)

#elif TEST_DISPATCH_KIND == 5
class Loop : public stoq::Extractor {
 public:
  ExtractedList extract(const Payload& payload, const Json& /*kwargs*/) override {
    ExtractedList out;
    out.emplace_back(Json{{"filename", "myself"}}, payload);
    return out;
  }
};
STOQ_PLUGIN(Loop, "loop", "1.0", "test extractor", stoq::kNoOptions)

#elif TEST_DISPATCH_KIND == 6
class Big : public stoq::Extractor {
 public:
  ExtractedList extract(const Payload& payload, const Json& /*kwargs*/) override {
    std::uint64_t size = std::strtoull(text_of(payload).c_str() + 4, nullptr, 10);
    ExtractedList out;
    out.emplace_back(Json{{"filename", "big"}}, Bytes(static_cast<std::size_t>(size), 'z'));
    return out;
  }
};
STOQ_PLUGIN(Big, "big", "1.0", "test extractor", stoq::kNoOptions)
#endif

}  // namespace

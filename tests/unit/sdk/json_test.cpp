// dump_json must be byte-identical to nlohmann's dump(indent, ' ', true, replace):
// checked on hand-picked edge cases and on thousands of random documents.
#include "stoq/json.hpp"

#include <gtest/gtest.h>

#include <random>

namespace {

using stoq::Json;

std::string reference(const Json& value, int indent) {
  return value.dump(indent, ' ', true, Json::error_handler_t::replace);
}

void expect_same(const Json& value) {
  for (int indent : {-1, 0, 2, 4}) {
    ASSERT_EQ(stoq::dump_json(value, indent), reference(value, indent)) << "indent " << indent;
  }
}

TEST(DumpJson, EdgeCases) {
  expect_same(Json::object());
  expect_same(Json::array());
  expect_same(Json{{"empty_object", Json::object()}, {"empty_array", Json::array()}, {"null", nullptr}});
  expect_same(Json{{"quote", "a\"b"}, {"backslash", "a\\b"}, {"controls", std::string("\x01\t\n\r\x1f", 5)}});
  expect_same(Json{{"utf8", "caf\xc3\xa9 \xf0\x9f\x98\x80"}, {"invalid", "\xff\xfe ok \xc3"}, {"del", "\x7f"}});
  expect_same(Json{{"k\xc3\xa9y", 1}, {"k\"ey", 2}});
  expect_same(Json{{"min", INT64_MIN}, {"max", INT64_MAX}, {"umax", UINT64_MAX}, {"neg", -1}, {"zero", 0}});
  expect_same(Json{{"floats", Json::array({0.1, -2.5, 1e300, 3.0, 1.0 / 3.0})}});
  expect_same(Json{{"bools", Json::array({true, false})}});
  expect_same(Json::array({Json::array({Json::array()}), Json::object({{"a", Json::object()}})}));
  expect_same(Json("top level string"));
  expect_same(Json(42));
}

Json random_value(std::mt19937& rng, int depth) {
  std::uniform_int_distribution<int> kind(0, depth > 4 ? 5 : 7);
  auto random_string = [&] {
    static const std::string alphabet =
        std::string("abcXYZ019 _-./:\"\\\t\n\x01\x7f\0", 22) + "\xc3\xa9\xe2\x82\xac\xff";
    std::uniform_int_distribution<std::size_t> length(0, 12);
    std::uniform_int_distribution<std::size_t> pick(0, alphabet.size() - 1);
    std::string text;
    for (std::size_t i = length(rng); i > 0; --i) text += alphabet[pick(rng)];
    return text;
  };
  switch (kind(rng)) {
    case 0: return nullptr;
    case 1: return std::uniform_int_distribution<int>(0, 1)(rng) == 1;
    case 2: return std::uniform_int_distribution<std::int64_t>(INT64_MIN, INT64_MAX)(rng);
    case 3: return std::uniform_int_distribution<std::uint64_t>(0, UINT64_MAX)(rng);
    case 4: return std::uniform_real_distribution<double>(-1e6, 1e6)(rng);
    case 5: return random_string();
    case 6: {
      Json array = Json::array();
      for (int i = std::uniform_int_distribution<int>(0, 4)(rng); i > 0; --i)
        array.push_back(random_value(rng, depth + 1));
      return array;
    }
    default: {
      Json object = Json::object();
      for (int i = std::uniform_int_distribution<int>(0, 4)(rng); i > 0; --i) {
        object[random_string()] = random_value(rng, depth + 1);
      }
      return object;
    }
  }
}

TEST(DumpJson, RandomDocumentsMatchNlohmann) {
  std::mt19937 rng(20261129);
  for (int i = 0; i < 3000; ++i) expect_same(random_value(rng, 0));
}

}  // namespace

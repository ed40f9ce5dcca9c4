// Python's data model as the engine implements it: str(), repr(), ==, ordering.
#include "template/value.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "stoq/error.hpp"
#include "template/text.hpp"

namespace stoq::templating::detail {
namespace {

TEST(FloatRepr, MatchesPython) {
  EXPECT_EQ(float_repr(0.1), "0.1");
  EXPECT_EQ(float_repr(3.0), "3.0");
  EXPECT_EQ(float_repr(-0.0), "-0.0");
  EXPECT_EQ(float_repr(1e16), "1e+16");
  EXPECT_EQ(float_repr(1e15), "1000000000000000.0");
  EXPECT_EQ(float_repr(1e-05), "1e-05");
  EXPECT_EQ(float_repr(0.0001), "0.0001");
  EXPECT_EQ(float_repr(1.5e300), "1.5e+300");
  EXPECT_EQ(float_repr(123456789012.5), "123456789012.5");
  EXPECT_EQ(float_repr(5e-324), "5e-324");
  EXPECT_EQ(float_repr(0.1 + 0.2), "0.30000000000000004");
  EXPECT_EQ(float_repr(std::nan("")), "nan");
  EXPECT_EQ(float_repr(-INFINITY), "-inf");
}

TEST(Repr, StringsChooseQuotesAndEscapeLikePython) {
  EXPECT_EQ(repr(Value::borrowed("it's")), "\"it's\"");
  EXPECT_EQ(repr(Value::borrowed("say \"hi\"")), "'say \"hi\"'");
  EXPECT_EQ(repr(Value::borrowed("both '\"")), "'both \\'\"'");
  EXPECT_EQ(repr(Value::borrowed("tab\tnl\n\x01")), "'tab\\tnl\\n\\x01'");
  EXPECT_EQ(repr(Value::borrowed("\xc3\xa9")), "'\xc3\xa9'");     // printable: kept
  EXPECT_EQ(repr(Value::borrowed("\xc2\xa0")), "'\\xa0'");        // no-break space: escaped
  EXPECT_EQ(repr(Value::borrowed("\xe2\x80\x8b")), "'\\u200b'");  // zero-width space
}

TEST(Repr, ContainersAndScalars) {
  Json doc = Json::parse(R"({"a": [1, "b", null, true, 1.5], "c": {}})");
  EXPECT_EQ(repr(Value::from_json(doc)), "{'a': [1, 'b', None, True, 1.5], 'c': {}}");
  EXPECT_EQ(repr(Value::list({Value::integer(1)}, ListKind::Tuple)), "(1,)");
  EXPECT_EQ(repr(Value::list({}, ListKind::Tuple)), "()");
  EXPECT_EQ(repr(Value::list({Value::borrowed("k")}, ListKind::Keys)), "dict_keys(['k'])");
  EXPECT_EQ(to_str(Value()), "");  // Undefined prints empty
  EXPECT_EQ(to_str(Value::none()), "None");
}

TEST(Equality, FollowsPython) {
  EXPECT_TRUE(equals(Value::integer(1), Value::floating(1.0)));
  EXPECT_TRUE(equals(Value::boolean(true), Value::integer(1)));
  EXPECT_FALSE(equals(Value::list({Value::integer(1)}), Value::list({Value::integer(1)}, ListKind::Tuple)));
  Json a = Json::parse(R"({"x": 1, "y": [2]})");
  Json b = Json::parse(R"({"y": [2], "x": 1.0})");
  EXPECT_TRUE(equals(Value::from_json(a), Value::from_json(b)));  // dicts compare unordered
  EXPECT_TRUE(equals(Value(), Value()));
  EXPECT_FALSE(equals(Value(), Value::none()));
}

TEST(Ordering, MixedTypesRaiseLikePython) {
  EXPECT_LT(compare(Value::integer(1), Value::floating(1.5)), 0);
  EXPECT_GT(compare(Value::borrowed("b"), Value::borrowed("a")), 0);
  EXPECT_LT(
      compare(Value::list({Value::integer(1), Value::integer(2)}), Value::list({Value::integer(1), Value::integer(3)})),
      0);
  EXPECT_THROW((void)compare(Value::borrowed("a"), Value::integer(1)), Error);
  EXPECT_THROW((void)compare(Value::none(), Value::integer(1)), Error);
}

TEST(Iterate, StringsByCodePointAndMappingsByKey) {
  std::vector<Value> chars = iterate(Value::borrowed("h\xc3\xa9"));
  ASSERT_EQ(chars.size(), 2U);
  EXPECT_EQ(chars[1].str(), "\xc3\xa9");
  Json doc = Json::parse(R"({"b": 1, "a": 2})");
  std::vector<Value> keys = iterate(Value::from_json(doc));
  ASSERT_EQ(keys.size(), 2U);
  EXPECT_EQ(keys[0].str(), "b");  // insertion order, as Python 3.7+
  EXPECT_THROW((void)iterate(Value::integer(3)), Error);
  EXPECT_TRUE(iterate(Value()).empty());  // Undefined iterates as empty
}

TEST(Text, InvalidUtf8RoundTripsByteForByte) {
  std::string hostile = "ok\xff\xfe\xc3(\xed\xa0\x80";  // stray bytes, a bad continuation, a surrogate
  std::u32string decoded = decode_utf8(hostile);
  EXPECT_EQ(encode_utf8(decoded), hostile);
  EXPECT_EQ(cp_length(hostile), decoded.size());
  EXPECT_EQ(upper(hostile).size(), hostile.size());  // case mapping leaves the bytes alone
}

TEST(Text, PythonCaseMappingsAndSplit) {
  EXPECT_EQ(upper("stra\xc3\x9f"
                  "e"),
            "STRASSE");
  EXPECT_EQ(title("hello world-wide (web) o'neil"), "Hello World-Wide (Web) O'neil");
  std::vector<std::string> parts = split("  a  b\tc ", nullptr, -1);
  EXPECT_EQ(parts, (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(replace("aaa", "a", "b", 2), "bba");
  EXPECT_EQ(count("abcabc", "bc"), 2);
}

}  // namespace
}  // namespace stoq::templating::detail

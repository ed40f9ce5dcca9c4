// printf-style % formatting and json.dumps, as Python prints them.
#include "template/pyformat.hpp"

#include <gtest/gtest.h>

#include "stoq/error.hpp"

namespace stoq::templating::detail {
namespace {

Value tuple(std::vector<Value> items) { return Value::list(std::move(items), ListKind::Tuple); }

TEST(PercentFormat, ConversionsFlagsWidthPrecision) {
  EXPECT_EQ(percent_format("%s has %d items (%.2f%%)",
                           tuple({Value::borrowed("x"), Value::integer(3), Value::floating(12.345)})),
            "x has 3 items (12.35%)");
  EXPECT_EQ(percent_format("%05.1f|%-5s|%x|%#o|%+d|% d|%c",
                           tuple({Value::floating(3.14159), Value::borrowed("ab"), Value::integer(255),
                                  Value::integer(8), Value::integer(5), Value::integer(5), Value::integer(65)})),
            "003.1|ab   |ff|0o10|+5| 5|A");
  EXPECT_EQ(percent_format("%r", Value::borrowed("q")), "'q'");
  EXPECT_EQ(percent_format("%d", Value::floating(3.9)), "3");
  EXPECT_EQ(percent_format("%e|%g", tuple({Value::floating(12345.678), Value::floating(0.00001)})),
            "1.234568e+04|1e-05");
}

TEST(PercentFormat, MappingKeys) {
  Json vars = Json::parse(R"({"a": "x", "b": 42})");
  EXPECT_EQ(percent_format("%(a)s-%(b)05d", Value::from_json(vars)), "x-00042");
}

TEST(PercentFormat, ArgumentCountMismatchesRaise) {
  EXPECT_THROW((void)percent_format("%s %s", tuple({Value::integer(1)})), Error);
  EXPECT_THROW((void)percent_format("%s", tuple({Value::integer(1), Value::integer(2)})), Error);
  EXPECT_THROW((void)percent_format("%", tuple({})), Error);
  EXPECT_THROW((void)percent_format("%d", Value::borrowed("x")), Error);
}

TEST(JsonDumps, SortedKeysAsciiAndHtmlSafe) {
  Json doc = Json::parse(R"({"b": 1, "a": "<&'>\u00e9\ud83d\ude00", "c": [1.0, null, true, {}]})");
  EXPECT_EQ(json_dumps(Value::from_json(doc), -1, true),
            R"({"a": "\u003c\u0026\u0027\u003e\u00e9\ud83d\ude00", "b": 1, "c": [1.0, null, true, {}]})");
  EXPECT_EQ(json_dumps(Value::from_json(Json::parse(R"({"b": [1, {}], "a": []})")), 2, false),
            "{\n  \"a\": [],\n  \"b\": [\n    1,\n    {}\n  ]\n}");
  EXPECT_THROW((void)json_dumps(Value(), -1, true), Error);  // Undefined is not serializable
}

TEST(FormatFixed, RoundsHalfEvenOnTheBinaryValue) {
  EXPECT_EQ(format_fixed(2.675, 2), "2.67");  // 2.675 is 2.67499999... in binary
  EXPECT_EQ(format_fixed(0.125, 2), "0.12");
  EXPECT_EQ(format_fixed(1.05, 1), "1.1");
}

}  // namespace
}  // namespace stoq::templating::detail

// config/values.hpp: configparser booleans, integers, lists, and the typing rules
// of undeclared (infer_value) and declared (parse_typed) options.
#include "config/values.hpp"

#include <gtest/gtest.h>

#include <string>

#include "stoq/error.hpp"
#include "test_support.hpp"

namespace {

using stoq::Json;
using namespace stoq::config;
using stoq::test::error_of;

TEST(ParseBool, ConfigparserTruthWordsAnyCase) {
  for (const char* text : {"1", "yes", "true", "on", "YES", "True", "ON", "tRuE", " yes ", "\ton\n"}) {
    EXPECT_EQ(parse_bool(text), std::optional<bool>(true)) << text;
  }
  for (const char* text : {"0", "no", "false", "off", "NO", "False", "OFF", " off "}) {
    EXPECT_EQ(parse_bool(text), std::optional<bool>(false)) << text;
  }
}

TEST(ParseBool, AnythingElseIsNotABoolean) {
  for (const char* text : {"", " ", "y", "n", "t", "f", "2", "-1", "truee", "yes please", "nope", "01", "o"}) {
    EXPECT_EQ(parse_bool(text), std::nullopt) << '"' << text << '"';
  }
}

TEST(ParseInt, Accepted) {
  EXPECT_EQ(parse_int("0"), 0);
  EXPECT_EQ(parse_int("42"), 42);
  EXPECT_EQ(parse_int("-7"), -7);
  EXPECT_EQ(parse_int("+5"), 5);
  EXPECT_EQ(parse_int("  100\t"), 100);
  EXPECT_EQ(parse_int("9223372036854775807"), 9223372036854775807LL);
}

TEST(ParseInt, Rejected) {
  for (const char* text :
       {"", " ", "abc", "1.5", "1e3", "0x10", "12abc", "1 2", "+", "-", "99999999999999999999", "++5"}) {
    EXPECT_EQ(parse_int(text), std::nullopt) << '"' << text << '"';
  }
}

// Regression: "+-5" is not an integer.
TEST(ParseInt, PlusMinusIsRejected) { EXPECT_EQ(parse_int("+-5"), std::nullopt); }

TEST(ParseList, CommaSeparated) {
  EXPECT_EQ(parse_list("a, b"), Json::array({"a", "b"}));
  EXPECT_EQ(parse_list("a,b,c"), Json::array({"a", "b", "c"}));
  EXPECT_EQ(parse_list("  single  "), Json::array({"single"}));
  EXPECT_EQ(parse_list("with space, other thing"), Json::array({"with space", "other thing"}));
}

TEST(ParseList, BracketedWithoutQuotes) {
  EXPECT_EQ(parse_list("[a, b]"), Json::array({"a", "b"}));
  EXPECT_EQ(parse_list(" [x] "), Json::array({"x"}));
  EXPECT_EQ(parse_list("[a, b"), Json::array({"a", "b"}));  // unterminated: still a list
}

TEST(ParseList, JsonArrays) {
  EXPECT_EQ(parse_list(R"(["a", "b, c"])"), Json::array({"a", "b, c"}));  // quoted comma kept
  EXPECT_EQ(parse_list("[]"), Json::array());
  EXPECT_EQ(parse_list("[1, 2]"), Json::array({1, 2}));
}

TEST(ParseList, BlanksDropped) {
  EXPECT_EQ(parse_list(""), Json::array());
  EXPECT_EQ(parse_list("   "), Json::array());
  EXPECT_EQ(parse_list(","), Json::array());
  EXPECT_EQ(parse_list("a,, b, ,"), Json::array({"a", "b"}));
  EXPECT_EQ(parse_list("[ , a, ]"), Json::array({"a"}));
  EXPECT_EQ(parse_list("["), Json::array());
}

TEST(ParseList, ContinuationLines) {
  // Items are split on commas only (as the original); newlines around items are trimmed.
  EXPECT_EQ(parse_list("a,\n b"), Json::array({"a", "b"}));
  EXPECT_EQ(parse_list("a\nb"), Json::array({"a\nb"}));
}

TEST(TypeFromSuffix, Suffixes) {
  EXPECT_EQ(type_from_suffix("plugin_dir_list"), STOQ_OPTION_LIST);
  EXPECT_EQ(type_from_suffix("url_prefix_tuple"), STOQ_OPTION_LIST);
  EXPECT_EQ(type_from_suffix("headers_dict"), STOQ_OPTION_DICT);
  EXPECT_EQ(type_from_suffix("retries_int"), STOQ_OPTION_INT);
  EXPECT_EQ(type_from_suffix("list"), std::nullopt);  // no underscore: not a suffix
  EXPECT_EQ(type_from_suffix("listing"), std::nullopt);
  EXPECT_EQ(type_from_suffix("max_queue"), std::nullopt);
  EXPECT_EQ(type_from_suffix("x_LIST"), std::nullopt);  // keys are lower-cased before this
}

TEST(TypeName, AllTypes) {
  EXPECT_STREQ(type_name(STOQ_OPTION_BOOL), "bool");
  EXPECT_STREQ(type_name(STOQ_OPTION_INT), "int");
  EXPECT_STREQ(type_name(STOQ_OPTION_STRING), "string");
  EXPECT_STREQ(type_name(STOQ_OPTION_LIST), "list");
  EXPECT_STREQ(type_name(STOQ_OPTION_DICT), "dict");
  EXPECT_STREQ(type_name(STOQ_OPTION_PATH), "path");
}

TEST(InferValue, BooleansComeFirst) {
  EXPECT_EQ(infer_value("anything", "True", "stoq.cfg:7"), Json(true));
  EXPECT_EQ(infer_value("anything", "off", "stoq.cfg:7"), Json(false));
  // Even where the suffix asks for something else, as the original did.
  EXPECT_EQ(infer_value("retries_int", "1", "stoq.cfg:7"), Json(true));
  EXPECT_EQ(infer_value("retries_int", "0", "stoq.cfg:7"), Json(false));
  EXPECT_EQ(infer_value("names_list", "yes", "stoq.cfg:7"), Json(true));
}

TEST(InferValue, Suffixes) {
  EXPECT_EQ(infer_value("sentry_ignore_list", "KeyError, ValueError", "stoq.cfg:7"),
            Json::array({"KeyError", "ValueError"}));
  EXPECT_EQ(infer_value("source_base_tuple", "/a, /b", "stoq.cfg:7"), Json::array({"/a", "/b"}));
  EXPECT_EQ(infer_value("headers_dict", R"({"a": 1})", "stoq.cfg:7"), Json::parse(R"({"a": 1})"));
  EXPECT_EQ(infer_value("retries_int", "5", "stoq.cfg:7"), Json(5));
  EXPECT_TRUE(infer_value("retries_int", "5", "stoq.cfg:7").is_number_integer());
  EXPECT_EQ(infer_value("retries_int", "-12", "stoq.cfg:7"), Json(-12));
}

// The original kept such values as strings, which the code reading the key then
// misread; here they stop the run, naming the place, the key and what was expected.
TEST(InferValue, ValuesTheirSuffixCannotTakeAreErrors) {
  struct Case {
    const char* key;
    const char* raw;
    const char* expected;
  };
  const Case cases[] = {
      {"retries_int", "many", "an integer"},
      {"foo_dict", "{not json", "a JSON object"},
      {"headers_dict", "[1, 2]", "a JSON object"},
      {"headers_dict", "not json", "a JSON object"},
  };
  for (const Case& c : cases) {
    std::string message = error_of([&] { infer_value(c.key, c.raw, "stoq.cfg:7"); });
    EXPECT_NE(message.find("stoq.cfg:7"), std::string::npos) << message;
    EXPECT_NE(message.find(c.key), std::string::npos) << message;
    EXPECT_NE(message.find(c.raw), std::string::npos) << message;
    EXPECT_NE(message.find(c.expected), std::string::npos) << message;
  }
}

TEST(InferValue, ListsTakeAnyText) {
  EXPECT_EQ(infer_value("names_list", "[not json", "stoq.cfg:7"), Json::array({"not json"}));
}

TEST(InferValue, ElseTrimmedString) {
  EXPECT_EQ(infer_value("useragent", "  Mozilla/5.0  ", "stoq.cfg:7"), Json("Mozilla/5.0"));
  EXPECT_EQ(infer_value("max_queue", "100", "stoq.cfg:7"), Json("100"));  // no suffix: a string
  EXPECT_EQ(infer_value("empty", "", "stoq.cfg:7"), Json(""));
}

TEST(ParseTyped, ValidValues) {
  EXPECT_EQ(parse_typed(STOQ_OPTION_BOOL, "b", "Yes", "f:1"), Json(true));
  EXPECT_EQ(parse_typed(STOQ_OPTION_INT, "i", " 17 ", "f:1"), Json(17));
  EXPECT_EQ(parse_typed(STOQ_OPTION_LIST, "l", "a, b", "f:1"), Json::array({"a", "b"}));
  EXPECT_EQ(parse_typed(STOQ_OPTION_DICT, "d", R"({"k": [1]})", "f:1"), Json::parse(R"({"k": [1]})"));
  EXPECT_EQ(parse_typed(STOQ_OPTION_DICT, "d", "  ", "f:1"), Json::object());
  EXPECT_EQ(parse_typed(STOQ_OPTION_STRING, "s", "  text  ", "f:1"), Json("text"));
  EXPECT_EQ(parse_typed(STOQ_OPTION_PATH, "p", " rules/x.yar ", "f:1"), Json("rules/x.yar"));
  EXPECT_EQ(parse_typed(STOQ_OPTION_STRING, "s", "", "f:1"), Json(""));
}

TEST(ParseTyped, ErrorsNameWhereOptionAndValue) {
  struct Case {
    stoq_option_type type;
    const char* raw;
    const char* expected;
  };
  const Case cases[] = {
      {STOQ_OPTION_BOOL, "maybe", "boolean"},
      {STOQ_OPTION_BOOL, "", "boolean"},
      {STOQ_OPTION_INT, "ten", "integer"},
      {STOQ_OPTION_INT, "1.5", "integer"},
      {STOQ_OPTION_INT, "", "integer"},
      {STOQ_OPTION_DICT, "[1, 2]", "JSON object"},
      {STOQ_OPTION_DICT, "{broken", "JSON object"},
      {STOQ_OPTION_DICT, "\"text\"", "JSON object"},
  };
  for (const Case& c : cases) {
    auto message = error_of([&] { parse_typed(c.type, "the_option", c.raw, "/p/x.stoq:9"); });
    EXPECT_EQ(message.rfind("/p/x.stoq:9: ", 0), 0u) << message;
    EXPECT_NE(message.find("'the_option'"), std::string::npos) << message;
    EXPECT_NE(message.find(std::string("'") + c.raw + "'"), std::string::npos) << message;
    EXPECT_NE(message.find(c.expected), std::string::npos) << message;
  }
}

// 0 lies inside the enum's range of values but names no type (the loader refuses values outside
// that range before they reach parse_typed: a cast to them would be undefined).
TEST(ParseTyped, UnknownTypeRejected) {
  auto message = error_of([] { parse_typed(static_cast<stoq_option_type>(0), "o", "v", "w:1"); });
  EXPECT_NE(message.find("w:1"), std::string::npos) << message;
}

}  // namespace

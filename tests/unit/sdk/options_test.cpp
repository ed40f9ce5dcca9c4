// stoq/options.hpp: typed accessors refuse the wrong type with a message naming the option.
#include "stoq/options.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "stoq/error.hpp"
#include "test_support.hpp"

namespace {

using stoq::Json;
using stoq::Options;
using stoq::test::error_of;

Options sample() {
  Json values = Json::object();
  values["flag"] = true;
  values["count"] = 42;
  values["ratio"] = 1.5;
  values["name"] = "yara";
  values["tags"] = Json::array({"a", 1, true});
  values["headers"] = Json{{"User-Agent", "x"}};
  values["unset"] = nullptr;
  return Options(values);
}

TEST(Options, TypedAccessors) {
  Options options = sample();
  EXPECT_TRUE(options.get_bool("flag"));
  EXPECT_EQ(options.get_int("count"), 42);
  EXPECT_EQ(options.get_string("name"), "yara");
  EXPECT_EQ(options.get_list("tags"), (std::vector<std::string>{"a", "1", "true"}));
  EXPECT_EQ(options.get_dict("headers").at("User-Agent"), "x");
  EXPECT_EQ(options.get("ratio"), Json(1.5));
  EXPECT_EQ(options.get_string("unset"), "");  // null reads as an empty string
}

TEST(Options, HasSetAndAll) {
  Options options;
  EXPECT_TRUE(options.all().is_object());
  EXPECT_TRUE(options.all().empty());
  EXPECT_FALSE(options.has("x"));
  options.set("x", 3);
  EXPECT_TRUE(options.has("x"));
  EXPECT_EQ(options.get_int("x"), 3);
  options.set("x", "now text");
  EXPECT_EQ(options.get_string("x"), "now text");
  EXPECT_EQ(options.all(), (Json{{"x", "now text"}}));
}

TEST(Options, MissingOptionNamesIt) {
  Options options = sample();
  for (auto get :
       {+[](const Options& o) { (void)o.get("nope"); }, +[](const Options& o) { (void)o.get_bool("nope"); },
        +[](const Options& o) { (void)o.get_int("nope"); }, +[](const Options& o) { (void)o.get_string("nope"); },
        +[](const Options& o) { (void)o.get_list("nope"); }, +[](const Options& o) { (void)o.get_dict("nope"); }}) {
    auto message = error_of([&] { get(options); });
    EXPECT_NE(message.find("'nope'"), std::string::npos) << message;
    EXPECT_NE(message.find("not set"), std::string::npos) << message;
  }
}

TEST(Options, WrongTypeThrowsWithName) {
  Options options = sample();
  struct Case {
    const char* name;
    void (*get)(const Options&, const char*);
    const char* wanted;
  };
  const Case cases[] = {
      {"count", [](const Options& o, const char* n) { (void)o.get_bool(n); }, "boolean"},
      {"name", [](const Options& o, const char* n) { (void)o.get_bool(n); }, "boolean"},
      {"flag", [](const Options& o, const char* n) { (void)o.get_int(n); }, "integer"},
      {"ratio", [](const Options& o, const char* n) { (void)o.get_int(n); }, "integer"},
      {"name", [](const Options& o, const char* n) { (void)o.get_int(n); }, "integer"},
      {"count", [](const Options& o, const char* n) { (void)o.get_string(n); }, "string"},
      {"tags", [](const Options& o, const char* n) { (void)o.get_string(n); }, "string"},
      {"name", [](const Options& o, const char* n) { (void)o.get_list(n); }, "list"},
      {"headers", [](const Options& o, const char* n) { (void)o.get_list(n); }, "list"},
      {"tags", [](const Options& o, const char* n) { (void)o.get_dict(n); }, "dict"},
      {"unset", [](const Options& o, const char* n) { (void)o.get_dict(n); }, "dict"},
      {"unset", [](const Options& o, const char* n) { (void)o.get_bool(n); }, "boolean"},
  };
  for (const Case& c : cases) {
    auto message = error_of([&] { c.get(options, c.name); });
    EXPECT_NE(message.find(std::string("'") + c.name + "'"), std::string::npos) << message;
    EXPECT_NE(message.find(c.wanted), std::string::npos) << c.name << " -> " << message;
  }
}

}  // namespace

// loader/catalog.hpp option handling: framework options per category, validation of a
// plugin's option table, and resolution of a .stoq [options] section.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include "config/ini.hpp"
#include "loader/catalog.hpp"
#include "stoq/error.hpp"
#include "test_support.hpp"

namespace {

using stoq::Category;
using stoq::Json;
using stoq::Options;
using stoq::config::IniFile;
using stoq::config::parse_ini;
using stoq::loader::apply_overrides;
using stoq::loader::check_option_value;
using stoq::loader::framework_options;
using stoq::loader::LoadedPlugin;
using stoq::loader::OptionSchema;
using stoq::loader::resolve_options;
using stoq::loader::schema_from_descriptor;
using stoq::test::error_of;

constexpr const char* kStoq = "/plugins/worker/demo/demo.stoq";
constexpr const char* kModule = "/plugins/worker/demo/demo.so";

const OptionSchema* find(const std::vector<OptionSchema>& schema, const std::string& name) {
  auto it = std::find_if(schema.begin(), schema.end(), [&](const OptionSchema& o) { return o.name == name; });
  return it == schema.end() ? nullptr : &*it;
}

// Resolves the [options] of a .stoq text (whose first line is line 1) against `schema`.
Options resolve(const std::vector<OptionSchema>& schema, const std::string& text) {
  IniFile file = parse_ini(text, kStoq);
  const auto* section = file.find("options");
  std::vector<stoq::config::IniEntry> entries =
      section != nullptr ? section->entries : std::vector<stoq::config::IniEntry>{};
  return resolve_options(schema, entries, file, "worker:demo");
}

stoq_plugin_descriptor descriptor_with(const char* category, const stoq_option_spec* options, uint32_t count) {
  stoq_plugin_descriptor descriptor{};
  descriptor.abi_major = STOQ_ABI_VERSION_MAJOR;
  descriptor.struct_size = sizeof(stoq_plugin_descriptor);
  descriptor.abi_tag = STOQ_ABI_TAG;
  descriptor.name = "demo";
  descriptor.category = category;
  descriptor.version = "1.0";
  descriptor.description = "a test plugin";
  descriptor.options = options;
  descriptor.option_count = count;
  return descriptor;
}

TEST(FrameworkOptions, Worker) {
  auto schema = framework_options(Category::Worker);
  for (const char* name : {"hashpayload", "saveresults"}) {
    const OptionSchema* option = find(schema, name);
    ASSERT_NE(option, nullptr) << name;
    EXPECT_TRUE(option->required) << name;
    EXPECT_EQ(option->type, STOQ_OPTION_BOOL) << name;
    EXPECT_FALSE(option->default_value) << name;
  }
  for (const char* name : {"max_tlp", "ratelimit", "min_stoq_version", "max_stoq_version"}) {
    const OptionSchema* option = find(schema, name);
    ASSERT_NE(option, nullptr) << name;
    EXPECT_FALSE(option->required) << name;
    EXPECT_EQ(option->type, STOQ_OPTION_STRING) << name;
    EXPECT_FALSE(option->doc.empty()) << name;
  }
  EXPECT_EQ(find(schema, "multiprocess"), nullptr);
}

TEST(FrameworkOptions, Source) {
  auto schema = framework_options(Category::Source);
  const OptionSchema* option = find(schema, "multiprocess");
  ASSERT_NE(option, nullptr);
  EXPECT_TRUE(option->required);
  EXPECT_EQ(option->type, STOQ_OPTION_BOOL);
  EXPECT_EQ(find(schema, "hashpayload"), nullptr);
  EXPECT_NE(find(schema, "min_stoq_version"), nullptr);
}

TEST(FrameworkOptions, OtherCategoriesOnlyVersions) {
  for (Category category : {Category::Connector, Category::Reader, Category::Decorator}) {
    auto schema = framework_options(category);
    ASSERT_EQ(schema.size(), 2u) << stoq::category_name(category);
    EXPECT_NE(find(schema, "min_stoq_version"), nullptr);
    EXPECT_NE(find(schema, "max_stoq_version"), nullptr);
    EXPECT_TRUE(std::none_of(schema.begin(), schema.end(), [](const OptionSchema& o) { return o.required; }));
  }
}

// Routed plugins (dispatch) get the isolation and time-limit options, none required, so
// every original .stoq file still loads; a call may take 300 s unless the .stoq says otherwise.
TEST(FrameworkOptions, RoutedCategoriesAlsoGetIsolationAndTimeLimits) {
  for (Category category : {Category::Extractor, Category::Carver, Category::Decoder}) {
    auto schema = framework_options(category);
    ASSERT_EQ(schema.size(), 6u) << stoq::category_name(category);
    for (const char* name : {"min_stoq_version", "max_stoq_version", "isolation", "memory_limit", "cpu_limit"}) {
      EXPECT_NE(find(schema, name), nullptr) << name;
    }
    const OptionSchema* timeout = find(schema, "call_timeout");
    ASSERT_NE(timeout, nullptr);
    EXPECT_EQ(timeout->default_value, "300");
    EXPECT_TRUE(std::none_of(schema.begin(), schema.end(), [](const OptionSchema& o) { return o.required; }));
  }
}

TEST(ResolveOptions, WorkerRequiresHashpayloadAndSaveresults) {
  auto schema = framework_options(Category::Worker);
  auto message = error_of([&] { resolve(schema, "[options]\nsaveresults = True\n"); });
  EXPECT_NE(message.find(kStoq), std::string::npos) << message;
  EXPECT_NE(message.find("'hashpayload'"), std::string::npos) << message;
  message = error_of([&] { resolve(schema, "[options]\nhashpayload = True\n"); });
  EXPECT_NE(message.find("'saveresults'"), std::string::npos) << message;
  message = error_of([&] { resolve(schema, "[Core]\nName = demo\n"); });  // no [options] at all
  EXPECT_NE(message.find("requires option"), std::string::npos) << message;
}

TEST(ResolveOptions, SourceRequiresMultiprocess) {
  auto schema = framework_options(Category::Source);
  auto message = error_of([&] { resolve(schema, "[options]\n"); });
  EXPECT_NE(message.find("'multiprocess'"), std::string::npos) << message;
  Options options = resolve(schema, "[options]\nmultiprocess = False\n");
  EXPECT_FALSE(options.get_bool("multiprocess"));
}

TEST(ResolveOptions, TypedValuesAndFrameworkDefaults) {
  auto schema = framework_options(Category::Worker);
  Options options = resolve(schema, "[options]\nhashpayload = yes\nsaveresults = Off\nmin_stoq_version = 0.10\n");
  EXPECT_TRUE(options.get_bool("hashpayload"));
  EXPECT_FALSE(options.get_bool("saveresults"));
  EXPECT_EQ(options.get_string("min_stoq_version"), "0.10");
  EXPECT_EQ(options.get_string("max_tlp"), "");    // default: no limit
  EXPECT_EQ(options.get_string("ratelimit"), "");  // default: none
  EXPECT_FALSE(options.has("max_stoq_version"));   // no default
}

TEST(ResolveOptions, UnknownOptionSuggestsClosest) {
  auto schema = framework_options(Category::Worker);
  auto message =
      error_of([&] { resolve(schema, "[options]\nhashpayload = True\nsaveresults = True\nhashpayloads = True\n"); });
  EXPECT_NE(message.find(std::string(kStoq) + ":4"), std::string::npos) << message;
  EXPECT_NE(message.find("unknown option 'hashpayloads'"), std::string::npos) << message;
  EXPECT_NE(message.find("worker:demo"), std::string::npos) << message;
  EXPECT_NE(message.find("did you mean 'hashpayload'"), std::string::npos) << message;
}

TEST(ResolveOptions, UnknownOptionFarFromAnyNameHasNoSuggestion) {
  auto schema = framework_options(Category::Worker);
  auto message = error_of([&] { resolve(schema, "[options]\ncompletely_unrelated = 1\n"); });
  EXPECT_NE(message.find(std::string(kStoq) + ":2"), std::string::npos) << message;
  EXPECT_NE(message.find("'completely_unrelated'"), std::string::npos) << message;
  EXPECT_EQ(message.find("did you mean"), std::string::npos) << message;
}

TEST(ResolveOptions, BadTypesNameFileAndLine) {
  auto schema = framework_options(Category::Worker);
  auto message = error_of([&] { resolve(schema, "[options]\nsaveresults = True\nhashpayload = perhaps\n"); });
  EXPECT_NE(message.find(std::string(kStoq) + ":3"), std::string::npos) << message;
  EXPECT_NE(message.find("'hashpayload'"), std::string::npos) << message;
  EXPECT_NE(message.find("boolean"), std::string::npos) << message;
}

TEST(ResolveOptions, MaxTlpValidated) {
  auto schema = framework_options(Category::Worker);
  const std::string head = "[options]\nhashpayload = True\nsaveresults = True\n";
  for (const char* good : {"red", "amber", "green", "white", "GREEN", "Amber", ""}) {
    Options options;
    EXPECT_NO_THROW(options = resolve(schema, head + "max_tlp = " + good + "\n")) << good;
  }
  for (const char* bad : {"purple", "redd", "0", "white,red"}) {
    auto message = error_of([&] { resolve(schema, head + "max_tlp = " + bad + "\n"); });
    EXPECT_NE(message.find(std::string(kStoq) + ":4"), std::string::npos) << bad << " -> " << message;
    EXPECT_NE(message.find("max_tlp"), std::string::npos) << message;
    EXPECT_NE(message.find(bad), std::string::npos) << message;
  }
}

TEST(ResolveOptions, RatelimitValidated) {
  auto schema = framework_options(Category::Worker);
  const std::string head = "[options]\nhashpayload = True\nsaveresults = True\n";
  for (const char* good : {"1/10", "2/1", "5/0.5", ""}) {
    Options options;
    EXPECT_NO_THROW(options = resolve(schema, head + "ratelimit = " + good + "\n")) << good;
    EXPECT_EQ(options.get_string("ratelimit"), good);
  }
  for (const char* bad : {"0/5", "a/b", "5", "1/0", "-1/5", "1/"}) {
    auto message = error_of([&] { resolve(schema, head + "ratelimit = " + bad + "\n"); });
    EXPECT_NE(message.find(std::string(kStoq) + ":4"), std::string::npos) << bad << " -> " << message;
    EXPECT_NE(message.find("ratelimit"), std::string::npos) << message;
  }
}

const stoq_option_spec kGoodTable[] = {
    {"rules", STOQ_OPTION_PATH, "rules/default.yar", "Yara rules file.", 'r'},
    {"timeout", STOQ_OPTION_INT, "60", "Match timeout in seconds.", 0},
    {"strict", STOQ_OPTION_BOOL, "no", "Fail on warnings.", 0},
    {"tags_list", STOQ_OPTION_LIST, "a, b", "Tags to add.", 0},
    {"headers_dict", STOQ_OPTION_DICT, nullptr, "Extra headers.", 0},
    {"retries_int", STOQ_OPTION_INT, "3", "Retries.", 0},
};

TEST(SchemaFromDescriptor, FrameworkOptionsFirstThenTable) {
  auto descriptor = descriptor_with("worker", kGoodTable, std::size(kGoodTable));
  auto schema = schema_from_descriptor(descriptor, kModule);
  ASSERT_EQ(schema.size(), framework_options(Category::Worker).size() + std::size(kGoodTable));
  EXPECT_EQ(schema.front().name, "min_stoq_version");
  const OptionSchema* rules = find(schema, "rules");
  ASSERT_NE(rules, nullptr);
  EXPECT_EQ(rules->type, STOQ_OPTION_PATH);
  EXPECT_EQ(rules->default_value, std::optional<std::string>("rules/default.yar"));
  EXPECT_EQ(rules->short_flag, 'r');
  EXPECT_EQ(rules->doc, "Yara rules file.");
  EXPECT_FALSE(rules->required);
  EXPECT_FALSE(find(schema, "headers_dict")->default_value);
  EXPECT_NE(find(schema, "hashpayload"), nullptr);
}

TEST(SchemaFromDescriptor, SourceCategoryGetsMultiprocess) {
  auto descriptor = descriptor_with("source", nullptr, 0);
  auto schema = schema_from_descriptor(descriptor, kModule);
  EXPECT_NE(find(schema, "multiprocess"), nullptr);
  EXPECT_EQ(find(schema, "hashpayload"), nullptr);
}

TEST(SchemaFromDescriptor, DefaultsResolveAndStoqOverrides) {
  auto descriptor = descriptor_with("worker", kGoodTable, std::size(kGoodTable));
  auto schema = schema_from_descriptor(descriptor, kModule);
  Options options = resolve(schema,
                            "[options]\nhashpayload = True\nsaveresults = False\ntimeout = 5\n"
                            "headers_dict = {\"User-Agent\": \"x\"}\n");
  EXPECT_EQ(options.get_int("timeout"), 5);                                          // .stoq beats the table default
  EXPECT_EQ(options.get_string("rules"), "/plugins/worker/demo/rules/default.yar");  // relative to the plugin folder
  EXPECT_FALSE(options.get_bool("strict"));
  EXPECT_EQ(options.get_list("tags_list"), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(options.get_int("retries_int"), 3);
  EXPECT_EQ(options.get_dict("headers_dict").at("User-Agent"), "x");
}

TEST(SchemaFromDescriptor, RejectsBadTables) {
  struct Case {
    stoq_option_spec spec;
    const char* fragment;
  };
  const Case cases[] = {
      {{"names_list", STOQ_OPTION_STRING, nullptr, "doc", 0}, "suffix means list"},
      {{"ids_tuple", STOQ_OPTION_INT, nullptr, "doc", 0}, "suffix means list"},
      {{"map_dict", STOQ_OPTION_LIST, nullptr, "doc", 0}, "suffix means dict"},
      {{"count_int", STOQ_OPTION_STRING, nullptr, "doc", 0}, "suffix means int"},
      {{"count", STOQ_OPTION_INT, "ten", "doc", 0}, "integer"},     // bad default
      {{"flag", STOQ_OPTION_BOOL, "maybe", "doc", 0}, "boolean"},   // bad default
      {{"map", STOQ_OPTION_DICT, "[1]", "doc", 0}, "JSON object"},  // bad default
      {{"Bad-Name", STOQ_OPTION_STRING, nullptr, "doc", 0}, "snake_case"},
      {{"", STOQ_OPTION_STRING, nullptr, "doc", 0}, "snake_case"},
      {{nullptr, STOQ_OPTION_STRING, nullptr, "doc", 0}, "snake_case"},
      {{"CamelCase", STOQ_OPTION_STRING, nullptr, "doc", 0}, "snake_case"},
      {{"hashpayload", STOQ_OPTION_BOOL, nullptr, "doc", 0}, "framework option"},
      {{"nodoc", STOQ_OPTION_STRING, nullptr, nullptr, 0}, "no doc"},
      {{"emptydoc", STOQ_OPTION_STRING, nullptr, "", 0}, "no doc"},
  };
  for (const Case& c : cases) {
    auto descriptor = descriptor_with("worker", &c.spec, 1);
    auto message = error_of([&] { schema_from_descriptor(descriptor, kModule); });
    EXPECT_NE(message.find(kModule), std::string::npos) << message;
    EXPECT_NE(message.find(c.fragment), std::string::npos)
        << (c.spec.name != nullptr ? c.spec.name : "(null)") << " -> " << message;
  }
}

TEST(SchemaFromDescriptor, RejectsUnknownOptionType) {
  // A C module may put any int in the type field; store it as raw bytes (a C++ cast to an
  // out-of-range enum value would itself be undefined).
  for (int raw : {0, 7, 99, -1}) {
    stoq_option_spec spec{"odd", STOQ_OPTION_STRING, nullptr, "doc", 0};
    std::memcpy(&spec.type, &raw, sizeof raw);
    auto descriptor = descriptor_with("worker", &spec, 1);
    auto message = error_of([&] { schema_from_descriptor(descriptor, kModule); });
    EXPECT_NE(message.find("unknown type " + std::to_string(raw)), std::string::npos) << message;
  }
}

TEST(SchemaFromDescriptor, RejectsDuplicateAndMissingTable) {
  const stoq_option_spec twice[] = {
      {"rules", STOQ_OPTION_STRING, nullptr, "doc", 0},
      {"rules", STOQ_OPTION_STRING, nullptr, "doc", 0},
  };
  auto descriptor = descriptor_with("worker", twice, 2);
  auto message = error_of([&] { schema_from_descriptor(descriptor, kModule); });
  EXPECT_NE(message.find("'rules'"), std::string::npos) << message;
  EXPECT_NE(message.find("twice"), std::string::npos) << message;

  descriptor = descriptor_with("worker", nullptr, 3);
  message = error_of([&] { schema_from_descriptor(descriptor, kModule); });
  EXPECT_NE(message.find("missing"), std::string::npos) << message;
}

TEST(SchemaFromDescriptor, SourceMayNotRedeclareMultiprocess) {
  const stoq_option_spec spec[] = {{"multiprocess", STOQ_OPTION_BOOL, "true", "doc", 0}};
  auto descriptor = descriptor_with("source", spec, 1);
  auto message = error_of([&] { schema_from_descriptor(descriptor, kModule); });
  EXPECT_NE(message.find("framework option"), std::string::npos) << message;
}

TEST(CheckOptionValue, MaxTlpAndRatelimitOnly) {
  EXPECT_NO_THROW(check_option_value("max_tlp", Json("amber"), "w"));
  EXPECT_NO_THROW(check_option_value("max_tlp", Json(""), "w"));
  EXPECT_NO_THROW(check_option_value("ratelimit", Json("3/2"), "w"));
  EXPECT_NO_THROW(check_option_value("ratelimit", Json(""), "w"));
  EXPECT_NO_THROW(check_option_value("other", Json("purple"), "w"));
  auto message = error_of([] { check_option_value("max_tlp", Json("purple"), "cli"); });
  EXPECT_EQ(message.rfind("cli: ", 0), 0u) << message;
  EXPECT_NE(message.find("'purple'"), std::string::npos) << message;
  message = error_of([] { check_option_value("ratelimit", Json("0/5"), "cli"); });
  EXPECT_EQ(message.rfind("cli: ", 0), 0u) << message;
  EXPECT_NE(message.find("'0/5'"), std::string::npos) << message;
}

LoadedPlugin loaded_demo() {
  LoadedPlugin plugin;
  plugin.manifest.info.name = "demo";
  auto descriptor = descriptor_with("worker", kGoodTable, std::size(kGoodTable));
  plugin.schema = schema_from_descriptor(descriptor, kModule);
  plugin.options = resolve(plugin.schema, "[options]\nhashpayload = True\nsaveresults = True\n");
  return plugin;
}

TEST(ApplyOverrides, ParsedAgainstTheSchema) {
  LoadedPlugin plugin = loaded_demo();
  Options options = apply_overrides(
      plugin, plugin.options, {{"timeout", "7"}, {"saveresults", "no"}, {"tags_list", "x, y"}, {"max_tlp", "green"}},
      "command line", "/cwd");
  EXPECT_EQ(options.get_int("timeout"), 7);
  EXPECT_FALSE(options.get_bool("saveresults"));
  EXPECT_EQ(options.get_list("tags_list"), (std::vector<std::string>{"x", "y"}));
  EXPECT_EQ(options.get_string("max_tlp"), "green");
  EXPECT_TRUE(options.get_bool("hashpayload"));      // untouched
  EXPECT_EQ(plugin.options.get_int("timeout"), 60);  // the loaded plugin's copy is not changed
  EXPECT_EQ(apply_overrides(plugin, plugin.options, {}, "x", "/cwd").all(), plugin.options.all());
}

TEST(ApplyOverrides, LaterOverrideWins) {
  LoadedPlugin plugin = loaded_demo();
  Options options = apply_overrides(plugin, plugin.options, {{"timeout", "1"}, {"timeout", "2"}}, "cli", "/cwd");
  EXPECT_EQ(options.get_int("timeout"), 2);
}

TEST(ApplyOverrides, Errors) {
  LoadedPlugin plugin = loaded_demo();
  struct Case {
    const char* name;
    const char* raw;
    const char* fragment;
  };
  const Case cases[] = {
      {"no_such_option", "1", "no option 'no_such_option'"},
      {"timeout", "soon", "integer"},
      {"strict", "perhaps", "boolean"},
      {"headers_dict", "[1]", "JSON object"},
      {"max_tlp", "purple", "max_tlp"},
      {"ratelimit", "1/0", "ratelimit"},
  };
  for (const Case& c : cases) {
    auto message = error_of([&] {
      apply_overrides(plugin, plugin.options, {{c.name, c.raw}}, "stoq.cfg [demo]", "/cwd");
    });
    EXPECT_EQ(message.rfind("stoq.cfg [demo]: ", 0), 0u) << message;
    EXPECT_NE(message.find(c.fragment), std::string::npos) << c.name << " -> " << message;
  }
  EXPECT_NE(error_of([&] {
              apply_overrides(plugin, plugin.options, {{"nope", "1"}}, "w", "/cwd");
            }).find("demo"),
            std::string::npos);
}

}  // namespace

TEST(ApplyOverrides, RelativePathsAreAnchored) {
  LoadedPlugin plugin = loaded_demo();
  Options options = apply_overrides(plugin, plugin.options, {{"rules", "custom/x.yar"}}, "cli", "/cwd");
  EXPECT_EQ(options.get_string("rules"), "/cwd/custom/x.yar");
  options = apply_overrides(plugin, plugin.options, {{"rules", "/abs/x.yar"}}, "cli", "/cwd");
  EXPECT_EQ(options.get_string("rules"), "/abs/x.yar");
}

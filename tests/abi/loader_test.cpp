// stoq::loader::Catalog against the test plugin tree built by tests/abi/CMakeLists.txt:
// every broken plugin gives one stoq::Error naming the file and the reason, and the
// good ones load, resolve their options and create instances of the SDK classes.
#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <filesystem>
#include <sstream>
#include <string>

#include "loader/catalog.hpp"
#include "run_cli.hpp"
#include "stoq/error.hpp"
#include "stoq/plugin.hpp"

namespace {

namespace fs = std::filesystem;
using stoq::Category;
using stoq_test::contains;

const std::string kTree = STOQ_TEST_PLUGIN_DIR;

std::string plugin_file(const std::string& category, const std::string& folder, const std::string& file) {
  return (fs::path(kTree) / category / folder / file).string();
}

class LoaderTest : public ::testing::Test {
 protected:
  stoq::loader::Catalog catalog{{kTree}};

  // The message of the stoq::Error that loading throws; a failure when it does not throw.
  std::string load_error(Category category, const std::string& name) {
    try {
      catalog.load(category, name);
    } catch (const stoq::Error& e) {
      std::string message = e.what();
      EXPECT_EQ(message.find('\n'), std::string::npos) << "an error is one line: " << message;
      EXPECT_FALSE(message.empty());
      return message;
    } catch (const std::exception& e) {
      ADD_FAILURE() << "expected stoq::Error, got " << e.what();
      return {};
    }
    ADD_FAILURE() << stoq::category_name(category) << ":" << name << " loaded, but it is broken";
    return {};
  }
};

// --- ABI handshake ------------------------------------------------------------------

TEST_F(LoaderTest, WrongAbiMajorIsRefused) {
  std::string message = load_error(Category::Worker, "badmajor");
  EXPECT_TRUE(contains(message, plugin_file("worker", "badmajor", "badmajor.so"))) << message;
  EXPECT_TRUE(contains(message, "ABI " + std::to_string(STOQ_ABI_VERSION_MAJOR + 98))) << message;
  EXPECT_TRUE(contains(message, "rebuild")) << message;
}

TEST_F(LoaderTest, DescriptorSmallerThanTodaysIsRefused) {
  std::string message = load_error(Category::Worker, "smallstruct");
  EXPECT_TRUE(contains(message, plugin_file("worker", "smallstruct", "smallstruct.so"))) << message;
  EXPECT_TRUE(contains(message, "expected at least " + std::to_string(sizeof(stoq_plugin_descriptor)))) << message;
}

TEST_F(LoaderTest, WrongAbiTagIsRefused) {
  std::string message = load_error(Category::Worker, "badtag");
  EXPECT_TRUE(contains(message, plugin_file("worker", "badtag", "badtag.so"))) << message;
  EXPECT_TRUE(contains(message, "itanium9999")) << message;  // what the module says it is
  EXPECT_TRUE(contains(message, STOQ_ABI_TAG)) << message;   // what this stoq is
}

TEST_F(LoaderTest, OtherSdkHeadersAreRefused) {
  // Compiled with STOQ_SDK_DIGEST="0000000000000000": the headers it saw are not these.
  std::string message = load_error(Category::Worker, "otherdigest");
  EXPECT_TRUE(contains(message, plugin_file("worker", "otherdigest", "otherdigest.so"))) << message;
  EXPECT_TRUE(contains(message, "built as '" STOQ_ABI_TAG)) << message;
  EXPECT_TRUE(contains(message, ";sdk-0000000000000000'")) << message;
  EXPECT_TRUE(contains(message, "this stoq is '" STOQ_BUILD_TAG "': rebuild the plugin against this SDK")) << message;
  EXPECT_TRUE(contains(STOQ_BUILD_TAG, ";sdk-" STOQ_SDK_DIGEST));
  EXPECT_EQ(std::string(STOQ_SDK_DIGEST).size(), 16U);
}

TEST_F(LoaderTest, ShortFormTakesNameAndVersionFromTheStoqFile) {
  const stoq::loader::LoadedPlugin& plugin = catalog.load(Category::Worker, "shortform");
  EXPECT_EQ(plugin.descriptor->name, nullptr);
  EXPECT_EQ(plugin.descriptor->version, nullptr);
  EXPECT_EQ(plugin.manifest.info.name, "shortform");
  EXPECT_EQ(plugin.manifest.info.version, "1.0");
  EXPECT_EQ(plugin.manifest.info.description, "Test plugin shortform");
  auto instance = catalog.create(plugin);
  EXPECT_NE(dynamic_cast<stoq::Worker*>(instance.get()), nullptr);
}

TEST_F(LoaderTest, ShortFormInTheWrongFolderIsRefused) {
  std::string message = load_error(Category::Connector, "shortwrongcat");
  EXPECT_TRUE(contains(message, "plugin is a worker but lives in the connector folder")) << message;
}

TEST_F(LoaderTest, MissingAbiTagIsRefused) {
  std::string message = load_error(Category::Worker, "nulltag");
  EXPECT_TRUE(contains(message, plugin_file("worker", "nulltag", "nulltag.so"))) << message;
  EXPECT_TRUE(contains(message, "(none)")) << message;
}

TEST_F(LoaderTest, NullDescriptorIsRefused) {
  std::string message = load_error(Category::Worker, "nulldesc");
  EXPECT_TRUE(contains(message, plugin_file("worker", "nulldesc", "nulldesc.so"))) << message;
  EXPECT_TRUE(contains(message, "returned nothing")) << message;
}

TEST_F(LoaderTest, DescriptorWithoutCreateIsRefused) {
  std::string message = load_error(Category::Worker, "nocreate");
  EXPECT_TRUE(contains(message, plugin_file("worker", "nocreate", "nocreate.so"))) << message;
  EXPECT_TRUE(contains(message, "create")) << message;
}

TEST_F(LoaderTest, ModuleWithoutEntrySymbolIsRefused) {
  std::string message = load_error(Category::Worker, "noentry");
  EXPECT_TRUE(contains(message, plugin_file("worker", "noentry", "noentry.so"))) << message;
  EXPECT_TRUE(contains(message, "no stoq_plugin_entry symbol")) << message;
}

TEST_F(LoaderTest, NameInStoqFileMustMatchDescriptor) {
  std::string message = load_error(Category::Worker, "misnamed");
  EXPECT_TRUE(contains(message, plugin_file("worker", "misnamed", "misnamed.so"))) << message;
  EXPECT_TRUE(contains(message, "othername")) << message;
  EXPECT_TRUE(contains(message, plugin_file("worker", "misnamed", "misnamed.stoq"))) << message;
}

TEST_F(LoaderTest, PluginInTheWrongCategoryFolderIsRefused) {
  std::string message = load_error(Category::Connector, "wrongcat");
  EXPECT_TRUE(contains(message, plugin_file("connector", "wrongcat", "wrongcat.so"))) << message;
  EXPECT_TRUE(contains(message, "is a worker")) << message;
  EXPECT_TRUE(contains(message, "connector folder")) << message;
}

// --- .stoq files ----------------------------------------------------------------------

TEST_F(LoaderTest, MissingModuleIsReported) {
  std::string message = load_error(Category::Worker, "ghost");
  EXPECT_TRUE(contains(message, plugin_file("worker", "ghost", "ghost.stoq"))) << message;
  EXPECT_TRUE(contains(message, plugin_file("worker", "ghost", "ghost.so"))) << message;
  EXPECT_TRUE(contains(message, "not found")) << message;
}

TEST_F(LoaderTest, StoqFileWithoutCoreSectionIsReported) {
  std::string message = load_error(Category::Worker, "malformed");
  EXPECT_TRUE(contains(message, plugin_file("worker", "malformed", "malformed.stoq"))) << message;
  EXPECT_TRUE(contains(message, "[Core]")) << message;
}

TEST_F(LoaderTest, WorkerWithoutHashpayloadOrSaveresultsIsReported) {
  std::string message = load_error(Category::Worker, "norequired");
  EXPECT_TRUE(contains(message, plugin_file("worker", "norequired", "norequired.stoq"))) << message;
  EXPECT_TRUE(contains(message, "hashpayload") || contains(message, "saveresults")) << message;
  EXPECT_TRUE(contains(message, "[options]")) << message;
}

TEST_F(LoaderTest, SourceWithoutMultiprocessIsReported) {
  std::string message = load_error(Category::Source, "nomp");
  EXPECT_TRUE(contains(message, plugin_file("source", "nomp", "nomp.stoq"))) << message;
  EXPECT_TRUE(contains(message, "multiprocess")) << message;
}

TEST_F(LoaderTest, UnknownOptionSuggestsTheClosestName) {
  std::string message = load_error(Category::Worker, "typo");
  // file:line of the offending key
  EXPECT_TRUE(contains(message, plugin_file("worker", "typo", "typo.stoq") + ":")) << message;
  EXPECT_TRUE(contains(message, "max_tpl")) << message;
  EXPECT_TRUE(contains(message, "did you mean 'max_tlp'")) << message;
}

TEST_F(LoaderTest, BadOptionTypeIsReported) {
  std::string message = load_error(Category::Worker, "badtype");
  EXPECT_TRUE(contains(message, plugin_file("worker", "badtype", "badtype.stoq") + ":")) << message;
  EXPECT_TRUE(contains(message, "hashpayload")) << message;
  EXPECT_TRUE(contains(message, "maybe")) << message;
  EXPECT_TRUE(contains(message, "boolean")) << message;
}

TEST_F(LoaderTest, ListSuffixDeclaredAsStringIsRefused) {
  std::string message = load_error(Category::Worker, "badlist");
  EXPECT_TRUE(contains(message, plugin_file("worker", "badlist", "badlist.so"))) << message;
  EXPECT_TRUE(contains(message, "foo_list")) << message;
  EXPECT_TRUE(contains(message, "string")) << message;
  EXPECT_TRUE(contains(message, "list")) << message;
}

TEST_F(LoaderTest, UnknownPluginNameListsWhatExists) {
  std::string message = load_error(Category::Worker, "nosuchworker");
  EXPECT_TRUE(contains(message, "nosuchworker")) << message;
  EXPECT_TRUE(contains(message, "echo")) << message;
  EXPECT_TRUE(contains(message, "thrower")) << message;
  EXPECT_TRUE(contains(message, kTree)) << message;  // where it looked
  message = load_error(Category::Decorator, "nosuchdecorator");
  EXPECT_TRUE(contains(message, "addkey")) << message;
  EXPECT_TRUE(contains(message, "boom")) << message;
}

TEST_F(LoaderTest, TooNewMinStoqVersionWarnsAndLoads) {
  std::ostringstream captured;
  auto previous = spdlog::default_logger();
  auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(captured);
  auto logger = std::make_shared<spdlog::logger>("capture", sink);
  logger->set_level(spdlog::level::debug);
  spdlog::set_default_logger(logger);
  const stoq::loader::LoadedPlugin* loaded = nullptr;
  EXPECT_NO_THROW(loaded = &catalog.load(Category::Worker, "future"));
  logger->flush();
  spdlog::set_default_logger(previous);
  ASSERT_NE(loaded, nullptr);
  EXPECT_TRUE(contains(captured.str(), "99.0")) << captured.str();
  EXPECT_TRUE(contains(captured.str(), "future")) << captured.str();
  EXPECT_TRUE(contains(captured.str(), "warn")) << captured.str();
}

// --- What still works around broken plugins ----------------------------------------------

TEST_F(LoaderTest, BrokenPluginsDoNotStopOthers) {
  load_error(Category::Worker, "badmajor");
  load_error(Category::Worker, "malformed");
  EXPECT_NO_THROW(catalog.load(Category::Worker, "echo"));
  EXPECT_NO_THROW(catalog.load(Category::Connector, "hbconn"));
  // A failed load is not cached as a success: the same error comes again.
  std::string first = load_error(Category::Worker, "badtag");
  std::string second = load_error(Category::Worker, "badtag");
  EXPECT_EQ(first, second);
}

TEST_F(LoaderTest, DiscoveryRecordsBrokenStoqFiles) {
  bool saw_malformed = false;
  bool saw_echo = false;
  for (const auto& found : catalog.discovered()) {
    if (found.category == Category::Worker && found.folder_name == "malformed") {
      saw_malformed = true;
      EXPECT_FALSE(found.manifest.has_value());
      EXPECT_TRUE(contains(found.error, "malformed.stoq")) << found.error;
    }
    if (found.category == Category::Worker && found.name() == "echo") {
      saw_echo = true;
      ASSERT_TRUE(found.manifest.has_value());
      EXPECT_EQ(found.manifest->info.plugin_path, (fs::path(kTree) / "worker" / "echo").string());
    }
  }
  EXPECT_TRUE(saw_malformed);
  EXPECT_TRUE(saw_echo);
}

TEST_F(LoaderTest, GoodPluginLoadsOnceWithResolvedOptions) {
  const stoq::loader::LoadedPlugin& echo = catalog.load(Category::Worker, "echo");
  EXPECT_EQ(&echo, &catalog.load(Category::Worker, "echo"));
  ASSERT_NE(echo.descriptor, nullptr);
  EXPECT_STREQ(echo.descriptor->name, "echo");
  EXPECT_STREQ(echo.descriptor->category, "worker");
  EXPECT_EQ(echo.descriptor->abi_major, static_cast<uint32_t>(STOQ_ABI_VERSION_MAJOR));
  const stoq::Options& options = echo.options;
  EXPECT_EQ(options.get_int("my_int"), 3);    // .stoq over the table default (1)
  EXPECT_FALSE(options.get_bool("my_flag"));  // table default
  EXPECT_TRUE(options.get_bool("strict"));    // table default
  EXPECT_EQ(options.get_string("my_string"), "from-stoq");
  EXPECT_EQ(options.get_list("tags_list"), (std::vector<std::string>{"c", "d", "e"}));
  EXPECT_EQ(options.get_dict("extra_dict"), stoq::Json({{"k", "v"}}));
  EXPECT_TRUE(options.get_bool("hashpayload"));
  EXPECT_TRUE(options.get_bool("saveresults"));
  // Framework options are part of the schema, with the plugin's table after them.
  bool has_my_int = false;
  bool has_hashpayload = false;
  for (const auto& option : echo.schema) {
    has_my_int = has_my_int || option.name == "my_int";
    has_hashpayload = has_hashpayload || option.name == "hashpayload";
    if (option.name == "my_string") {
      EXPECT_EQ(option.short_flag, 'x');
    }
  }
  EXPECT_TRUE(has_my_int);
  EXPECT_TRUE(has_hashpayload);
}

// abi.h: STOQ_OPTION_PATH is "a string; relative paths resolve against the plugin folder".
TEST_F(LoaderTest, RelativePathOptionResolvesAgainstPluginFolder) {
  const stoq::loader::LoadedPlugin& echo = catalog.load(Category::Worker, "echo");
  EXPECT_EQ(echo.options.get_string("rules_path"),
            (fs::path(kTree) / "worker" / "echo" / "rules" / "default.yar").string());
}

TEST_F(LoaderTest, CreatedInstancesAreTheSdkClasses) {
  const auto& echo = catalog.load(Category::Worker, "echo");
  stoq::loader::PluginPtr worker = catalog.create(echo);
  ASSERT_NE(worker, nullptr);
  // typeinfo of the SDK classes is anchored in libstoq: dynamic_cast works across dlopen.
  EXPECT_NE(dynamic_cast<stoq::Worker*>(worker.get()), nullptr);
  EXPECT_EQ(dynamic_cast<stoq::Connector*>(worker.get()), nullptr);
  const auto& hbconn = catalog.load(Category::Connector, "hbconn");
  stoq::loader::PluginPtr connector = catalog.create(hbconn);
  ASSERT_NE(connector, nullptr);
  EXPECT_NE(dynamic_cast<stoq::Connector*>(connector.get()), nullptr);
  EXPECT_TRUE(connector->wants_heartbeat());
  const auto& addkey = catalog.load(Category::Decorator, "addkey");
  stoq::loader::PluginPtr decorator = catalog.create(addkey);
  auto* as_decorator = dynamic_cast<stoq::Decorator*>(decorator.get());
  ASSERT_NE(as_decorator, nullptr);
  stoq::Json decorated = as_decorator->decorate(stoq::Json{{"results", stoq::Json::array()}});
  EXPECT_TRUE(decorated.contains("decorated"));
  // Several instances of one plugin are independent objects.
  stoq::loader::PluginPtr second = catalog.create(echo);
  EXPECT_NE(second.get(), worker.get());
}

TEST(LoaderTrees, FirstPluginDirWinsAndModulesAreReloadable) {
  stoq_test::TempDir first;
  fs::path echo_dir = first.root() / "worker" / "echo";
  fs::create_directories(echo_dir);
  fs::copy_file(plugin_file("worker", "echo", "echo.so"), echo_dir / "echo.so");
  std::string stoq_text = stoq_test::read_file(plugin_file("worker", "echo", "echo.stoq"));
  auto at = stoq_text.find("my_int = 3");
  ASSERT_NE(at, std::string::npos);
  stoq_text.replace(at, 10, "my_int = 42");
  first.write("worker/echo/echo.stoq", stoq_text);
  for (int round = 0; round < 2; ++round) {  // a Catalog unloads its modules; a new one loads them again
    stoq::loader::Catalog catalog({first.root().string(), kTree});
    const auto& echo = catalog.load(Category::Worker, "echo");
    EXPECT_EQ(echo.options.get_int("my_int"), 42);
    EXPECT_EQ(echo.manifest.info.plugin_path, echo_dir.string());
    EXPECT_NO_THROW(catalog.load(Category::Worker, "thrower"));  // still found in the second dir
  }
}

TEST(LoaderTrees, TwoStoqFilesInOneFolderAreReported) {
  stoq_test::TempDir tree;
  std::string manifest = stoq_test::read_file(plugin_file("worker", "echo", "echo.stoq"));
  tree.write("worker/twice/one.stoq", manifest);
  tree.write("worker/twice/two.stoq", manifest);
  stoq::loader::Catalog catalog({tree.root().string()});
  try {
    catalog.load(Category::Worker, "twice");
    ADD_FAILURE() << "a folder with two .stoq files loaded";
  } catch (const stoq::Error& e) {
    EXPECT_TRUE(contains(e.what(), (tree.root() / "worker" / "twice").string())) << e.what();
    EXPECT_TRUE(contains(e.what(), "more than one .stoq")) << e.what();
  }
}

}  // namespace

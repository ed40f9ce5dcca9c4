// config/core_config.hpp: stoq.cfg [core] with defaults, path resolution and extras.
#include "config/core_config.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "stoq/error.hpp"
#include "stoq/testing.hpp"
#include "test_support.hpp"

namespace {

using stoq::CoreConfig;
using stoq::Json;
using stoq::config::core_config_from_text;
using stoq::config::Defaults;
using stoq::config::load_core_config;
using stoq::test::error_of;
using stoq::test::TempDir;
using Strings = std::vector<std::string>;

const Defaults kDefaults{"/home/analyst/.stoq", "/opt/stoq/lib/stoq/plugins", ""};
constexpr const char* kCfg = "/srv/stoq/etc/stoq.cfg";

CoreConfig from_text(const std::string& text) { return core_config_from_text(text, kCfg, kDefaults); }

TEST(CoreConfig, BuiltInDefaultsWithoutAFile) {
  TempDir home;  // no stoq.cfg inside
  Defaults defaults{home.root().string(), "/opt/stoq/plugins", "/opt/stoq/share/stoq/dispatcher.yar"};
  CoreConfig config = load_core_config(std::nullopt, defaults);
  std::string base = home.root().string();
  EXPECT_EQ(config.source, "built-in defaults");
  EXPECT_EQ(config.base_dir, base);
  EXPECT_EQ(config.temp_dir, base + "/temp");
  EXPECT_EQ(config.results_dir, base + "/results");
  EXPECT_EQ(config.log_dir, base + "/logs");
  EXPECT_EQ(config.archive_base, base + "/archive");
  EXPECT_EQ(config.dispatch_rules, "/opt/stoq/share/stoq/dispatcher.yar");  // none in base_dir: the bundled rules
  EXPECT_EQ(config.plugin_dir_list, Strings{"/opt/stoq/plugins"});
  EXPECT_EQ(config.max_queue, 100);
  EXPECT_EQ(config.max_recursion, 8);
  EXPECT_EQ(config.max_children, 1000);
  EXPECT_EQ(config.max_payloads, 10000);
  EXPECT_EQ(config.max_child_size, 1LL << 30);
  EXPECT_EQ(config.max_extracted_bytes, 8LL << 30);
  EXPECT_EQ(config.dispatch_memory_budget, 256LL << 20);
  EXPECT_DOUBLE_EQ(config.max_compression_ratio, 1000);
  EXPECT_DOUBLE_EQ(config.extraction_timeout, 60);
  EXPECT_EQ(config.default_connector, "stdout");
  EXPECT_EQ(config.default_source, "filedir");
  EXPECT_EQ(config.default_tlp, "white");
  EXPECT_EQ(config.filename_suffix, "stoq");
  EXPECT_EQ(config.log_syntax, "text");
  EXPECT_EQ(config.log_level, "INFO");
  EXPECT_EQ(config.log_maxbytes, 1500000);
  EXPECT_EQ(config.log_backup_count, 5);
  EXPECT_EQ(config.url_prefix_tuple, (Strings{"http://", "https://"}));
  EXPECT_TRUE(config.source_base_tuple.empty());
  EXPECT_TRUE(config.extra.is_object());
  EXPECT_TRUE(config.extra.empty());
}

TEST(CoreConfig, EmptyCoreSectionUsesConfigFolderAsBase) {
  CoreConfig config = from_text("[core]\n");
  EXPECT_EQ(config.source, kCfg);
  EXPECT_EQ(config.base_dir, "/srv/stoq/etc");
  EXPECT_EQ(config.temp_dir, "/srv/stoq/etc/temp");
  EXPECT_EQ(config.results_dir, "/srv/stoq/etc/results");
  EXPECT_EQ(config.log_dir, "/srv/stoq/etc/logs");
  EXPECT_EQ(config.max_queue, 100);
  EXPECT_EQ(config.max_recursion, 8);
  EXPECT_EQ(config.default_connector, "stdout");
  EXPECT_EQ(config.default_source, "filedir");
  EXPECT_EQ(config.default_tlp, "white");
  EXPECT_EQ(config.plugin_dir_list, Strings{kDefaults.builtin_plugin_dir});
}

TEST(CoreConfig, RelativeBaseDirResolvesAgainstConfigFolder) {
  CoreConfig config = from_text(
      "[core]\nbase_dir = ..\ntemp_dir = scratch/tmp\nresults_dir = /var/results\n"
      "log_dir: ./logs/../log\narchive_base = malware/hashes\n"
      "dispatch_rules = rules/dispatcher.yar\n");
  EXPECT_EQ(config.base_dir, "/srv/stoq");
  EXPECT_EQ(config.temp_dir, "/srv/stoq/scratch/tmp");
  EXPECT_EQ(config.results_dir, "/var/results");  // absolute stays
  EXPECT_EQ(config.log_dir, "/srv/stoq/log");
  EXPECT_EQ(config.archive_base, "/srv/stoq/malware/hashes");
  EXPECT_EQ(config.dispatch_rules, "/srv/stoq/rules/dispatcher.yar");
}

// Regression: paths ending in "." or ".." are normalised without a trailing slash.
TEST(CoreConfig, DotPathsHaveNoTrailingSlash) {
  EXPECT_EQ(from_text("[core]\nbase_dir = ..\n").base_dir, "/srv/stoq");
  EXPECT_EQ(from_text("[core]\nbase_dir = .\n").base_dir, "/srv/stoq/etc");
  EXPECT_EQ(from_text("[core]\nplugin_dir_list = .\n").plugin_dir_list.front(), "/srv/stoq/etc");
}

TEST(CoreConfig, AbsoluteBaseDir) {
  CoreConfig config = from_text("[core]\nbase_dir = /data/stoq\nsource_base_tuple = ingest, /tmp/ingest\n");
  EXPECT_EQ(config.base_dir, "/data/stoq");
  EXPECT_EQ(config.temp_dir, "/data/stoq/temp");
  EXPECT_EQ(config.source_base_tuple, (Strings{"/data/stoq/ingest", "/tmp/ingest"}));
}

TEST(CoreConfig, ScalarValues) {
  CoreConfig config = from_text(
      "[core]\nMAX_QUEUE = 5\nmax_recursion = 0\ndefault_connector = file\ndefault_source = rabbitmq\n"
      "default_tlp = amber\nlog_syntax = json\nlog_level = DEBUG\nlog_maxbytes = 10\n"
      "log_backup_count = 0\nfilename_suffix = out\nuseragent = curl/8\nmax_payload_size = 4096\n");
  EXPECT_EQ(config.max_queue, 5);
  EXPECT_EQ(config.max_recursion, 0);
  EXPECT_EQ(config.default_connector, "file");
  EXPECT_EQ(config.default_source, "rabbitmq");
  EXPECT_EQ(config.default_tlp, "amber");
  EXPECT_EQ(config.log_syntax, "json");
  EXPECT_EQ(config.log_level, "DEBUG");
  EXPECT_EQ(config.log_maxbytes, 10);
  EXPECT_EQ(config.log_backup_count, 0);
  EXPECT_EQ(config.filename_suffix, "out");
  EXPECT_EQ(config.useragent, "curl/8");
  EXPECT_EQ(config.max_payload_size, 4096);
}

TEST(CoreConfig, BadIntegersNameFileAndLine) {
  struct Case {
    const char* text;
    const char* key;
  };
  const Case cases[] = {
      {"[core]\n\nmax_queue = lots\n", "max_queue"},
      {"[core]\n\nmax_queue = 0\n", "max_queue"},  // at least 1
      {"[core]\n\nmax_recursion = -1\n", "max_recursion"},
      {"[core]\n\nlog_maxbytes = 1.5\n", "log_maxbytes"},
      {"[core]\n\nlog_backup_count = -2\n", "log_backup_count"},
      {"[core]\n\nmax_payload_size = big\n", "max_payload_size"},
      {"[core]\n\nmax_children = 0\n", "max_children"},
      {"[core]\n\nmax_compression_ratio = lots\n", "max_compression_ratio"},
      {"[core]\n\nmax_compression_ratio = -1\n", "max_compression_ratio"},
      {"[core]\n\nextraction_timeout = 0\n", "extraction_timeout"},
      {"[core]\n\ndispatch_memory_budget = -5\n", "dispatch_memory_budget"},
      {"[core]\n\nmax_recursion = 1001\n", "max_recursion"},        // at most kMaxRecursionLimit
      {"[core]\n\nlog_backup_count = 1001\n", "log_backup_count"},  // at most 1000
  };
  for (const Case& c : cases) {
    auto message = error_of([&] { from_text(c.text); });
    EXPECT_NE(message.find(std::string(kCfg) + ":3"), std::string::npos) << c.text << " -> " << message;
    EXPECT_NE(message.find(c.key), std::string::npos) << c.text << " -> " << message;
  }
}

TEST(CoreConfig, BadLogSyntaxNamesFileAndLine) {
  auto message = error_of([] { from_text("[core]\nlog_syntax = xml\n"); });
  EXPECT_NE(message.find(std::string(kCfg) + ":2"), std::string::npos) << message;
  EXPECT_NE(message.find("log_syntax"), std::string::npos) << message;
}

TEST(CoreConfig, UpperBoundsAreAccepted) {
  CoreConfig config = from_text("[core]\nmax_recursion = 1000\nlog_backup_count = 1000\n");
  EXPECT_EQ(config.max_recursion, stoq::config::kMaxRecursionLimit);
  EXPECT_EQ(config.log_backup_count, 1000);
}

// Each of these was accepted, and then ignored or misread, before.
TEST(CoreConfig, QuietlyIgnoredValuesNameFileLineAndKey) {
  struct Case {
    const char* text;
    std::vector<const char*> parts;
  };
  const Case cases[] = {
      {"[core]\n\nlog_level = LOUD\n", {"log_level", "'LOUD'", "DEBUG, INFO, WARNING, ERROR or CRITICAL"}},
      {"[core]\n\nfoo_dict = {not json\n", {"foo_dict", "{not json", "a JSON object"}},
      {"[core]\n\nretries_int = several\n", {"retries_int", "an integer"}},
      {"[core]\n\ndefault_connector =\n", {"default_connector is empty"}},
      {"[core]\n\ndefault_source =\n", {"default_source is empty"}},
      {"[core]\n\nfilename_suffix = ../json\n", {"filename_suffix", "'../json'"}},
      {"[core]\n\nfilename_suffix =\n", {"filename_suffix"}},
  };
  for (const Case& c : cases) {
    std::string message = error_of([&] { from_text(c.text); });
    EXPECT_NE(message.find(std::string(kCfg) + ":3"), std::string::npos) << c.text << " -> " << message;
    for (const char* part : c.parts) {
      EXPECT_NE(message.find(part), std::string::npos) << c.text << " -> " << message << "\nmissing: " << part;
    }
  }
}

TEST(CoreConfig, LogLevelsInAnyCase) {
  for (const char* level : {"debug", "Info", "WARNING", "warn", "error", "CRITICAL"}) {
    EXPECT_EQ(from_text(std::string("[core]\nlog_level = ") + level + "\n").log_level, level);
  }
}

TEST(CoreConfig, MissingCoreSection) {
  auto message = error_of([] { from_text("[other]\nk = v\n"); });
  EXPECT_NE(message.find(kCfg), std::string::npos) << message;
  EXPECT_NE(message.find("[core]"), std::string::npos) << message;
}

TEST(CoreConfig, IniErrorsPropagateWithLine) {
  auto message = error_of([] { from_text("[core]\nmax_queue = 5\nmax_queue = 6\n"); });
  EXPECT_NE(message.find(std::string(kCfg) + ":3"), std::string::npos) << message;
}

TEST(CoreConfig, PluginDirsResolvedAndBuiltinLast) {
  CoreConfig config = from_text("[core]\nplugin_dir_list = plugins, /usr/share/stoq/plugins\n");
  EXPECT_EQ(config.plugin_dir_list,
            (Strings{"/srv/stoq/etc/plugins", "/usr/share/stoq/plugins", kDefaults.builtin_plugin_dir}));
}

TEST(CoreConfig, BuiltinPluginDirNotDuplicated) {
  CoreConfig config = from_text("[core]\nplugin_dir_list = /opt/stoq/lib/stoq/plugins, mine\n");
  EXPECT_EQ(config.plugin_dir_list, (Strings{kDefaults.builtin_plugin_dir, "/srv/stoq/etc/mine"}));
}

TEST(CoreConfig, NoBuiltinPluginDir) {
  CoreConfig config = core_config_from_text("[core]\nplugin_dir_list = p\n", kCfg, Defaults{"/h", "", ""});
  EXPECT_EQ(config.plugin_dir_list, Strings{"/srv/stoq/etc/p"});
}

TEST(CoreConfig, OldPluginDirNameHonoured) {
  CoreConfig config = from_text("[core]\nplugin_dir = old/plugins\n");
  EXPECT_EQ(config.plugin_dir_list, (Strings{"/srv/stoq/etc/old/plugins", kDefaults.builtin_plugin_dir}));
}

TEST(CoreConfig, NewPluginDirNameWinsOverOld) {
  CoreConfig config = from_text("[core]\nplugin_dir = old\nplugin_dir_list = new\n");
  EXPECT_EQ(config.plugin_dir_list, (Strings{"/srv/stoq/etc/new", kDefaults.builtin_plugin_dir}));
}

TEST(CoreConfig, UrlPrefixEscapesRemoved) {
  CoreConfig config = from_text("[core]\nurl_prefix_tuple = http:\\/\\/, https:\\/\\/, ftp://\n");
  EXPECT_EQ(config.url_prefix_tuple, (Strings{"http://", "https://", "ftp://"}));
}

TEST(CoreConfig, UnknownKeysKeptInExtraTypedByInferValue) {
  CoreConfig config = from_text(
      "[core]\nsentry_ignore_list = KeyError, ValueError\nsentry_url =\nretries_int = 4\n"
      "feature = On\nheaders_dict = {\"a\": \"b\"}\nmax_queue = 50\n");
  const Json& extra = config.extra;
  EXPECT_EQ(extra.at("sentry_ignore_list"), Json::array({"KeyError", "ValueError"}));
  EXPECT_EQ(extra.at("sentry_url"), Json(""));
  EXPECT_EQ(extra.at("retries_int"), Json(4));
  EXPECT_EQ(extra.at("feature"), Json(true));
  EXPECT_EQ(extra.at("headers_dict"), Json::parse(R"({"a": "b"})"));
  EXPECT_EQ(extra.at("max_queue"), Json("50"));  // known keys are there too, as the original typed them
  EXPECT_EQ(config.max_queue, 50);
}

TEST(CoreConfig, OtherSectionsArePluginOptionOverrides) {
  CoreConfig config = from_text("[core]\nmax_queue = 5\n[yara]\nyararules = rules.yar\nTimeout = 5\n[hash]\n");
  using Pairs = std::vector<std::pair<std::string, std::string>>;
  ASSERT_EQ(config.plugin_options.size(), 2u);
  EXPECT_EQ(config.plugin_options.at("yara"), (Pairs{{"yararules", "rules.yar"}, {"timeout", "5"}}));
  EXPECT_TRUE(config.plugin_options.at("hash").empty());
  EXPECT_EQ(config.plugin_options.count("core"), 0u);
  EXPECT_FALSE(config.extra.contains("yararules"));
}

// Regression: a blank `base_dir =` means the default, never the current directory.
TEST(CoreConfig, BlankBaseDirStillGivesAbsolutePaths) {
  CoreConfig config = from_text("[core]\nbase_dir =\n");
  EXPECT_TRUE(std::filesystem::path(config.base_dir).is_absolute()) << config.base_dir;
  EXPECT_TRUE(std::filesystem::path(config.temp_dir).is_absolute()) << config.temp_dir;
  EXPECT_TRUE(std::filesystem::path(config.archive_base).is_absolute()) << config.archive_base;
}

TEST(CoreConfig, InterpolationInsideCore) {
  CoreConfig config = from_text("[core]\nbase_dir = /data\nlog_dir = %(base_dir)s/stoq-logs\n");
  EXPECT_EQ(config.log_dir, "/data/stoq-logs");
}

// Regression: non-string list items are a stoq::Error naming stoq.cfg:line.
TEST(CoreConfig, NonStringListItemsAreAStoqError) {
  for (const char* key : {"plugin_dir_list", "source_base_tuple", "url_prefix_tuple", "plugin_dir"}) {
    std::string text = std::string("[core]\n") + key + " = [1, 2]\n";
    try {
      (void)from_text(text);
    } catch (const stoq::Error& e) {
      EXPECT_NE(std::string(e.what()).find(std::string(kCfg) + ":2"), std::string::npos) << e.what();
    } catch (const std::exception& e) {
      ADD_FAILURE() << key << ": not a stoq::Error: " << e.what();
    }
  }
}

TEST(LoadCoreConfig, ExplicitPathMustExist) {
  TempDir dir;
  std::string missing = dir.path("nope.cfg");
  auto message = error_of([&] { load_core_config(missing, kDefaults); });
  EXPECT_NE(message.find(missing), std::string::npos) << message;
}

TEST(LoadCoreConfig, ExplicitPathRelativeValuesResolveAgainstItsFolder) {
  TempDir dir;
  std::string path = dir.write("conf/stoq.cfg", "[core]\nmax_queue = 9\nplugin_dir_list = plugins\n");
  CoreConfig config = load_core_config(path, kDefaults);
  std::string folder = (dir.root() / "conf").string();
  EXPECT_EQ(config.source, path);
  EXPECT_EQ(config.base_dir, folder);
  EXPECT_EQ(config.max_queue, 9);
  EXPECT_EQ(config.plugin_dir_list, (Strings{folder + "/plugins", kDefaults.builtin_plugin_dir}));
}

TEST(LoadCoreConfig, HomeStoqCfgUsedWhenPresent) {
  TempDir home;
  home.write("stoq.cfg", "[core]\nmax_recursion = 7\n");
  CoreConfig config = load_core_config(std::nullopt, Defaults{home.root().string(), "", ""});
  EXPECT_EQ(config.max_recursion, 7);
  EXPECT_EQ(config.source, home.path("stoq.cfg"));
  EXPECT_EQ(config.base_dir, home.root().string());
}

TEST(LoadCoreConfig, BadValueInFileNamesFileAndLine) {
  TempDir dir;
  std::string path = dir.write("stoq.cfg", "[core]\n# comment\nmax_queue = x\n");
  auto message = error_of([&] { load_core_config(path, kDefaults); });
  EXPECT_NE(message.find(path + ":3"), std::string::npos) << message;
}

// The sample stoq.cfg shipped with stoQ has every key commented out: pure defaults.
TEST(LoadCoreConfig, OriginalSampleConfig) {
  std::filesystem::path sample = std::filesystem::path(STOQ_SHARED_DIR) / "corpus" / "stoq-configs" / "stoq.cfg";
  if (!std::filesystem::is_regular_file(sample)) STOQ_MISSING("corpus not present: " << sample);
  CoreConfig config = load_core_config(sample.string(), kDefaults);
  EXPECT_EQ(config.base_dir, sample.parent_path().string());
  EXPECT_EQ(config.max_queue, 100);
  EXPECT_EQ(config.default_connector, "stdout");
  EXPECT_EQ(config.plugin_dir_list, Strings{kDefaults.builtin_plugin_dir});
}

}  // namespace

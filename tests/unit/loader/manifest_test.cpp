// loader/manifest.hpp: reading a plugin's .stoq file.
#include "loader/manifest.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <string>

#include "stoq/error.hpp"
#include "stoq/testing.hpp"
#include "test_support.hpp"

namespace {

using stoq::Category;
using stoq::loader::Manifest;
using stoq::loader::read_manifest;
using stoq::test::error_of;
using stoq::test::TempDir;

constexpr const char* kDocumentation =
    "[Documentation]\nAuthor = Ann Analyst\nVersion = 0.10.3\nWebsite = https://example.com\n"
    "Description = Does a thing\n";

std::string manifest_text(const std::string& core) { return "[Core]\n" + core + "\n" + kDocumentation; }

TEST(Manifest, ReadsAllFields) {
  TempDir dir;
  std::string path =
      dir.write("worker/yara/yara.stoq",
                "# license header\n[Core]\nName = yara\nModule = yara\n\n" + std::string(kDocumentation) +
                    "\n[options]\nhashpayload = True\nsaveresults: False\nyararules = rules/x.yar\n");
  Manifest manifest = read_manifest(path, Category::Worker);
  const stoq::PluginInfo& info = manifest.info;
  EXPECT_EQ(info.name, "yara");
  EXPECT_EQ(info.module, "yara");
  EXPECT_EQ(info.author, "Ann Analyst");
  EXPECT_EQ(info.version, "0.10.3");
  EXPECT_EQ(info.website, "https://example.com");
  EXPECT_EQ(info.description, "Does a thing");
  EXPECT_EQ(info.category, Category::Worker);
  EXPECT_EQ(info.stoq_file, path);
  EXPECT_EQ(info.plugin_path, dir.path("worker/yara"));
  EXPECT_EQ(manifest.file.path, path);
  ASSERT_EQ(manifest.options.size(), 3u);
  EXPECT_EQ(manifest.options[0].key, "hashpayload");
  EXPECT_EQ(manifest.options[0].value, "True");
  EXPECT_EQ(manifest.options[0].line, 13);
  EXPECT_EQ(manifest.options[1].key, "saveresults");
  EXPECT_EQ(manifest.options[2].value, "rules/x.yar");
}

TEST(Manifest, CategoryComesFromCaller) {
  TempDir dir;
  std::string path = dir.write("c/c.stoq", manifest_text("Name = c\nModule = c"));
  EXPECT_EQ(read_manifest(path, Category::Connector).info.category, Category::Connector);
  EXPECT_EQ(read_manifest(path, Category::Decorator).info.category, Category::Decorator);
}

TEST(Manifest, NoOptionsSection) {
  TempDir dir;
  std::string path = dir.write("p/p.stoq", manifest_text("Name = p\nModule = p"));
  EXPECT_TRUE(read_manifest(path, Category::Reader).options.empty());
}

TEST(Manifest, ModuleMayDifferFromName) {
  TempDir dir;
  std::string path = dir.write("p/p.stoq", manifest_text("Name = suricata-dirmon\nModule = suricata_dirmon"));
  Manifest manifest = read_manifest(path, Category::Source);
  EXPECT_EQ(manifest.info.name, "suricata-dirmon");
  EXPECT_EQ(manifest.info.module, "suricata_dirmon");
}

TEST(Manifest, Errors) {
  struct Case {
    std::string text;
    const char* fragment;
  };
  const Case cases[] = {
      {std::string(kDocumentation), "[Core]"},                                     // no [Core]
      {"[core]\nName = x\nModule = x\n" + std::string(kDocumentation), "[Core]"},  // section case matters
      {manifest_text("Module = x"), "'name'"},                                     // no Name
      {manifest_text("Name = x"), "'module'"},                                     // no Module
      {manifest_text("Name =\nModule = x"), "Name is empty"},
      {manifest_text("Name = x\nModule ="), "Module"},
      {manifest_text("Name = x\nModule = ../evil"), "../evil"},
      {manifest_text("Name = x\nModule = sub/mod"), "sub/mod"},
      {manifest_text("Name = x\nModule = /abs/mod"), "/abs/mod"},
      {manifest_text("Name = x\nModule = .hidden"), ".hidden"},
      {"[Core]\nName = x\nModule = x\n", "[Documentation]"},
      {"[Core]\nName = x\nModule = x\n[Documentation]\nAuthor = a\nVersion = 1\nWebsite = w\n", "'description'"},
      {"[Core]\nName = x\nModule = x\n[Documentation]\nVersion = 1\nWebsite = w\nDescription = d\n", "'author'"},
  };
  TempDir dir;
  int index = 0;
  for (const Case& c : cases) {
    std::string path = dir.write("case" + std::to_string(index++) + "/x.stoq", c.text);
    auto message = error_of([&] { read_manifest(path, Category::Worker); });
    EXPECT_NE(message.find(path), std::string::npos) << c.text << " -> " << message;
    EXPECT_NE(message.find(c.fragment), std::string::npos) << c.text << " -> " << message;
  }
}

TEST(Manifest, IniErrorsNameLine) {
  TempDir dir;
  std::string path = dir.write("x/x.stoq", "[Core]\nName = x\nName = y\nModule = x\n");
  auto message = error_of([&] { read_manifest(path, Category::Worker); });
  EXPECT_NE(message.find(path + ":3"), std::string::npos) << message;
}

TEST(Manifest, MissingFile) {
  TempDir dir;
  std::string path = dir.path("absent/absent.stoq");
  auto message = error_of([&] { read_manifest(path, Category::Worker); });
  EXPECT_NE(message.find(path), std::string::npos) << message;
}

// Every .stoq of the public plugin set is a valid manifest for the category folder it sits in.
TEST(ManifestCorpus, EveryRealStoqFileReads) {
  std::filesystem::path root = std::filesystem::path(STOQ_SHARED_DIR) / "corpus" / "stoq-configs";
  if (!std::filesystem::is_directory(root)) STOQ_MISSING("corpus not present: " << root);
  std::map<std::string, int> per_category;
  for (const auto& item : std::filesystem::recursive_directory_iterator(root)) {
    if (!item.is_regular_file() || item.path().extension() != ".stoq") continue;
    SCOPED_TRACE(item.path().string());
    // The corpus is laid out <root>/<category>/<name>.stoq.
    std::string category_name = item.path().parent_path().filename().string();
    auto category = stoq::parse_category(category_name);
    ASSERT_TRUE(category) << category_name;
    Manifest manifest;
    ASSERT_NO_THROW(manifest = read_manifest(item.path().string(), *category));
    EXPECT_FALSE(manifest.info.name.empty());
    EXPECT_FALSE(manifest.info.module.empty());
    EXPECT_EQ(manifest.info.category, *category);
    ++per_category[category_name];
  }
  int total = 0;
  for (const auto& [name, count] : per_category) total += count;
  EXPECT_EQ(total, 61);
  EXPECT_GT(per_category["worker"], 0);
  EXPECT_GT(per_category["source"], 0);
}

}  // namespace

// `stoq <worker> -T NAME`: results rendered with <worker plugin dir>/templates/NAME and
// saved as text (stdout, -C file, -O file), templates checked before any payload, and
// a template that fails on a document falling back to the JSON with an errors entry.
// Templates other than the bundled ones live in a temporary plugin root holding a copy
// of the built hash worker (first in plugin_dir_list, so it wins over the built-in one).
#include <gtest/gtest.h>

#include <map>
#include <regex>
#include <string>
#include <vector>

#include "hashes.hpp"
#include "run_cli.hpp"

namespace {

namespace fs = std::filesystem;
using stoq_test::CliResult;
using stoq_test::contains;
using stoq_test::OJson;
using stoq_test::StoqEnv;
using stoq_test::TempDir;

const std::string kFox = "The quick brown fox jumps over the lazy dog";

/// What plugins/worker/hash/templates/stdout.tpl renders for one payload read from `path`.
std::string hash_summary(const std::string& path, const std::string& data) {
  stoq_test::ExpectedHashes expected = stoq_test::expected_hashes(data);
  return fs::path(path).filename().string() + "\n" +                  //
         "    path    " + path + "\n" +                               //
         "    size    " + std::to_string(data.size()) + " bytes\n" +  //
         "    md5     " + expected.md5 + "\n" +                       //
         "    sha1    " + expected.sha1 + "\n" +                      //
         "    sha256  " + expected.sha256 + "\n";
}

/// A plugin root with a copy of the built hash worker and `templates` (name -> text)
/// in its templates/ folder.
std::string hash_plugin_with(const TempDir& dir, const std::map<std::string, std::string>& templates) {
  fs::path built = fs::path(STOQ_PLUGIN_DIR) / "worker" / "hash";
  fs::path copy = dir.root() / "plugins" / "worker" / "hash";
  fs::create_directories(copy);
  fs::copy_file(built / "hash.so", copy / "hash.so");
  fs::copy_file(built / "hash.stoq", copy / "hash.stoq");
  for (const auto& [name, text] : templates) dir.write("plugins/worker/hash/templates/" + name, text);
  return (dir.root() / "plugins").string();
}

class TemplateCliTest : public ::testing::Test {
 protected:
  StoqEnv env;
  std::string input = env.home().write("in/fox.txt", kFox);

  CliResult stoq(const std::vector<std::string>& args) { return stoq_test::run_stoq(env, args); }

  static void expect_startup_failure(const CliResult& result, const std::vector<std::string>& parts) {
    EXPECT_EQ(result.exit_code, 2) << result.describe();
    EXPECT_EQ(result.out, "") << result.describe();  // no payload was processed
    EXPECT_EQ(result.err_lines().size(), 1U) << result.describe();
    for (const std::string& part : parts) {
      EXPECT_TRUE(contains(result.err, part)) << "missing '" << part << "'\n" << result.describe();
    }
  }
};

// The bundled template is in the build tree beside hash.so, as the source has it.
TEST_F(TemplateCliTest, HashTemplateIsCopiedBesideThePlugin) {
  fs::path built = fs::path(STOQ_PLUGIN_DIR) / "worker/hash/templates/stdout.tpl";
  ASSERT_TRUE(fs::is_regular_file(built)) << built;
  EXPECT_EQ(stoq_test::read_file(built),
            stoq_test::read_file(fs::path(STOQ_SOURCE_DIR) / "plugins/worker/hash/templates/stdout.tpl"));
}

TEST_F(TemplateCliTest, StdoutPrintsTheHumanSummary) {
  CliResult result = stoq({"hash", "-F", input, "-T", "stdout.tpl"});
  ASSERT_EQ(result.exit_code, 0) << result.describe();
  // The rendering, then the newline stdout adds to everything it prints (print()).
  EXPECT_EQ(result.out, hash_summary(input, kFox) + "\n");
  EXPECT_TRUE(contains(result.out, stoq_test::expected_hashes(kFox).sha1));
  EXPECT_EQ(stoq({"hash", "-F", input, "--template", "stdout.tpl"}).out, result.out);
}

// --split: each document is an entry of its own, which the hash template prints the same.
TEST_F(TemplateCliTest, HashTemplateRendersSplitDocuments) {
  CliResult result = stoq({"hash", "-F", input, "-T", "stdout.tpl", "--split"});
  ASSERT_EQ(result.exit_code, 0) << result.describe();
  EXPECT_EQ(result.out, hash_summary(input, kFox) + "\n");
}

// One template shared by every worker thread: each payload's block is whole and right.
TEST_F(TemplateCliTest, EveryPayloadOfADirectoryIsRenderedWhole) {
  std::map<std::string, std::string> files;
  for (int i = 0; i < 24; ++i) files["f" + std::to_string(i) + ".txt"] = kFox + std::to_string(i);
  for (const auto& [name, data] : files) env.home().write("dir/" + name, data);
  CliResult result = stoq({"hash", "-F", env.home().path("dir"), "-M", "4", "-T", "stdout.tpl"});
  ASSERT_EQ(result.exit_code, 0) << result.describe();
  std::size_t expected_size = 0;
  for (const auto& [name, data] : files) {
    std::string block = hash_summary(env.home().path("dir/" + name), data) + "\n";  // printed in one write
    EXPECT_TRUE(contains(result.out, block)) << name << "\n" << result.out;
    expected_size += block.size();
  }
  EXPECT_EQ(result.out.size(), expected_size) << result.out;
}

TEST_F(TemplateCliTest, FileConnectorWritesTheRenderedText) {
  std::string out_dir = env.home().mkdir("out");
  CliResult result = stoq({"hash", "-F", input, "-T", "stdout.tpl", "-C", "file", "-O", out_dir});
  ASSERT_EQ(result.exit_code, 0) << result.describe();
  EXPECT_EQ(result.out, "");
  std::vector<fs::path> written = stoq_test::files_under(out_dir);
  ASSERT_EQ(written.size(), 1U);
  EXPECT_EQ(written[0].parent_path(), fs::path(out_dir) / "hash");
  EXPECT_EQ(written[0].extension(), ".stoq");
  EXPECT_EQ(stoq_test::read_file(written[0]), hash_summary(input, kFox) + "\n");

  // -O naming an existing file: the rendering is appended to it.
  std::string log = env.home().write("summaries.txt", "earlier\n");
  result = stoq({"hash", "-F", input, "-T", "stdout.tpl", "-C", "file", "-O", log});
  ASSERT_EQ(result.exit_code, 0) << result.describe();
  EXPECT_EQ(stoq_test::read_file(log), "earlier\n" + hash_summary(input, kFox) + "\n");
}

TEST_F(TemplateCliTest, MissingTemplateFailsBeforeAnyPayload) {
  CliResult result = stoq({"hash", "-F", input, "-T", "missing.tpl"});
  std::string path = (fs::path(STOQ_PLUGIN_DIR) / "worker/hash/templates/missing.tpl").string();
  expect_startup_failure(result, {"-T missing.tpl", "no template " + path, "stdout.tpl"});
  expect_startup_failure(stoq({"hash", "-F", input, "-T", "../hash.stoq"}), {"../hash.stoq", "'..'"});
  expect_startup_failure(stoq({"hash", "-F", input, "-T", "/etc/hostname"}), {"/etc/hostname", "absolute"});
  expect_startup_failure(stoq({"hash", "-F", input, "-T", ""}), {"--template: must not be empty"});
}

TEST_F(TemplateCliTest, WorkerWithoutTemplatesSaysSo) {
  TempDir plugins("stoq-plugins");
  std::string root = hash_plugin_with(plugins, {});
  fs::remove_all(fs::path(root) / "worker/hash/templates");
  StoqEnv own({root});
  CliResult result = stoq_test::run_stoq(own, {"hash", "-F", input, "-T", "stdout.tpl"});
  expect_startup_failure(result, {root + "/worker/hash/templates/stdout.tpl", "no templates/ folder"});
}

TEST_F(TemplateCliTest, SyntaxErrorFailsBeforeAnyPayloadWithLineAndColumn) {
  TempDir plugins("stoq-plugins");
  std::string root = hash_plugin_with(plugins, {{"bad.tpl", "{{ results.tlp }}\nline two {% if %}\n"}});
  StoqEnv own({root});
  CliResult result = stoq_test::run_stoq(own, {"hash", "-F", input, "-T", "bad.tpl"});
  expect_startup_failure(result, {"-T bad.tpl"});
  std::regex located(std::regex_replace(root, std::regex(R"([.^$|()\[\]{}*+?\\])"), R"(\$&)") +
                     R"(/worker/hash/templates/bad\.tpl:2:[0-9]+: \S)");
  EXPECT_TRUE(std::regex_search(result.err, located)) << result.describe();
}

TEST_F(TemplateCliTest, TemplatesOfAPluginRootIncludeEachOther) {
  TempDir plugins("stoq-plugins");
  std::string root = hash_plugin_with(plugins, {{"mail.tpl", "{% include 'parts/line.tpl' %}\n"},
                                                {"parts/line.tpl",
                                                 "{{ results.results[0].scan.sha1 }} ({{ "
                                                 "results.tlp }})\n"}});
  StoqEnv own({root});
  CliResult result = stoq_test::run_stoq(own, {"hash", "-F", input, "-T", "mail.tpl", "--tlp", "amber"});
  ASSERT_EQ(result.exit_code, 0) << result.describe();
  EXPECT_EQ(result.out, stoq_test::expected_hashes(kFox).sha1 + " (amber)\n");
}

// A template that fails on a document: logged, and the results saved as JSON with an
// errors entry naming the template; the run goes on and succeeds.
TEST_F(TemplateCliTest, RenderErrorSavesTheJsonWithTheError) {
  TempDir plugins("stoq-plugins");
  std::string root = hash_plugin_with(plugins, {{"broken.tpl",
                                                 "size {{ results.results[0].size }}\n"
                                                 "{{ results.no_such_key.deeper }}\n"}});
  StoqEnv own({root});
  CliResult result = stoq_test::run_stoq(own, {"hash", "-F", input, "-T", "broken.tpl"});
  EXPECT_EQ(result.exit_code, 0) << result.describe();
  std::vector<OJson> docs = stoq_test::documents_of(result);
  ASSERT_EQ(docs.size(), 1U) << result.describe();
  EXPECT_EQ(docs[0]["results"][0]["sha1"], stoq_test::expected_hashes(kFox).sha1);
  ASSERT_TRUE(docs[0].contains("errors")) << docs[0].dump(2);
  ASSERT_EQ(docs[0]["errors"].size(), 1U);
  const OJson& error = docs[0]["errors"][0];
  EXPECT_EQ(error["plugin"], "template:broken.tpl");
  EXPECT_EQ(error["payload_id"], 0);
  EXPECT_TRUE(contains(error["error"].get<std::string>(), "broken.tpl:2:")) << error.dump();
  EXPECT_TRUE(contains(result.err, "template broken.tpl failed")) << result.describe();

  // --flatten: the template sees flattened keys, and the error is flattened like the rest.
  result = stoq_test::run_stoq(own, {"hash", "-F", input, "-T", "broken.tpl", "--flatten"});
  EXPECT_EQ(result.exit_code, 0) << result.describe();
  docs = stoq_test::documents_of(result);
  ASSERT_EQ(docs.size(), 1U) << result.describe();
  EXPECT_EQ(docs[0]["errors:0:plugin"], "template:broken.tpl") << docs[0].dump(2);
  EXPECT_EQ(docs[0]["results:0:sha1"], stoq_test::expected_hashes(kFox).sha1);
}

TEST_F(TemplateCliTest, FlattenedAndSplitDocumentsAreWhatTheTemplateSees) {
  TempDir plugins("stoq-plugins");
  std::string root = hash_plugin_with(plugins, {{"flat.tpl", "{{ results['results:0:scan:sha1'] }}\n"},
                                                {"split.tpl", "{{ results.filename }} {{ results.payloads }}\n"}});
  StoqEnv own({root});
  CliResult result = stoq_test::run_stoq(own, {"hash", "-F", input, "-T", "flat.tpl", "--flatten"});
  ASSERT_EQ(result.exit_code, 0) << result.describe();
  EXPECT_EQ(result.out, stoq_test::expected_hashes(kFox).sha1 + "\n");
  result = stoq_test::run_stoq(own, {"hash", "-F", input, "-T", "split.tpl", "--split"});
  ASSERT_EQ(result.exit_code, 0) << result.describe();
  EXPECT_EQ(result.out, "fox.txt 1\n");  // --split: the entry itself, plus date, payloads, …
}

}  // namespace

// Exec plugins (docs/exec-plugins.md): the two shipped examples, every category that
// takes and returns data, and a child that crashes, hangs, writes garbage, exits,
// exceeds memory_limit or does not read its input. The real stoq CLI runs most of them;
// the PluginHarness calls readers, extractors, carvers and connectors directly. Expected
// values are computed here (C++, OpenSSL, coreutils), never taken from a plugin.
#include <gtest/gtest.h>

#include <cmath>
#include <map>

#include "hashes.hpp"
#include "run_cli.hpp"
#include "stoq/testing.hpp"

namespace stoq_test {
namespace {

const fs::path kExamples = fs::path(STOQ_SOURCE_DIR) / "docs" / "examples";
const fs::path kHelper = kExamples / "exec-python" / "byte_stats" / "stoq_exec.py";

std::string stoq_file(const std::string& name, const std::string& module, const std::string& options) {
  return "[Core]\nName = " + name + "\nModule = " + module +
         "\n\n[Documentation]\nAuthor = t\nVersion = 0.1\nWebsite = https://example.invalid\nDescription = test " +
         name + "\n\n[options]\n" + options + "\n";
}

const char* kWorkerOptions = "hashpayload = True\nsaveresults = True\n";

// A plugin tree: <root>/<category>/<name>/ as `stoq install` lays it out.
class PluginTree {
 public:
  [[nodiscard]] std::string root() const { return dir_.path(); }
  // Copies an example package folder (docs/examples/<pkg>/<name>) into <category>/<name>.
  void install_example(const std::string& package, const std::string& name, const std::string& category) const {
    fs::path target = dir_.root() / category / name;
    fs::create_directories(target.parent_path());
    fs::copy(kExamples / package / name, target, fs::copy_options::recursive);
  }
  // A plugin whose executable is `script` (a shebang script); python plugins get stoq_exec.py.
  void add(const std::string& category, const std::string& name, const std::string& script,
           const std::string& options = "", bool python_helper = false) const {
    std::string folder = category + "/" + name + "/";
    dir_.write(folder + name + ".stoq", stoq_file(name, "exec:./run", options));
    std::string path = dir_.write(folder + "run", script);
    fs::permissions(path, fs::perms::owner_all, fs::perm_options::add);
    if (python_helper) fs::copy_file(kHelper, dir_.path(folder + "stoq_exec.py"));
  }

 private:
  TempDir dir_{"stoq-exec"};
};

// A bash worker: answers init, then runs `on_scan` (with the payload in $tmp) per scan.
std::string bash_worker(const std::string& on_scan) {
  return "#!/usr/bin/env bash\n"
         "tmp=$(mktemp); trap 'rm -f \"$tmp\"' EXIT\n"
         "while IFS= read -r line; do\n"
         "  [[ $line =~ ^\\{\\\"op\\\":\\\"([a-z_]+)\\\",\\\"size\\\":([0-9]+) ]] || exit 9\n"
         "  head -c \"${BASH_REMATCH[2]}\" > \"$tmp\"\n"
         "  if [[ ${BASH_REMATCH[1]} == init ]]; then printf '{\"ok\":true}\\n'; continue; fi\n" +
         on_scan +
         "\n"
         "done\n";
}

std::string python_plugin(const std::string& body, const std::string& serve) {
  return "#!/usr/bin/env python3\nimport sys\nimport stoq_exec\n" + body + "\nstoq_exec.serve(" + serve + ")\n";
}

struct ExecRun {
  CliResult result;
  std::vector<OJson> documents;
};

ExecRun run_worker(const PluginTree& tree, const std::vector<std::string>& args, const std::string& extra_core = "") {
  StoqEnv env({tree.root()}, extra_core);
  ExecRun run;
  run.result = run_stoq(env, args, 120s);
  run.documents = documents_of(run.result);
  return run;
}

// The errors text of every document, joined.
std::string errors_of(const ExecRun& run) {
  std::string text;
  for (const OJson& document : run.documents) {
    if (document.contains("errors")) text += document["errors"].dump() + "\n";
  }
  return text;
}

double entropy_of(const std::string& data) {
  std::map<unsigned char, double> counts;
  for (char c : data) counts[static_cast<unsigned char>(c)] += 1;
  double entropy = 0;
  for (const auto& [byte, count] : counts) {
    double p = count / static_cast<double>(data.size());
    entropy -= p * std::log2(p);
  }
  return entropy;
}

TEST(ExecPlugins, PythonExampleReportsSizeEntropyAndTakesItsOptionFromTheCommandLine) {
  STOQ_NEED_TOOL("python3");
  PluginTree tree;
  tree.install_example("exec-python", "byte_stats", "worker");
  TempDir files;
  std::string data = "abracadabra, said the payload\n";
  std::string path = files.write("one.txt", data);
  ExecRun run = run_worker(tree, {"byte_stats", "-F", path, "--top-bytes", "1"});
  ASSERT_EQ(run.result.exit_code, 0) << run.result.describe();
  ASSERT_EQ(run.documents.size(), 1U) << run.result.describe();
  const OJson& entry = run.documents[0]["results"][0];
  EXPECT_EQ(entry["sha1"], digest_hex(EVP_sha1(), data));
  const OJson& scan = entry["scan"];
  EXPECT_EQ(scan["size"], data.size());
  EXPECT_NEAR(scan["entropy"].get<double>(), entropy_of(data), 1e-5);
  ASSERT_EQ(scan["top_bytes"].size(), 1U);  // --top-bytes 1 reached the plugin
  EXPECT_EQ(scan["top_bytes"][0]["byte"], static_cast<int>('a'));
  EXPECT_EQ(scan["top_bytes"][0]["count"], std::count(data.begin(), data.end(), 'a'));

  StoqEnv env({tree.root()});
  CliResult list = run_stoq(env, {"list"});
  EXPECT_TRUE(contains(list.out, "[exec]")) << list.out;
}

TEST(ExecPlugins, ShellExampleCountsAsWcDoes) {
  PluginTree tree;
  tree.install_example("exec-shell", "wc_counts", "worker");
  TempDir files;
  files.write("a", "one two\nthree\n");
  files.write("b", std::string(300000, 'x') + "\n y z\n");  // larger than a pipe buffer
  ExecRun run = run_worker(tree, {"wc_counts", "-F", files.path(), "-M", "1"});
  ASSERT_EQ(run.result.exit_code, 0) << run.result.describe();
  ASSERT_EQ(run.documents.size(), 2U) << run.result.describe();
  for (const OJson& document : run.documents) {
    const OJson& entry = document["results"][0];
    std::string counts = stoq::testing::run_command("wc -l -w -c < " + stoq::testing::shell_quote(entry["path"]));
    std::istringstream in(counts);
    long lines = 0;
    long words = 0;
    long bytes = 0;
    in >> lines >> words >> bytes;
    EXPECT_EQ(entry["scan"]["lines"], lines);
    EXPECT_EQ(entry["scan"]["words"], words);
    EXPECT_EQ(entry["scan"]["bytes"], bytes);
  }
}

TEST(ExecPlugins, OptionsFromTheStoqFileAndPluginOptArriveInInit) {
  STOQ_NEED_TOOL("python3");
  PluginTree tree;
  tree.add("worker", "opts",
           python_plugin("seen = {}\n"
                         "def init(options): seen.update(options)\n"
                         "def scan(payload, kwargs, options): return {'init': seen, 'env': "
                         "__import__('os').environ['STOQ_PLUGIN_CATEGORY']}\n",
                         "init=init, scan=scan"),
           std::string(kWorkerOptions) + "flag = True\nthreshold = 7\nnames_list = a, b\ngreeting = hello\n", true);
  TempDir files;
  std::string path = files.write("x", "x");
  ExecRun run = run_worker(tree, {"opts", "-F", path, "--plugin-opt", "opts:greeting=hi", "--threshold", "9"});
  ASSERT_EQ(run.result.exit_code, 0) << run.result.describe();
  const OJson& scan = run.documents.at(0)["results"][0]["scan"];
  EXPECT_EQ(scan["init"]["flag"], true);
  EXPECT_EQ(scan["init"]["threshold"], 9);
  EXPECT_EQ(scan["init"]["names_list"], OJson::array({"a", "b"}));
  EXPECT_EQ(scan["init"]["greeting"], "hi");
  EXPECT_EQ(scan["env"], "worker");
}

TEST(ExecPlugins, DecoderChildrenAreDispatchedAndScanned) {
  STOQ_NEED_TOOL("python3");
  PluginTree tree;
  tree.install_example("exec-shell", "wc_counts", "worker");
  tree.add("decoder", "rev",
           python_plugin("def decode(payload, kwargs, options): return [({'filename': 'reversed'}, payload[::-1])]",
                         "decode=decode"),
           "", true);
  TempDir files;
  std::string data = "REVME one two three\nfour";
  std::string path = files.write("r", data);
  std::string rules = files.write("rules.yar",
                                  "rule rev { meta: plugin = \"decoder:rev\" strings: $a = \"REVME\" "
                                  "condition: $a at 0 }\n");
  ExecRun run = run_worker(tree, {"wc_counts", "-D", "-F", path, "--hashpayload"}, "dispatch_rules = " + rules + "\n");
  ASSERT_EQ(run.result.exit_code, 0) << run.result.describe();
  ASSERT_EQ(run.documents.size(), 1U) << run.result.describe();
  const OJson& results = run.documents[0]["results"];
  ASSERT_EQ(results.size(), 2U) << run.documents[0].dump(2);
  std::string reversed(data.rbegin(), data.rend());
  EXPECT_EQ(results[1]["sha1"], digest_hex(EVP_sha1(), reversed));
  EXPECT_EQ(results[1]["scan"]["bytes"], reversed.size());
  EXPECT_FALSE(run.documents[0].contains("errors")) << run.documents[0].dump(2);
}

TEST(ExecPlugins, ReaderExtractorCarverThroughTheHarness) {
  STOQ_NEED_TOOL("python3");
  PluginTree tree;
  tree.add("reader", "upper",
           python_plugin("def read(payload, kwargs, options): return payload.decode().upper()", "read=read"), "", true);
  tree.add("extractor", "split",
           python_plugin("def extract(payload, kwargs, options):\n"
                         "    return [({'index': i}, part) for i, part in enumerate(payload.split(b'|'))]",
                         "extract=extract"),
           "", true);
  tree.add("carver", "mz",
           python_plugin("def carve(payload, kwargs, options):\n"
                         "    at = payload.find(b'MZ')\n"
                         "    return [] if at < 0 else [({'offset': at}, payload[at:])]",
                         "carve=carve"),
           "", true);
  TempDir work;
  stoq::testing::PluginHarness harness(work.path());
  auto& reader = harness.activate<stoq::Reader>(tree.root(), "upper");
  EXPECT_EQ(reader.read(stoq::testing::payload_of("mixed Case"), stoq::Json::object()), "MIXED CASE");

  auto& extractor = harness.activate<stoq::Extractor>(tree.root(), "split");
  stoq::ExtractedList parts = extractor.extract(stoq::testing::payload_of("ab|cde|"), stoq::Json::object());
  ASSERT_EQ(parts.size(), 3U);
  EXPECT_EQ(parts[1].payload.bytes().as_string_view(), "cde");
  EXPECT_EQ(parts[1].meta["index"], 1);
  EXPECT_EQ(parts[2].payload.size(), 0U);

  harness.mutable_limits().max_children = 2;  // three announced: the call fails, the next one works
  EXPECT_THROW(extractor.extract(stoq::testing::payload_of("a|b|c"), stoq::Json::object()), stoq::Error);
  EXPECT_EQ(extractor.extract(stoq::testing::payload_of("a|b"), stoq::Json::object()).size(), 2U);

  auto& carver = harness.activate<stoq::Carver>(tree.root(), "mz");
  stoq::ExtractedList carved =
      carver.carve(stoq::testing::payload_of(std::string_view("junkMZ\x90\x00rest", 12)), stoq::Json::object());
  ASSERT_EQ(carved.size(), 1U);
  EXPECT_EQ(carved[0].meta["offset"], 4);
  EXPECT_EQ(carved[0].payload.bytes().as_string_view(), std::string_view("MZ\x90\x00rest", 8));
}

TEST(ExecPlugins, DecoratorAndConnectorSaveAndGetFile) {
  STOQ_NEED_TOOL("python3");
  PluginTree tree;
  tree.install_example("exec-shell", "wc_counts", "worker");
  tree.add("decorator", "tagger",
           python_plugin("def decorate(results, options):\n"
                         "    results['decorated'] = {'entries': len(results['results']), 'tag': options['tag']}\n"
                         "    return results",
                         "decorate=decorate"),
           "tag = blue", true);
  TempDir out;
  tree.add("connector", "jsonl",
           python_plugin("import os\n"
                         "def save(kind, data, kwargs, options):\n"
                         "    with open(os.path.join(options['out_dir'], kind), 'ab') as f: f.write(data + b'\\n')\n"
                         "    return kind\n"
                         "def get_file(kwargs, options):\n"
                         "    with open(kwargs['path'], 'rb') as f: return f.read()\n",
                         "save=save, get_file=get_file"),
           "out_dir = " + out.path(), true);
  TempDir files;
  std::string path = files.write("p", "one two\n");
  ExecRun run = run_worker(tree, {"wc_counts", "-F", path, "-P", "tagger", "-C", "jsonl"});
  ASSERT_EQ(run.result.exit_code, 0) << run.result.describe();
  std::string saved = read_file(out.root() / "results");
  std::vector<OJson> documents = stoq::testing::parse_json_stream(saved);
  ASSERT_EQ(documents.size(), 1U) << saved;
  EXPECT_EQ(documents[0]["decorated"]["entries"], 1);
  EXPECT_EQ(documents[0]["decorated"]["tag"], "blue");
  EXPECT_EQ(documents[0]["results"][0]["scan"]["words"], 2);

  TempDir work;
  stoq::testing::PluginHarness harness(work.path());
  auto& connector = harness.activate<stoq::Connector>(tree.root(), "jsonl");
  std::string blob(200000, '\0');
  for (std::size_t i = 0; i < blob.size(); ++i) blob[i] = static_cast<char>(i * 7);
  std::string blob_path = files.write("blob", blob);
  stoq::Payload got = connector.get_file(stoq::Json{{"path", blob_path}});
  EXPECT_EQ(digest_hex(EVP_sha256(), got.bytes().as_string_view()), digest_hex(EVP_sha256(), blob));
  EXPECT_EQ(connector.save(stoq::Content::text("hi"), stoq::Json::object()), "text");
  EXPECT_EQ(read_file(out.root() / "text"), "hi\n");
}

// One faulty worker over three payloads, one worker thread: the first payload's call
// fails with `expected`, and the plugin is restarted for the next ones when it can be.
struct Faulty {
  std::string name;
  std::string on_scan;
  std::string expected;
  std::vector<std::string> extra_args;
};

// GoogleTest prints a parameter in the test's listing (and ctest's): its name, not its bytes.
void PrintTo(const Faulty& faulty, std::ostream* out) { *out << faulty.name; }

class ExecFailures : public ::testing::TestWithParam<Faulty> {};

TEST_P(ExecFailures, CostOneErrorsEntryAndTheProcessIsRestarted) {
  const Faulty& faulty = GetParam();
  PluginTree tree;
  // Fails on the payload whose first byte is F, answers {"size":N} otherwise.
  tree.add("worker", "faulty",
           bash_worker("  if [[ $(head -c 1 \"$tmp\") == F ]]; then\n" + faulty.on_scan +
                       "\n  fi\n"
                       "  printf '{\"ok\":true,\"result\":{\"size\":%d}}\\n' \"$(wc -c < \"$tmp\")\""),
           kWorkerOptions);
  TempDir files;
  files.write("1", "F first: fails\n");
  files.write("2", "second");
  files.write("3", "third!!");
  std::vector<std::string> args = {"faulty", "-F", files.path(), "-M", "1", "--call-timeout", "2"};
  args.insert(args.end(), faulty.extra_args.begin(), faulty.extra_args.end());
  auto started = Clock::now();
  ExecRun run = run_worker(tree, args);
  EXPECT_LT(Clock::now() - started, 30s);
  ASSERT_EQ(run.documents.size(), 3U) << run.result.describe();
  std::string errors = errors_of(run);
  EXPECT_TRUE(contains(errors, faulty.expected)) << errors << run.result.describe();
  if (faulty.name != "error") {
    EXPECT_TRUE(contains(errors, "exec plugin worker:faulty")) << errors;
  }
  for (const OJson& document : run.documents) {
    const OJson& entry = document["results"][0];
    if (entry["filename"] == "1") continue;
    EXPECT_EQ(entry["scan"]["size"], entry["size"]) << document.dump(2);  // later payloads succeed
  }
}

INSTANTIATE_TEST_SUITE_P(
    Faults, ExecFailures,
    ::testing::Values(Faulty{"crash", "kill -SEGV $$", "killed by SIGSEGV", {}},
                      Faulty{"hang", "sleep 60", "did not answer within 2 s", {}},
                      Faulty{"garbage", "echo 'this is not json'; continue", "not a JSON line: 'this is not json'", {}},
                      Faulty{"exits", "exit 3", "exited with status 3", {}},
                      Faulty{"error", "printf '{\"ok\":false,\"error\":\"no thanks\"}\\n'; continue", "no thanks", {}}),
    [](const ::testing::TestParamInfo<Faulty>& param) { return param.param.name; });

TEST(ExecPlugins, AChildThatDoesNotReadItsInputCannotBlockALargeWrite) {
  PluginTree tree;
  // Reads request lines only: a scan's payload bytes are never read.
  tree.add("worker", "deaf",
           "#!/usr/bin/env bash\n"
           "while IFS= read -r line; do\n"
           "  case $line in *'\"op\":\"init\"'*) printf '{\"ok\":true}\\n' ;; *) sleep 60 ;; esac\n"
           "done\n",
           kWorkerOptions);
  TempDir files;
  std::string path = files.write("big", std::string(8 << 20, 'x'));
  auto started = Clock::now();
  ExecRun run = run_worker(tree, {"deaf", "-F", path, "--call-timeout", "2"});
  EXPECT_LT(Clock::now() - started, 30s);
  ASSERT_EQ(run.documents.size(), 1U) << run.result.describe();
  EXPECT_TRUE(contains(errors_of(run), "did not read its input within 2 s")) << run.result.describe();
}

TEST(ExecPlugins, AChildThatExitsAfterEachCallIsRestartedAndEveryPayloadSucceeds) {
  PluginTree tree;
  tree.add("worker", "once",
           bash_worker("  printf '{\"ok\":true,\"result\":{\"size\":%d}}\\n' \"$(wc -c < \"$tmp\")\"; exit 0"),
           kWorkerOptions);
  TempDir files;
  for (int i = 1; i <= 4; ++i) files.write(std::to_string(i), std::string(static_cast<std::size_t>(i * 10), 'a'));
  ExecRun run = run_worker(tree, {"once", "-F", files.path(), "-M", "1"});
  ASSERT_EQ(run.documents.size(), 4U) << run.result.describe();
  EXPECT_EQ(errors_of(run), "") << run.result.describe();
  for (const OJson& document : run.documents) {
    EXPECT_EQ(document["results"][0]["scan"]["size"], document["results"][0]["size"]);
  }
}

TEST(ExecPlugins, MemoryLimitStopsAnAllocation) {
  STOQ_NEED_TOOL("python3");
  PluginTree tree;
  tree.add("worker", "hog",
           python_plugin("def scan(payload, kwargs, options):\n"
                         "    if payload.startswith(b'F'): return len(bytearray(2 << 30))\n"
                         "    return {'size': len(payload)}",
                         "scan=scan"),
           kWorkerOptions, true);
  TempDir files;
  files.write("1", "F");
  files.write("2", "fine");
  ExecRun run = run_worker(tree, {"hog", "-F", files.path(), "-M", "1", "--memory-limit", "1000000000"});
  ASSERT_EQ(run.documents.size(), 2U) << run.result.describe();
  EXPECT_TRUE(contains(errors_of(run), "MemoryError")) << errors_of(run);
}

TEST(ExecPlugins, RefusedInitAndSourcesAreClearErrors) {
  PluginTree tree;
  tree.add("worker", "refuses",
           "#!/usr/bin/env bash\nread -r line\nprintf '{\"ok\":false,\"error\":\"missing api key\"}\\n'\n",
           kWorkerOptions);
  tree.add("source", "pushy", "#!/bin/sh\nexit 0\n");
  TempDir files;
  std::string path = files.write("x", "x");
  ExecRun run = run_worker(tree, {"refuses", "-F", path});
  EXPECT_NE(run.result.exit_code, 0);
  EXPECT_TRUE(contains(run.result.err, "refused to start: missing api key")) << run.result.describe();
  StoqEnv env({tree.root()});
  CliResult list = run_stoq(env, {"list"});
  EXPECT_TRUE(contains(list.out, "not supported for source plugins")) << list.out;
}

}  // namespace
}  // namespace stoq_test

// Reading payloads and walking sources under bad conditions, with the real bin/stoq:
// a file that shrinks while it is mapped (SIGBUS), a multi-hundred-MiB file hashed at
// small resident memory, FIFOs given as paths, and directories that cannot be read
// (run as an unprivileged user through setpriv when the tests run as root).
#include <fcntl.h>
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <signal.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "hashes.hpp"
#include "run_cli.hpp"

namespace {

namespace fs = std::filesystem;
using stoq_test::CliProcess;
using stoq_test::CliResult;
using stoq_test::contains;
using stoq_test::OJson;
using stoq_test::StoqEnv;
using namespace std::chrono_literals;

// The result entry (results[0]) of the document whose path ends with `name`.
const OJson* entry_for(const std::vector<OJson>& documents, const std::string& name) {
  for (const OJson& document : documents) {
    const OJson& entry = document["results"][0];
    if (entry.value("path", std::string()).ends_with("/" + name)) return &entry;
  }
  return nullptr;
}

const OJson* document_for(const std::vector<OJson>& documents, const std::string& name) {
  for (const OJson& document : documents) {
    if (document["results"][0].value("path", std::string()).ends_with("/" + name)) return &document;
  }
  return nullptr;
}

bool maps_file(pid_t pid, const std::string& path) {
  std::ifstream maps("/proc/" + std::to_string(pid) + "/maps");
  for (std::string line; std::getline(maps, line);) {
    if (line.ends_with(" " + path)) return true;
  }
  return false;
}

// Regression (SIGBUS): the file is truncated while stoq has it mapped and is hashing
// it. stoq is stopped (SIGSTOP) as soon as the mapping exists, so the truncation lands
// before the read ends whatever the machine's speed.
TEST(PayloadReading, AFileThatShrinksWhileMappedIsAnErrorEntryAndTheRunGoesOn) {
  StoqEnv env({}, "max_payload_size = 4294967296\n");
  std::string small = env.home().write("in/a_small.txt", "small and steady");
  std::string big = env.home().path("in/big.bin");
  constexpr std::uintmax_t kBigSize = 512ULL << 20;
  { std::ofstream(big, std::ios::binary); }
  fs::resize_file(big, kBigSize);  // sparse: hashing it takes seconds, writing it none

  stoq_test::SpawnOptions options;
  options.env = env.env();
  CliProcess stoq(STOQ_CLI, env.args({"hash", "-M", "1", "-F", env.home().path("in")}), options);
  auto deadline = stoq_test::Clock::now() + 60s;
  while (!maps_file(stoq.pid(), big) && stoq_test::Clock::now() < deadline) std::this_thread::sleep_for(1ms);
  ASSERT_TRUE(maps_file(stoq.pid(), big)) << "stoq never mapped " << big;
  stoq.send(SIGSTOP);
  fs::resize_file(big, 0);
  stoq.send(SIGCONT);
  CliResult result = stoq.finish(120s);

  EXPECT_EQ(result.term_signal, 0) << result.describe();
  EXPECT_EQ(result.exit_code, 0) << result.describe();
  std::vector<OJson> documents = stoq_test::documents_of(result);
  ASSERT_EQ(documents.size(), 2U) << result.describe();
  const OJson* shrunk = document_for(documents, "big.bin");
  ASSERT_NE(shrunk, nullptr) << result.describe();
  ASSERT_TRUE(shrunk->contains("errors")) << shrunk->dump(2);
  EXPECT_EQ((*shrunk)["errors"][0]["plugin"], "connector:file");
  EXPECT_EQ((*shrunk)["errors"][0]["error"], big + ": the file shrank from " + std::to_string(kBigSize) +
                                                 " bytes while it was read; results cover zero-filled bytes");
  const OJson* steady = entry_for(documents, "a_small.txt");
  ASSERT_NE(steady, nullptr);
  EXPECT_EQ((*steady)["sha256"], stoq_test::expected_hashes("small and steady").sha256);
  EXPECT_FALSE(document_for(documents, "a_small.txt")->contains("errors"));
}

// sha256 of `size` zero bytes, streamed with OpenSSL (independent of stoq's hashing).
std::string sha256_of_zeros(std::uintmax_t size) {
  EVP_MD_CTX* context = EVP_MD_CTX_new();
  EVP_DigestInit_ex(context, EVP_sha256(), nullptr);
  std::vector<unsigned char> zeros(1 << 20, 0);
  for (std::uintmax_t left = size; left > 0;) {
    std::size_t piece = static_cast<std::size_t>(std::min<std::uintmax_t>(left, zeros.size()));
    EVP_DigestUpdate(context, zeros.data(), piece);
    left -= piece;
  }
  return stoq_test::finish_digest_hex(context);
}

// Regression (memory): a large mapped file is hashed block by block, its pages released
// behind, so peak RSS stays far below the file's size (a 5 GiB file took 5.25 GB).
TEST(PayloadReading, HashingALargeFileKeepsResidentMemorySmall) {
  StoqEnv env({}, "max_payload_size = 4294967296\n");
  std::string big = env.home().path("in/large.bin");
  fs::create_directories(env.home().path("in"));
  constexpr std::uintmax_t kSize = 768ULL << 20;
  { std::ofstream(big, std::ios::binary); }
  fs::resize_file(big, kSize);

  std::vector<std::string> args = env.args({"hash", "-F", big, "-C", "file", "-O", env.home().path("out")});
  std::vector<char*> argv{const_cast<char*>(STOQ_CLI)};
  for (std::string& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  std::string home = "STOQ_HOME=" + env.home().root().string();
  std::vector<char*> envp{home.data(), nullptr};
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  pid_t pid = -1;
  ASSERT_EQ(::posix_spawn(&pid, STOQ_CLI, &actions, nullptr, argv.data(), envp.data()), 0);
  posix_spawn_file_actions_destroy(&actions);
  int status = 0;
  rusage usage{};
  ASSERT_EQ(::wait4(pid, &status, 0, &usage), pid);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "status " << status;

  constexpr long kBoundKiB = 160 * 1024;  // generous: the file is 768 MiB
  EXPECT_LT(usage.ru_maxrss, kBoundKiB) << "peak RSS " << usage.ru_maxrss << " KiB";
  std::vector<fs::path> saved = stoq_test::files_under(env.home().path("out"));
  ASSERT_EQ(saved.size(), 1U);
  OJson document = OJson::parse(stoq_test::read_file(saved[0]));
  EXPECT_EQ(document["results"][0]["sha256"], sha256_of_zeros(kSize));
  EXPECT_EQ(document["results"][0]["size"], kSize);
}

// A FIFO given as a path never blocks: as the rules file, or as the file to scan.
TEST(PayloadReading, FifosGivenAsPathsAreRefusedNotOpened) {
  StoqEnv env;
  std::string fifo = env.home().path("fifo");
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  std::string file = env.home().write("in/a.txt", "text");

  CliResult rules = stoq_test::run_stoq(env, {"yara", "-r", fifo, "-F", file}, 30s);
  EXPECT_FALSE(rules.timed_out) << rules.describe();
  EXPECT_NE(rules.exit_code, 0) << rules.describe();
  EXPECT_TRUE(contains(rules.err, fifo + " is not a regular file or a directory")) << rules.describe();

  CliResult scanned = stoq_test::run_stoq(env, {"hash", "-F", fifo}, 30s);
  EXPECT_FALSE(scanned.timed_out) << scanned.describe();
  std::vector<OJson> documents = stoq_test::documents_of(scanned);
  ASSERT_EQ(documents.size(), 1U) << scanned.describe();
  EXPECT_TRUE(contains(documents[0]["errors"][0]["error"].get<std::string>(),
                       "not a regular file: " + fifo + " (a FIFO, skipped)"))
      << documents[0].dump(2);
}

// Lets the unprivileged user below write results and logs in the home and read its files.
void open_to_all(const StoqEnv& env) {
  for (const auto& item : fs::recursive_directory_iterator(env.home().root())) {
    fs::permissions(item.path(), fs::perms::all, fs::perm_options::add);
  }
  fs::permissions(env.home().root(), fs::perms::all, fs::perm_options::add);
}

// Runs stoq like run_stoq, but as an unprivileged user when the tests run as root, for
// whom every directory is readable (setpriv, util-linux).
CliResult run_stoq_unprivileged(const StoqEnv& env, const std::vector<std::string>& args) {
  stoq_test::SpawnOptions options;
  options.env = env.env();
  if (::geteuid() != 0) return stoq_test::run_cli(env.args(args), options);
  std::vector<std::string> wrapped{"--reuid=65534", "--regid=65534", "--clear-groups", "--", STOQ_CLI};
  for (const std::string& arg : env.args(args)) wrapped.push_back(arg);
  CliProcess process("/usr/bin/setpriv", wrapped, options);
  return process.finish(60s);
}

void lock(const std::string& directory) { fs::permissions(directory, fs::perms::none); }

// As root, the unprivileged user must be able to run the build's stoq at all (a checkout
// under a private home is not reachable): an environment capability, so a skip.
bool unprivileged_user_can_run_stoq() {
  if (::geteuid() != 0) return true;
  stoq_test::SpawnOptions options;
  CliProcess process("/usr/bin/setpriv",
                     {"--reuid=65534", "--regid=65534", "--clear-groups", "--", STOQ_CLI, "--version"}, options);
  return process.finish(30s).exit_code == 0;
}
#define NEED_UNPRIVILEGED_STOQ()                                                                 \
  do {                                                                                           \
    if (!unprivileged_user_can_run_stoq()) GTEST_SKIP() << "user 65534 cannot run " << STOQ_CLI; \
  } while (0)

TEST(SourceDirectories, AnUnreadableTopDirectoryStopsTheRunWithAMessage) {
  NEED_UNPRIVILEGED_STOQ();
  StoqEnv env;
  env.home().write("in/a.txt", "a");
  std::string input = env.home().path("in");
  open_to_all(env);
  lock(input);
  CliResult result = run_stoq_unprivileged(env, {"hash", "-F", input});
  fs::permissions(input, fs::perms::owner_all);
  EXPECT_NE(result.exit_code, 0) << result.describe();
  EXPECT_TRUE(contains(result.err, "cannot read directory " + input + ": Permission denied")) << result.describe();
  EXPECT_TRUE(stoq_test::documents_of(result).empty()) << result.describe();
}

TEST(SourceDirectories, AnUnreadableSubdirectoryIsAWarningAndTheWalkGoesOn) {
  NEED_UNPRIVILEGED_STOQ();
  StoqEnv env;
  env.home().write("in/a.txt", "a");
  env.home().write("in/locked/hidden_from_us.txt", "b");
  env.home().write("in/open/c.txt", "c");
  std::string input = env.home().path("in");
  std::string locked = env.home().path("in/locked");
  open_to_all(env);
  lock(locked);
  CliResult result = run_stoq_unprivileged(env, {"hash", "-F", input, "--plugin-opt", "filedir:recursive=true"});
  fs::permissions(locked, fs::perms::owner_all);
  EXPECT_EQ(result.exit_code, 0) << result.describe();
  EXPECT_TRUE(contains(result.err, "cannot read directory " + locked + ": Permission denied (skipped)"))
      << result.describe();
  std::vector<OJson> documents = stoq_test::documents_of(result);
  EXPECT_EQ(documents.size(), 2U) << result.describe();
  EXPECT_NE(entry_for(documents, "a.txt"), nullptr);
  EXPECT_NE(entry_for(documents, "c.txt"), nullptr);
}

}  // namespace

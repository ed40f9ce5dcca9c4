// connector:s3 against the S3 stand-in scripts/services.sh starts (s3rver on
// 127.0.0.1:4569, bucket stoq, keys S3RVER/S3RVER). What stoq stored is read back with
// the curl command line (its own SigV4), not with our client.
#include <gtest/gtest.h>

#include <random>
#include <set>

#include "run_cli.hpp"

namespace {
namespace fs = std::filesystem;
using namespace stoq_test;
using namespace std::chrono_literals;
using stoq::Json;

const std::string kEndpoint = "http://127.0.0.1:4569";

bool s3_answers() {
  int status = -1;
  (void)stoq::testing::run_command("curl -s -o /dev/null --max-time 5 " + kEndpoint + "/", &status);
  return status == 0;
}

#define STOQ_NEED_S3()                                                                             \
  do {                                                                                             \
    STOQ_NEED_TOOL("curl");                                                                        \
    if (!s3_answers()) STOQ_MISSING("no S3 stand-in on 127.0.0.1:4569 (make test starts s3rver)"); \
  } while (0)

// GET (or list, with a query) through curl's own SigV4 signing.
std::string curl_get(const std::string& path, int* status = nullptr) {
  // The SHA-256 of the empty body: curl 7.88 signs it but does not send it, as S3 wants.
  const std::string empty_sha256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
  return stoq::testing::run_command(
      "curl -s -f --aws-sigv4 aws:amz:us-east-1:s3 --user S3RVER:S3RVER -H "
      "'x-amz-content-sha256: " +
          empty_sha256 + "' '" + kEndpoint + "/stoq/" + path + "'",
      status);
}

struct S3Test : ::testing::Test {
  StoqEnv env;
  TempDir data{"stoq-s3"};
  std::string prefix = "test-" + std::to_string(std::random_device()() % 1000000000U) + "/";

  std::vector<std::string> s3_options() const {
    return {"--plugin-opt", "s3:endpoint=" + kEndpoint,           "--plugin-opt", "s3:bucket_name=stoq",
            "--plugin-opt", "s3:results_prefix=" + prefix + "r/", "--plugin-opt", "s3:archive_prefix=" + prefix + "a/"};
  }
  SpawnOptions spawn() const {
    SpawnOptions options;
    options.env = env.env();
    options.env["AWS_ACCESS_KEY_ID"] = "S3RVER";
    options.env["AWS_SECRET_ACCESS_KEY"] = "S3RVER";
    options.timeout = 120s;
    return options;
  }
  CliResult stoq(std::vector<std::string> args) const {
    std::vector<std::string> options = s3_options();
    args.insert(args.end(), options.begin(), options.end());
    return run_cli(env.args(args), spawn());
  }
  /// The keys under `under`, from the bucket listing.
  static std::vector<std::string> keys(const std::string& under) {
    std::string listing = curl_get("?prefix=" + under);
    std::vector<std::string> found;
    for (std::size_t at = listing.find("<Key>"); at != std::string::npos; at = listing.find("<Key>", at + 1)) {
      found.push_back(listing.substr(at + 5, listing.find("</Key>", at) - at - 5));
    }
    return found;
  }
};

TEST_F(S3Test, ResultsAreObjectsPerWorkerAndPayload) {
  STOQ_NEED_S3();
  std::set<std::string> expected;
  for (int i = 0; i < 4; ++i) {
    std::string content = "object " + std::to_string(i);
    data.write("in/" + std::to_string(i), content);
    expected.insert(stoq::compute_hashes(stoq::ByteView(content)).sha1);
  }
  CliResult run = stoq({"hash", "-F", data.path("in"), "-C", "s3"});
  ASSERT_EQ(run.exit_code, 0) << run.describe();
  std::vector<std::string> stored = keys(prefix + "r/hash/");
  ASSERT_EQ(stored.size(), 4U) << curl_get("?prefix=" + prefix);
  std::set<std::string> got;
  for (const std::string& key : stored) {
    EXPECT_EQ(key.substr(key.size() - 5), ".json") << key;
    got.insert(Json::parse(curl_get(key))["results"][0]["sha1"].get<std::string>());
  }
  EXPECT_EQ(got, expected);
}

// Queue mode across machines: the publisher archives to S3, the originals are gone, the
// worker fetches each payload from the bucket by sha1.
TEST_F(S3Test, PublisherArchivesAndWorkersFetchFromTheBucket) {
  STOQ_NEED_S3();
  int redis = -1;
  (void)stoq::testing::run_command("redis-cli -p 6379 ping", &redis);
  if (redis != 0) STOQ_MISSING("no Redis on 127.0.0.1:6379 (the queue of this test)");
  std::string list = "stoq-s3-test-" + prefix.substr(5, prefix.size() - 6);
  std::map<std::string, std::string> sha1_of;
  for (int i = 0; i < 3; ++i) {
    std::string content = std::string("payload\0", 8) + std::to_string(i);
    sha1_of[data.write("in/p" + std::to_string(i), content)] = stoq::compute_hashes(stoq::ByteView(content)).sha1;
  }
  CliResult published = stoq({"publisher", "-F", data.path("in"), "-q", "redis", "-w", list, "-A", "s3"});
  ASSERT_EQ(published.exit_code, 0) << published.describe();
  fs::remove_all(data.path("in"));
  std::vector<std::string> args = env.args({"hash", "-I", "redis", "-Q", list, "-C", "stdout"});
  std::vector<std::string> options = s3_options();
  args.insert(args.end(), options.begin(), options.end());
  CliProcess worker(STOQ_CLI, args, spawn());
  ASSERT_TRUE(
      worker.wait_for([](const std::string& out, const std::string&) { return count_documents(out) >= 3; }, 60s))
      << worker.err();
  worker.send(SIGTERM);
  CliResult result = worker.finish(60s);
  std::set<std::string> fetched;
  for (const OJson& doc : parse_json_stream(result.out)) {
    EXPECT_EQ(doc["results"][0]["archive"], "s3");
    EXPECT_FALSE(doc.contains("errors")) << doc.dump();
    fetched.insert(doc["results"][0]["sha1"].get<std::string>());
  }
  std::set<std::string> expected;
  for (const auto& [path, sha1] : sha1_of) expected.insert(sha1);
  EXPECT_EQ(fetched, expected);
  (void)stoq::testing::run_command("redis-cli -p 6379 del " + list + " " + list + "-errors");
}

TEST_F(S3Test, GetFileByEveryHash) {
  STOQ_NEED_S3();
  std::string content("bytes\0with\xff nul", 15);
  std::string path = data.write("x.bin", content);
  CliResult run = stoq({"hash", "-F", path, "-A", "s3", "-C", "stdout"});
  ASSERT_EQ(run.exit_code, 0) << run.describe();
  stoq::Hashes hashes = stoq::compute_hashes(stoq::ByteView(content));
  EXPECT_EQ(curl_get(prefix + "a/" + hashes.sha1), content) << "the archived object is the payload";
  EXPECT_EQ(curl_get(prefix + "a/md5/" + hashes.md5), hashes.sha1);

  ::setenv("AWS_ACCESS_KEY_ID", "S3RVER", 1);
  ::setenv("AWS_SECRET_ACCESS_KEY", "S3RVER", 1);
  TempDir work;
  stoq::testing::PluginHarness harness(work.path());
  auto& s3 = harness.activate<stoq::Connector>(
      STOQ_PLUGIN_DIR, "s3", {{"endpoint", kEndpoint}, {"bucket_name", "stoq"}, {"archive_prefix", prefix + "a/"}});
  EXPECT_EQ(s3.get_file(Json{{"sha1", hashes.sha1}}).bytes().as_string_view(), content);
  EXPECT_EQ(s3.get_file(Json{{"md5", hashes.md5}}).bytes().as_string_view(), content);
  EXPECT_EQ(s3.get_file(Json{{"sha256", hashes.sha256}}).bytes().as_string_view(), content);
  EXPECT_EQ(s3.get_file(Json{{"sha512", hashes.sha512}}).bytes().as_string_view(), content);
  EXPECT_THROW(s3.get_file(Json{{"sha1", std::string(40, 'a')}}), stoq::Error);
}

TEST_F(S3Test, UnreachableServerAndMissingBucketAreOneLine) {
  std::string path = data.write("a.txt", "a");
  SpawnOptions options = spawn();
  CliResult down = run_cli(env.args({"hash", "-F", path, "-C", "s3", "--plugin-opt", "s3:endpoint=http://127.0.0.1:1",
                                     "--plugin-opt", "s3:retries=1"}),
                           options);
  EXPECT_EQ(down.exit_code, 2) << down.describe();
  EXPECT_NE(down.err.find("127.0.0.1:1"), std::string::npos) << down.err;
  EXPECT_EQ(down.err.find("S3RVER"), std::string::npos) << "no credentials in messages";
  STOQ_NEED_S3();
  CliResult missing = run_cli(env.args({"hash", "-F", path, "-C", "s3", "--plugin-opt", "s3:endpoint=" + kEndpoint,
                                        "--plugin-opt", "s3:bucket_name=no-such-bucket"}),
                              options);
  EXPECT_EQ(missing.exit_code, 2) << missing.describe();
  EXPECT_NE(missing.err.find("bucket no-such-bucket does not exist"), std::string::npos) << missing.err;
}

// The original s3.stoq (access_key, secret_key, bucket_name) loads unchanged; the keys
// come from the environment, the endpoint from the command line.
TEST_F(S3Test, OriginalStoqFileWorks) {
  STOQ_NEED_S3();
  std::string original = STOQ_SHARED_DIR "/corpus/stoq-configs/connector/s3.stoq";
  STOQ_NEED_PATH(original);
  TempDir plugins{"stoq-s3-plugins"};
  std::string folder = plugins.mkdir("connector/s3");
  fs::copy_file(std::string(STOQ_PLUGIN_DIR) + "/connector/s3/s3.so", folder + "/s3.so");
  fs::copy_file(original, folder + "/s3.stoq");
  StoqEnv original_env({plugins.path(), STOQ_PLUGIN_DIR});
  std::string path = data.write("o.txt", "original");
  SpawnOptions options = spawn();
  options.env["STOQ_HOME"] = original_env.home().root().string();
  CliResult run = run_cli(
      original_env.args({"hash", "-F", path, "-C", "s3", "--plugin-opt", "s3:endpoint=" + kEndpoint, "--plugin-opt",
                         "s3:bucket_name=stoq", "--plugin-opt", "s3:results_prefix=" + prefix + "o/"}),
      options);
  ASSERT_EQ(run.exit_code, 0) << run.describe();
  EXPECT_EQ(keys(prefix + "o/hash/").size(), 1U);
}

}  // namespace

// connector:mongodb. No MongoDB server installs here (not in Debian 12, and the npm
// packages download one at run time), so: the documents are checked offline against
// Python's bson codec (python3-bson, pymongo's), the failures people meet first are
// checked for real, and the round trip against a server runs where one is given in
// STOQ_TEST_MONGODB_URI.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <random>

#include "mongo_documents.hpp"
#include "run_cli.hpp"

namespace {
namespace fs = std::filesystem;
using namespace stoq_test;
using namespace std::chrono_literals;
using stoq::Json;
using stoq::plugins::mongodb::to_bson;

// The BSON bytes of `document`, decoded by Python's bson and printed back as JSON.
Json decoded_by_python(const stoq::plugins::mongodb::BsonPtr& document, const TempDir& dir) {
  std::string path = dir.path("doc.bson");
  std::ofstream(path, std::ios::binary)
      .write(reinterpret_cast<const char*>(bson_get_data(document.get())), document->len);
  int status = -1;
  std::string out = stoq::testing::run_command(
      "/usr/bin/python3 -c 'import bson, json, sys; "
      "print(json.dumps(bson.decode(open(sys.argv[1], \"rb\").read()), default=str))' " +
          path,
      &status);
  EXPECT_EQ(status, 0) << out;
  return Json::parse(out);
}

TEST(MongoDocuments, BsonAsPythonReadsItWithKeysSanitised) {
  STOQ_NEED_PATH("/usr/lib/python3/dist-packages/bson/__init__.py");
  TempDir dir{"stoq-mongodb"};
  Json document = Json::parse(R"({
      "results": [{"sha1": "a9993e364706816aba3e25717850c26c9cd0d89d", "size": 3, "big": 1099511627776,
                   "ratio": 0.25, "ok": true, "none": null,
                   "scan": {"a.b": 1, "$where": "x", "two words": [1, "é", {"c.d": false}]}}],
      "payloads": 1, "tlp": "white"})");
  Json expected = Json::parse(R"({
      "results": [{"sha1": "a9993e364706816aba3e25717850c26c9cd0d89d", "size": 3, "big": 1099511627776,
                   "ratio": 0.25, "ok": true, "none": null,
                   "scan": {"a_b": 1, "_where": "x", "two_words": [1, "é", {"c_d": false}]}}],
      "payloads": 1, "tlp": "white"})");
  EXPECT_EQ(decoded_by_python(to_bson(document), dir), expected);

  bson_oid_t id;
  bson_oid_init_from_string(&id, "0123456789abcdef01234567");
  Json with_id = decoded_by_python(to_bson(document, &id), dir);
  EXPECT_EQ(with_id.begin().key(), "_id") << "_id first";
  EXPECT_EQ(with_id["_id"], "0123456789abcdef01234567");
  with_id.erase("_id");
  EXPECT_EQ(with_id, expected);
}

TEST(MongoDocuments, InvalidUtf8IsReplacedNotFatal) {
  Json document = {{"name", std::string("caf\xe9", 4)}};
  EXPECT_NO_THROW((void)to_bson(document));
}

// The password in the URI never reaches a message; the run stops before any payload.
TEST(MongoDbConnector, UnreachableServerIsOneLineWithoutThePassword) {
  StoqEnv env;
  TempDir data{"stoq-mongodb"};
  std::string path = data.write("a.txt", "a");
  CliResult run =
      run_stoq(env,
               {"hash", "-F", path, "-C", "mongodb", "--plugin-opt", "mongodb:conn=mongodb://stoq:hunter2@127.0.0.1:1/",
                "--plugin-opt", "mongodb:connect_timeout=1"},
               60s);
  EXPECT_EQ(run.exit_code, 2) << run.describe();
  EXPECT_NE(run.err.find("cannot connect to mongodb://stoq:***@127.0.0.1:1/"), std::string::npos) << run.err;
  EXPECT_EQ(run.err.find("hunter2"), std::string::npos) << run.err;
}

// The original mongodb.stoq (conn = mongodb://localhost:27017/) loads unchanged; conn
// keeps its meaning (nothing listens there: activation names it).
TEST(MongoDbConnector, OriginalStoqFileLoads) {
  std::string original = STOQ_SHARED_DIR "/corpus/stoq-configs/connector/mongodb.stoq";
  STOQ_NEED_PATH(original);
  TempDir plugins{"stoq-mongodb-plugins"};
  std::string folder = plugins.mkdir("connector/mongodb");
  fs::copy_file(std::string(STOQ_PLUGIN_DIR) + "/connector/mongodb/mongodb.so", folder + "/mongodb.so");
  fs::copy_file(original, folder + "/mongodb.stoq");
  TempDir work;
  stoq::testing::PluginHarness harness(work.path());
  try {
    harness.activate<stoq::Connector>(plugins.path(), "mongodb", {{"connect_timeout", "1"}});
    GTEST_SKIP() << "a MongoDB server answers on localhost:27017";
  } catch (const stoq::Error& error) {
    EXPECT_NE(std::string(error.what()).find("cannot connect to mongodb://localhost:27017/"), std::string::npos)
        << error.what();
  }
}

// Against a real server (STOQ_TEST_MONGODB_URI=mongodb://host:27017/): results, the GridFS
// archive, get_file by every hash, and a second archive of the same payload.
TEST(MongoDbConnector, RoundTripAgainstAServer) {
  const char* uri = std::getenv("STOQ_TEST_MONGODB_URI");
  if (uri == nullptr) GTEST_SKIP() << "no MongoDB server: set STOQ_TEST_MONGODB_URI to run this test";
  TempDir work;
  stoq::testing::PluginHarness harness(work.path());
  std::string suffix = std::to_string(std::random_device()() % 1000000);
  auto& connector = harness.activate<stoq::Connector>(
      STOQ_PLUGIN_DIR, "mongodb",
      {{"conn", uri}, {"database", "stoq_test" + suffix}, {"gridfs_database", "stoq_test_gridfs" + suffix}});
  std::string content("archived\0bytes", 14);
  stoq::Hashes hashes = stoq::compute_hashes(stoq::ByteView(content));
  Json kwargs = {{"archive", true},         {"sha1", hashes.sha1},     {"md5", hashes.md5},
                 {"sha256", hashes.sha256}, {"sha512", hashes.sha512}, {"filename", "a.bin"}};
  EXPECT_EQ(connector.save(stoq::Content::bytes(stoq::ByteView(content)), kwargs), hashes.sha1);
  EXPECT_EQ(connector.save(stoq::Content::bytes(stoq::ByteView(content)), kwargs), hashes.sha1);
  for (const char* hash : {"sha1", "md5", "sha256", "sha512"}) {
    EXPECT_EQ(connector.get_file(Json{{hash, kwargs[hash]}}).bytes().as_string_view(), content) << hash;
  }
  EXPECT_THROW(connector.get_file(Json{{"sha1", std::string(40, '0')}}), stoq::Error);
  Json document = {{"results", Json::array({Json{{"sha1", hashes.sha1}, {"scan", {{"a.b", 1}}}}})}};
  Json id = connector.save(stoq::Content::results(document), Json{{"index", "hash"}});
  EXPECT_EQ(id.get<std::string>().size(), 24U);
}

}  // namespace

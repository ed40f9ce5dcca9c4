#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <thread>

#include "stoq/testing.hpp"

namespace {

using stoq::Content;
using stoq::Json;
using stoq::testing::PluginHarness;
using stoq::testing::TempDir;

// Redirects the process's stdout into a file for the lifetime of the object.
class CapturedStdout {
 public:
  explicit CapturedStdout(const std::string& path) : path_(path), saved_((std::fflush(stdout), ::dup(STDOUT_FILENO))) {
    FILE* file = std::fopen(path.c_str(), "w");
    ::dup2(::fileno(file), STDOUT_FILENO);
    std::fclose(file);
  }
  std::string finish() {
    std::fflush(stdout);
    ::dup2(saved_, STDOUT_FILENO);
    ::close(saved_);
    std::ifstream in(path_);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }

 private:
  std::string path_;
  int saved_ = -1;
};

TEST(StdoutConnector, PrintsResultsIndentedByFour) {
  TempDir dir;
  PluginHarness harness(dir.path());
  auto& connector = harness.activate<stoq::Connector>(STOQ_PLUGIN_DIR, "stdout");
  Json document = {{"results", Json::array({Json{{"scan", {{"a", 1}}}}})}, {"payloads", 1}};
  CapturedStdout capture(dir.path() + "/out");
  connector.save(Content::results(document), Json::object());
  std::string text = capture.finish();
  EXPECT_EQ(text, stoq::dump_json(document, 4) + "\n");
  EXPECT_NE(text.find("\n    \"results\""), std::string::npos);
}

// -T: rendered text is printed as it is, plus one newline (the original's print()).
TEST(StdoutConnector, PrintsTextAsItIsPlusOneNewline) {
  TempDir dir;
  PluginHarness harness(dir.path());
  auto& connector = harness.activate<stoq::Connector>(STOQ_PLUGIN_DIR, "stdout");
  CapturedStdout capture(dir.path() + "/out");
  connector.save(Content::text("fox.txt\n    sha1  abc\n"), Json{{"index", "hash"}});
  connector.save(Content::text("no newline"), Json::object());
  connector.save(Content::text(""), Json::object());
  connector.save(Content::text(R"({"not": "re-encoded"})"), Json::object());
  EXPECT_EQ(capture.finish(), "fox.txt\n    sha1  abc\n\nno newline\n\n{\"not\": \"re-encoded\"}\n");
}

TEST(StdoutConnector, RefusesToArchive) {
  TempDir dir;
  PluginHarness harness(dir.path());
  auto& connector = harness.activate<stoq::Connector>(STOQ_PLUGIN_DIR, "stdout");
  stoq::Bytes bytes{'x'};
  EXPECT_THROW(connector.save(Content::bytes(stoq::ByteView(bytes)), Json{{"archive", true}}), stoq::Error);
}

TEST(StdoutConnector, ConcurrentInstancesNeverInterleave) {
  TempDir dir;
  PluginHarness harness(dir.path());
  constexpr int kThreads = 4;
  constexpr int kDocuments = 50;
  std::vector<stoq::Connector*> connectors;
  connectors.reserve(kThreads);
  for (int i = 0; i < kThreads; ++i)
    connectors.push_back(&harness.activate<stoq::Connector>(STOQ_PLUGIN_DIR, "stdout"));
  CapturedStdout capture(dir.path() + "/out");
  std::vector<std::thread> threads;
  threads.reserve(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kDocuments; ++i) {
        Json document = {{"thread", t}, {"index", i}, {"padding", std::string(2000, 'p')}};
        connectors[static_cast<std::size_t>(t)]->save(Content::results(document), Json::object());
      }
    });
  }
  for (auto& thread : threads) thread.join();
  std::vector<Json> documents = stoq::testing::parse_json_stream(capture.finish());
  ASSERT_EQ(documents.size(), static_cast<std::size_t>(kThreads * kDocuments));
  for (const Json& document : documents) EXPECT_EQ(document["padding"].get<std::string>().size(), 2000U);
}

// Points descriptor 1 at `path` opened with `flags` for the lifetime of the object.
class RedirectedStdout {
 public:
  RedirectedStdout(const char* path, int flags) : saved_((std::fflush(stdout), ::dup(STDOUT_FILENO))) {
    int fd = ::open(path, flags);
    ::dup2(fd, STDOUT_FILENO);
    ::close(fd);
  }
  ~RedirectedStdout() {
    ::dup2(saved_, STDOUT_FILENO);
    ::close(saved_);
  }
  RedirectedStdout(const RedirectedStdout&) = delete;
  RedirectedStdout& operator=(const RedirectedStdout&) = delete;

 private:
  int saved_;
};

// A document that cannot be printed is an error the framework sees, never a silent loss.
TEST(StdoutConnector, AFailedWriteThrows) {
  TempDir dir;
  PluginHarness harness(dir.path());
  auto& connector = harness.activate<stoq::Connector>(STOQ_PLUGIN_DIR, "stdout");
  RedirectedStdout full("/dev/full", O_WRONLY);
  try {
    connector.save(Content::results(Json{{"a", 1}}), Json::object());
    FAIL() << "writing to /dev/full succeeded";
  } catch (const stoq::Error& e) {
    EXPECT_EQ(std::string(e.what()), "cannot write to stdout: No space left on device");
  }
}

// A stdout the caller closed (the CLI puts a read-only /dev/null there) refuses the run.
TEST(StdoutConnector, AClosedStdoutRefusesToActivate) {
  TempDir dir;
  PluginHarness harness(dir.path());
  RedirectedStdout closed("/dev/null", O_RDONLY);
  try {
    harness.activate<stoq::Connector>(STOQ_PLUGIN_DIR, "stdout");
    FAIL() << "activated without a usable stdout";
  } catch (const std::exception& e) {
    EXPECT_NE(std::string(e.what()).find("stdout is closed or read-only"), std::string::npos) << e.what();
  }
}

}  // namespace

// The worker half of the queue-mode round trip the store tests run: the payloads were
// published with `-A <store>` and their files deleted, so a worker can only have fetched
// them from the store. Runs the worker until every payload's document is out, stops it
// (SIGTERM), and checks each came through `store`, without errors, with the expected
// sha1s. Needs run_cli.hpp (tests/integration on the include path).
#pragma once

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "run_cli.hpp"

namespace sql_test {

inline void expect_worker_fetches_from(const std::string& store, const std::vector<std::string>& worker_args,
                                       const stoq_test::SpawnOptions& options, const std::set<std::string>& expected) {
  using namespace std::chrono_literals;
  stoq_test::CliProcess worker(STOQ_CLI, worker_args, options);
  bool done = worker.wait_for(
      [&](const std::string& out, const std::string&) { return stoq_test::count_documents(out) == expected.size(); },
      60s);
  worker.send(SIGTERM);
  stoq_test::CliResult result = worker.finish(60s);
  ASSERT_TRUE(done) << result.describe();
  std::set<std::string> hashed;
  for (const stoq::Json& document : stoq_test::documents_of(result)) {
    EXPECT_FALSE(document.contains("errors")) << document.dump();
    EXPECT_EQ(document["results"][0]["archive"], store) << document.dump();
    hashed.insert(document["results"][0]["scan"]["sha1"].get<std::string>());
  }
  EXPECT_EQ(hashed, expected);
}

}  // namespace sql_test

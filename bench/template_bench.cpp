// Template engine micro-benchmarks (Google Benchmark), part of stoq_bench:
//
//   BM_template_parse          parse + check a 40-line human-summary template
//   BM_template_render_summary render it against a results document of N entries,
//                              each with a YARA-shaped scan (N = 1, 100)
//
// bench/compare-jinja2.py renders the same template with python3-jinja2 for
// a side-by-side figure (see bench/README.md).
#include <benchmark/benchmark.h>

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

#include "stoq/json.hpp"
#include "stoq/template.hpp"

namespace {

// The template lives beside this file so that compare-jinja2.py renders the same text.
std::string summary_template() {
  std::ifstream in(STOQ_BENCH_SOURCE_DIR "/summary.tpl");
  std::stringstream text;
  text << in.rdbuf();
  if (text.str().empty()) throw std::runtime_error("cannot read " STOQ_BENCH_SOURCE_DIR "/summary.tpl");
  return text.str();
}

stoq::Json results_document(int entries) {
  stoq::Json results = stoq::Json::array();
  for (int i = 0; i < entries; ++i) {
    stoq::Json scan = stoq::Json::array();
    for (int r = 0; r < 3; ++r) {
      scan.push_back({{"rule", "Rule_" + std::to_string((i * 7 + r) % 11)},
                      {"meta", {{"author", "analyst"}, {"score", r * 10}, {"description", "a rule that matched"}}},
                      {"tags", {"pe", "packed"}},
                      {"namespace", "default"}});
    }
    results.push_back({{"payload_id", i},
                       {"filename", "sample-" + std::to_string(i) + ".exe"},
                       {"size", 1000 + i * 37},
                       {"sha1", std::string(40, 'a')},
                       {"sha256", std::string(64, 'b')},
                       {"scan", scan},
                       {"plugin", "yara"}});
  }
  return {{"results", {{"results", results}, {"payloads", entries}, {"tlp", "white"}, {"date", "2026-11-29"}}}};
}

void BM_template_parse(benchmark::State& state) {
  stoq::templating::Environment environment{std::filesystem::path()};
  const std::string source = summary_template();
  for (auto _ : state) benchmark::DoNotOptimize(environment.from_string(source, "summary.tpl"));
}
BENCHMARK(BM_template_parse);

void BM_template_render_summary(benchmark::State& state) {
  stoq::templating::Environment environment{std::filesystem::path()};
  const std::string source = summary_template();
  auto tmpl = environment.from_string(source, "summary.tpl");
  stoq::Json vars = results_document(static_cast<int>(state.range(0)));
  std::size_t bytes = 0;
  for (auto _ : state) {
    std::string out = tmpl->render(vars);
    bytes += out.size();
    benchmark::DoNotOptimize(out);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(bytes));
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_template_render_summary)->Arg(1)->Arg(100);

}  // namespace

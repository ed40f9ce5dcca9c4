// worker:strings and worker:xorsearch scanners side by side with what they replace,
// in one run (bench/strings_xorsearch.sh builds the input and runs this):
//   BM_strings_scan/<encoding>      StringScanner over the input, in memory
//   BM_gnu_strings/<encoding>       GNU `strings -a [-e l]` on the same file, a process
//                                   per iteration (what a worker shelling out would pay)
//   BM_xorsearch_one_pass           XorSearcher: every term, XOR 00-FF, ROL 1-7, ROT 1-25
//   BM_xorsearch_naive_keys         the naive loop: decode the whole input under each of
//                                   those 288 keys, then look for every term (XORSearch's way)
// Input: STOQ_BENCH_INPUT (a file; default: the strelka fixtures concatenated) and
// STOQ_BENCH_TERMS (a terms file; default: the xorsearch worker's terms.txt).
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "string_scanner.hpp"
#include "xor_scanner.hpp"

namespace {

namespace fs = std::filesystem;
namespace st = stoq::plugins::worker::strings;
namespace xs = stoq::plugins::worker::xorsearch;

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::string input_path() {
  const char* path = std::getenv("STOQ_BENCH_INPUT");
  return path != nullptr ? path : "";
}

const std::string& input() {
  static const std::string bytes = read_file(input_path());
  return bytes;
}

const std::vector<std::string>& terms() {
  static const std::vector<std::string> list = [] {
    const char* path = std::getenv("STOQ_BENCH_TERMS");
    return xs::parse_terms(read_file(path != nullptr ? path : STOQ_XORSEARCH_TERMS));
  }();
  return list;
}

void BM_strings_scan(benchmark::State& state) {
  auto encoding = static_cast<st::StringEncoding>(state.range(0));
  stoq::ByteView bytes(input());
  std::size_t found = 0;
  for (auto _ : state) {
    st::StringScanner scanner(bytes, encoding, 4);
    found = 0;
    while (scanner.next()) ++found;
    benchmark::DoNotOptimize(found);
  }
  state.SetLabel(std::string(st::encoding_name(encoding)) + ", " + std::to_string(found) + " strings");
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * bytes.size()));
}
BENCHMARK(BM_strings_scan)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_gnu_strings(benchmark::State& state) {
  bool utf16 = state.range(0) == 1;
  std::string command = std::string("strings -a ") + (utf16 ? "-e l " : "") + "'" + input_path() + "' > /dev/null";
  for (auto _ : state) {
    if (std::system(command.c_str()) != 0) state.SkipWithError("strings failed");
  }
  state.SetLabel(utf16 ? "GNU strings -a -e l" : "GNU strings -a");
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * input().size()));
}
BENCHMARK(BM_gnu_strings)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_xorsearch_one_pass(benchmark::State& state) {
  xs::SearchSettings settings;
  settings.max_hits = 1U << 30;
  xs::XorSearcher searcher(terms(), settings);
  stoq::ByteView bytes(input());
  std::size_t hits = 0;
  for (auto _ : state) {
    hits = searcher.search(bytes).hits.size();
    benchmark::DoNotOptimize(hits);
  }
  state.SetLabel(std::to_string(terms().size()) + " terms, " + std::to_string(hits) + " hits");
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * bytes.size()));
}
BENCHMARK(BM_xorsearch_one_pass)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_xorsearch_naive_keys(benchmark::State& state) {
  const std::string& bytes = input();
  std::string decoded(bytes.size(), '\0');
  std::size_t hits = 0;
  for (auto _ : state) {
    hits = 0;
    for (xs::Operation operation : {xs::Operation::Xor, xs::Operation::Rol, xs::Operation::Rot}) {
      for (unsigned key = xs::first_key(operation); key <= xs::last_key(operation); ++key) {
        if (operation == xs::Operation::Xor && key == 0) continue;  // plain text: not reported
        auto k = static_cast<std::uint8_t>(key);
        std::transform(bytes.begin(), bytes.end(), decoded.begin(), [operation, k](char c) {
          return static_cast<char>(xs::decode_byte(operation, k, static_cast<std::uint8_t>(c)));
        });
        for (const std::string& term : terms()) {
          for (std::size_t at = decoded.find(term); at != std::string::npos; at = decoded.find(term, at + 1)) ++hits;
        }
      }
    }
    benchmark::DoNotOptimize(hits);
  }
  state.SetLabel(std::to_string(terms().size()) + " terms, " + std::to_string(hits) + " hits");
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * bytes.size()));
}
BENCHMARK(BM_xorsearch_naive_keys)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (input_path().empty() || input().empty()) {
    std::fprintf(stderr, "set STOQ_BENCH_INPUT to a non-empty file (bench/strings_xorsearch.sh does)\n");
    return 2;
  }
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}

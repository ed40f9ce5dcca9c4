// Micro-benchmarks of the per-payload hot path of stoq (Google Benchmark).
//
//   hashing        compute_hashes (md5+sha1+sha256+sha512 in one pass), 64 B .. 1 MiB
//   file read      read_file_payload of a small file (the file connector's get_file)
//   results        one results document built as engine/pipeline.cpp builds it, and
//                  its dump_json(indent 4) (what the file and stdout connectors write)
//   flatten/split  lifecycle::flatten / lifecycle::split of that document
//   ini            config::parse_ini of a typical .stoq and of a typical stoq.cfg
//   queue          engine::MessageQueue push/pop, one thread and producer/consumer
//
// Extra hash sizes: STOQ_BENCH_HASH_BYTES=4321,777 adds BM_compute_hashes/<n> for each
// (bench/run-corpus.sh passes the mean small-file size of its corpus).
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <thread>

#include "config/ini.hpp"
#include "engine/queue.hpp"
#include "lifecycle/results.hpp"
#include "stoq/json.hpp"
#include "stoq/payload.hpp"

namespace {

stoq::Bytes random_bytes(std::size_t size, std::uint64_t seed = 20151118) {
  std::mt19937_64 generator(seed);
  stoq::Bytes bytes(size);
  for (auto& b : bytes) b = static_cast<std::uint8_t>(generator());
  return bytes;
}

// ---------------------------------------------------------------------------------- hashing

void BM_compute_hashes(benchmark::State& state) {
  stoq::Bytes bytes = random_bytes(static_cast<std::size_t>(state.range(0)));
  for (auto _ : state) {
    stoq::Hashes hashes = stoq::compute_hashes(stoq::ByteView(bytes));
    benchmark::DoNotOptimize(hashes);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * state.range(0));
}
BENCHMARK(BM_compute_hashes)->Arg(64)->Arg(4 << 10)->Arg(64 << 10)->Arg(1 << 20);

// -------------------------------------------------------------------------------- file read

class TempFile {
 public:
  explicit TempFile(std::size_t size) {
    path_ = (std::filesystem::temp_directory_path() /
             ("stoq-bench-" + std::to_string(::getpid()) + "-" + std::to_string(size) + ".bin"))
                .string();
    stoq::Bytes bytes = random_bytes(size);
    std::ofstream(path_, std::ios::binary)
        .write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  }
  ~TempFile() { std::filesystem::remove(path_); }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  [[nodiscard]] const std::string& path() const { return path_; }

 private:
  std::string path_;
};

void BM_read_file_payload(benchmark::State& state) {
  auto size = static_cast<std::size_t>(state.range(0));
  TempFile file(size);
  for (auto _ : state) {
    stoq::Payload payload = stoq::read_file_payload(file.path(), std::size_t{1} << 30);
    benchmark::DoNotOptimize(payload.bytes().data());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * size));
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(BM_read_file_payload)->Arg(64)->Arg(4 << 10);

// ---------------------------------------------------------------------------------- results

// The message filedir puts and the hashes of a 4 KiB payload.
const stoq::Json& sample_message() {
  static const stoq::Json message = {{"path", "/data/corpus/small/007/s007123.bin"}, {"archive", "file"}};
  return message;
}

const stoq::Hashes& sample_hashes() {
  static const stoq::Hashes hashes = stoq::compute_hashes(stoq::ByteView(random_bytes(4096)));
  return hashes;
}

// What engine::Pipeline (fetch, archive_and_hash, scan, process) builds for
// `stoq hash -F <file>` with hashpayload, step for step, without the plugin calls.
// The entry and document are built by the same lifecycle functions the pipeline calls.
stoq::Json build_document(const stoq::Json& message, const stoq::Hashes& hashes) {
  using stoq::Json;
  const std::string worker = "hash";
  const Json metadata = Json::object();
  const std::string tlp = "white";
  // fetch
  Json entry = Json::object();
  entry["archive"] = message["archive"].get<std::string>();
  std::string path = message["path"].get<std::string>();
  entry["path"] = path;
  entry["filename"] = std::filesystem::path(path).filename().string();
  // archive_and_hash
  Json archived = Json::object();
  entry["md5"] = hashes.md5;
  entry["sha1"] = hashes.sha1;
  entry["sha256"] = hashes.sha256;
  entry["sha512"] = hashes.sha512;
  entry.update(archived);
  // scan: worker:hash
  Json scanned = Json::object();
  scanned["md5"] = hashes.md5;
  scanned["sha1"] = hashes.sha1;
  scanned["sha256"] = hashes.sha256;
  scanned["sha512"] = hashes.sha512;
  Json items = Json::array();
  items.push_back(std::move(scanned));
  // process
  Json uuids = Json::array();
  uuids.push_back(stoq::lifecycle::new_uuid());
  Json result =
      stoq::lifecycle::finish_entry(std::move(entry), std::move(items[0]), uuids, worker, 4096, message, metadata);
  Json document = stoq::lifecycle::make_document(std::move(result), worker, tlp);
  return document;
}

void BM_results_build(benchmark::State& state) {
  for (auto _ : state) {
    stoq::Json document = build_document(sample_message(), sample_hashes());
    benchmark::DoNotOptimize(document);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(BM_results_build);

void BM_results_dump_json(benchmark::State& state) {
  stoq::Json document = build_document(sample_message(), sample_hashes());
  std::size_t bytes = 0;
  for (auto _ : state) {
    std::string text = stoq::dump_json(document, 4);
    bytes += text.size();
    benchmark::DoNotOptimize(text);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(bytes));
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(BM_results_dump_json);

void BM_results_build_and_dump(benchmark::State& state) {
  for (auto _ : state) {
    std::string text = stoq::dump_json(build_document(sample_message(), sample_hashes()), 4);
    benchmark::DoNotOptimize(text);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(BM_results_build_and_dump);

void BM_new_uuid(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(stoq::lifecycle::new_uuid());
}
BENCHMARK(BM_new_uuid);

void BM_iso_now(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(stoq::lifecycle::iso_now());
}
BENCHMARK(BM_iso_now);

void BM_flatten(benchmark::State& state) {
  stoq::Json document = build_document(sample_message(), sample_hashes());
  for (auto _ : state) {
    stoq::Json flat = stoq::lifecycle::flatten(document, ":");
    benchmark::DoNotOptimize(flat);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(BM_flatten);

void BM_split(benchmark::State& state) {
  stoq::Json document = build_document(sample_message(), sample_hashes());
  for (auto _ : state) {
    std::vector<stoq::Json> documents = stoq::lifecycle::split(document);
    benchmark::DoNotOptimize(documents);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(BM_split);

// -------------------------------------------------------------------------------------- ini

constexpr const char* kStoqManifest = R"([Core]
Name = hash
Module = hash

[Documentation]
Author = stoq developers (after Wesley Shields' original)
Version = 0.2
Website = https://github.com/PUNCH-Cyber/stoq-plugins-public
Description = Hash content

[options]
hashpayload = True
saveresults = True
# Any of md5, sha1, sha256, sha512, ssdeep
hashes_list = md5, sha1, sha256, sha512
max_tlp = amber
ratelimit = 10/1
)";

constexpr const char* kStoqCfg = R"([core]
base_dir = /opt/stoq
temp_dir = %(base_dir)s/temp
results_dir = %(base_dir)s/results
log_dir = %(base_dir)s/logs
archive_base = %(base_dir)s/archive
log_level = INFO
log_maxbytes = 1500000
log_backup_count = 5
plugin_dir_list = %(base_dir)s/plugins, /usr/lib/stoq/plugins
default_connector = file
default_source = filedir
max_recursion = 3
max_queue = 100
url_prefix_tuple = http:\/\/, https:\/\/
source_base_tuple = /data,
    /srv/samples
useragent = Mozilla/5.0 (Windows; U; Windows NT 5.1; en-US; rv:1.8.1.1)
default_tlp = white
; the ratio for a percent sign is written %%
)";

void BM_ini_parse_stoq(benchmark::State& state) {
  std::string_view text(kStoqManifest);
  for (auto _ : state) {
    stoq::config::IniFile file = stoq::config::parse_ini(text, "hash.stoq");
    benchmark::DoNotOptimize(file);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * text.size()));
}
BENCHMARK(BM_ini_parse_stoq);

void BM_ini_parse_stoq_cfg(benchmark::State& state) {
  std::string_view text(kStoqCfg);
  for (auto _ : state) {
    stoq::config::IniFile file = stoq::config::parse_ini(text, "stoq.cfg");
    benchmark::DoNotOptimize(file);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * text.size()));
}
BENCHMARK(BM_ini_parse_stoq_cfg);

// ------------------------------------------------------------------------------------ queue

stoq::engine::Envelope make_envelope(std::size_t i) {
  return {stoq::Json{{"path", "/data/corpus/small/000/s" + std::to_string(i) + ".bin"}, {"archive", "file"}},
          [](const stoq::Outcome&) {}};
}

// One thread: push then pop (uncontended lock, no waiting). The envelope is built
// outside the timed loop and moved back and forth.
void BM_queue_push_pop(benchmark::State& state) {
  stoq::engine::MessageQueue queue(100);
  stoq::engine::Envelope envelope = make_envelope(1);
  for (auto _ : state) {
    queue.push(envelope);
    std::optional<stoq::engine::Envelope> out = queue.pop();
    envelope = std::move(*out);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(BM_queue_push_pop);

// A source thread building filedir-like messages and one consumer thread, capacity
// 100 (the max_queue default): messages/s through the queue including construction.
void BM_queue_producer_consumer(benchmark::State& state) {
  constexpr std::size_t kBatch = 10000;
  for (auto _ : state) {
    stoq::engine::MessageQueue queue(100);
    std::thread consumer([&] {
      std::size_t acked = 0;
      while (auto envelope = queue.pop()) {
        envelope->ack(stoq::Outcome{true, {}});
        ++acked;
      }
      benchmark::DoNotOptimize(acked);
    });
    for (std::size_t i = 0; i < kBatch; ++i) {
      stoq::engine::Envelope envelope = make_envelope(i);
      queue.push(envelope);
    }
    queue.close();
    consumer.join();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * kBatch));
}
BENCHMARK(BM_queue_producer_consumer)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

int main(int argc, char** argv) {
  if (const char* extra = std::getenv("STOQ_BENCH_HASH_BYTES"); extra != nullptr) {
    std::string list(extra);
    std::size_t start = 0;
    while (start < list.size()) {
      std::size_t comma = list.find(',', start);
      std::string item = list.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
      char* end = nullptr;
      long long bytes = std::strtoll(item.c_str(), &end, 10);
      if (end != item.c_str() && bytes > 0) {
        benchmark::RegisterBenchmark("BM_compute_hashes", BM_compute_hashes)->Arg(bytes);
      }
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
  }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}

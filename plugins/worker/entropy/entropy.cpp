// worker:entropy: the Shannon entropy (bits per byte, 0 to 8) of a payload, whole and
// per fixed-size block, as analysts use it to spot packed or encrypted regions.
//
//   H = -sum over byte values b of p(b) * log2 p(b),   p(b) = count(b) / n
//
// One pass over the bytes, in pieces (payload.read_sequentially), so a memory-mapped
// payload of any size adds only one piece to resident memory.
//
// Results: entropy (of the bytes read), bytes_scanned, truncated (max_bytes cut the
// payload) and, unless block_size is 0: block_size, block_count, block_min, block_max
// (over every block; null without blocks) and blocks, the entropies of the first
// max_blocks blocks (block i starts at i * block_size; the last may be shorter).
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "stoq/plugin.hpp"

namespace stoq::plugins::worker::entropy {
namespace {

constexpr std::size_t kReadPiece = 1U << 20;
constexpr std::int64_t kMaxBlockSize = 1LL << 30;

// Byte counts of a run of bytes, and the Shannon entropy they give.
class ByteHistogram {
 public:
  void add(std::span<const std::uint8_t> bytes) {
    for (std::uint8_t byte : bytes) ++counts_[byte];  // a uint8_t always indexes 256 entries
    total_ += bytes.size();
  }
  [[nodiscard]] std::uint64_t total() const { return total_; }
  void clear() {
    counts_.fill(0);
    total_ = 0;
  }
  // H = log2(n) - (1/n) * sum c*log2(c): one log per byte value present.
  [[nodiscard]] double entropy() const {
    if (total_ == 0) return 0.0;
    double n = static_cast<double>(total_);
    double sum = 0.0;
    for (std::uint64_t count : counts_) {
      if (count == 0) continue;
      double c = static_cast<double>(count);
      sum += c * std::log2(c);
    }
    double h = std::log2(n) - sum / n;
    return h < 0.0 ? 0.0 : h;  // rounding can leave -0.0 or -1e-16 for a single byte value
  }

 private:
  std::array<std::uint64_t, 256> counts_{};
  std::uint64_t total_ = 0;
};

// The per-block half of a scan: cuts the byte stream into blocks of `block_size`
// (the last one may be shorter), keeps the first `max_blocks` entropies and the
// minimum and maximum over all blocks.
class BlockEntropies {
 public:
  BlockEntropies(std::size_t block_size, std::size_t max_blocks) : block_size_(block_size), max_blocks_(max_blocks) {}

  void add(std::span<const std::uint8_t> bytes) {
    while (!bytes.empty()) {
      std::size_t room = block_size_ - current_.total();
      std::size_t take = std::min(room, bytes.size());
      current_.add(bytes.first(take));
      bytes = bytes.subspan(take);
      if (current_.total() == block_size_) close_block();
    }
  }
  // Closes the last, partial block.
  void finish() {
    if (current_.total() > 0) close_block();
  }
  [[nodiscard]] Json to_json() const {
    Json blocks = Json::array();
    for (double value : reported_) blocks.push_back(value);
    Json out = {{"block_size", block_size_}, {"block_count", count_}};
    out["block_min"] = count_ > 0 ? Json(min_) : Json(nullptr);
    out["block_max"] = count_ > 0 ? Json(max_) : Json(nullptr);
    out["blocks"] = std::move(blocks);
    return out;
  }

 private:
  void close_block() {
    double value = current_.entropy();
    current_.clear();
    min_ = std::min(min_, value);
    max_ = std::max(max_, value);
    if (reported_.size() < max_blocks_) reported_.push_back(value);
    ++count_;
  }

  std::size_t block_size_;
  std::size_t max_blocks_;
  ByteHistogram current_;
  std::vector<double> reported_;
  std::uint64_t count_ = 0;
  double min_ = std::numeric_limits<double>::infinity();
  double max_ = 0.0;
};

std::size_t non_negative(const Options& options, const char* name, std::int64_t upper) {
  std::int64_t value = options.get_int(name);
  if (value < 0 || value > upper) {
    throw Error(std::string(name) + " must be between 0 and " + std::to_string(upper) + ", got " +
                std::to_string(value));
  }
  return static_cast<std::size_t>(value);
}

}  // namespace

class EntropyWorker final : public Worker {
 public:
  bool activate(Stoq& /*stoq*/) override {
    block_size_ = non_negative(options(), "block_size", kMaxBlockSize);
    max_blocks_ = non_negative(options(), "max_blocks", std::numeric_limits<std::int32_t>::max());
    max_bytes_ = non_negative(options(), "max_bytes", std::numeric_limits<std::int64_t>::max());
    return true;
  }

  Json scan(const Payload& payload, const Json& /*kwargs*/) override {
    if (payload.is_none()) throw Error("entropy needs a payload: give a file or directory with -F");
    std::size_t limit = max_bytes_ == 0 ? payload.size() : std::min(max_bytes_, payload.size());
    ByteHistogram whole;
    BlockEntropies blocks(block_size_ == 0 ? 1 : block_size_, max_blocks_);
    std::size_t seen = 0;
    payload.read_sequentially(kReadPiece, [&](ByteView piece) {
      std::span<const std::uint8_t> bytes = piece.head(limit - seen).span();
      whole.add(bytes);
      if (block_size_ > 0) blocks.add(bytes);
      seen += bytes.size();
      return seen < limit;
    });
    blocks.finish();
    Json results = {{"entropy", whole.entropy()}, {"bytes_scanned", seen}, {"truncated", seen < payload.size()}};
    if (block_size_ > 0) results.update(blocks.to_json());
    return results;
  }

 private:
  std::size_t block_size_ = 0;
  std::size_t max_blocks_ = 0;
  std::size_t max_bytes_ = 0;
};

constexpr stoq_option_spec kOptions[] = {
    {"block_size", STOQ_OPTION_INT, "1024", "Bytes per block for the per-block entropies (0: whole payload only).",
     'b'},
    {"max_blocks", STOQ_OPTION_INT, "256",
     "Report the entropy of at most this many blocks (block_min and block_max still cover every block).", 0},
    {"max_bytes", STOQ_OPTION_INT, "1073741824", "Read at most this many bytes of a payload (0: all of it).", 0},
};

}  // namespace stoq::plugins::worker::entropy

STOQ_PLUGIN(stoq::plugins::worker::entropy::EntropyWorker, "entropy", "0.1",
            "Shannon entropy of a payload, whole and per block", stoq::plugins::worker::entropy::kOptions)

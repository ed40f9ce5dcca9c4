#include "collector.hpp"

#include <algorithm>
#include <array>
#include <utility>

namespace stoq::plugins::extractor::decompress {

MemberWriter::MemberWriter(Collector& collector) : collector_(collector), writer_(collector.stoq_.new_child()) {}

bool MemberWriter::write(ByteView bytes, std::uint64_t compressed) {
  if (!error_.empty()) return false;
  const ExtractionLimits& limits = collector_.limits_;
  if (limits.expired()) {
    error_ = "deadline reached";
    collector_.stop_reason_ = "deadline reached: remaining members not extracted";
    return false;
  }
  std::uint64_t room =
      limits.max_total_bytes > collector_.total_bytes_ ? limits.max_total_bytes - collector_.total_bytes_ : 0;
  bool over_total = bytes.size() > room;
  ByteView part = over_total ? bytes.head(static_cast<std::size_t>(room)) : bytes;
  std::uint64_t before = writer_.size();
  bool fits = writer_.write(part);
  std::uint64_t added = writer_.size() - before;
  written_ += added;
  collector_.total_bytes_ += added;
  if (over_total) {
    error_ = "max_total_bytes reached";
    collector_.stop_reason_ = "max_total_bytes reached: remaining members not extracted";
    return false;
  }
  if (!fits) {
    error_ = "max_child_size reached";
    return false;
  }
  if (limits.ratio_exceeded(written_, compressed)) {
    error_ = "compression ratio limit";
    return false;
  }
  return true;
}

bool MemberWriter::write_zeros(std::uint64_t count, std::uint64_t compressed) {
  static const std::array<std::uint8_t, 65536> kZeros{};
  while (count > 0) {
    std::size_t piece = static_cast<std::size_t>(std::min<std::uint64_t>(count, kZeros.size()));
    if (!write(ByteView(kZeros.data(), piece), compressed)) return false;
    count -= piece;
  }
  return true;
}

void MemberWriter::finish(Json meta) {
  if (!meta.contains("size")) meta["size"] = written_;
  if (!error_.empty()) {
    meta["truncated"] = true;
    meta["error"] = error_;
  }
  collector_.children_.emplace_back(std::move(meta), writer_.finish());
}

bool Collector::room_for_another() {
  if (stop_reason_.empty()) {
    if (children_.size() >= limits_.max_children) {
      stop_reason_ = "max_children reached: remaining members not extracted";
    } else if (total_bytes_ >= limits_.max_total_bytes && limits_.max_total_bytes > 0) {
      stop_reason_ = "max_total_bytes reached: remaining members not extracted";
    } else if (limits_.expired()) {
      stop_reason_ = "deadline reached: remaining members not extracted";
    }
  }
  if (stop_reason_.empty()) return true;
  note_stop(stop_reason_);
  return false;
}

void Collector::record(Json meta) { children_.emplace_back(std::move(meta), Payload(Bytes{})); }

void Collector::note_stop(const std::string& reason) {
  if (!children_.empty()) children_.back().meta["stopped"] = reason;
}

}  // namespace stoq::plugins::extractor::decompress

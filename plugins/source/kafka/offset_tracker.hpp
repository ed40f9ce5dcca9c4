// The offsets source:kafka has read and not yet committed, per partition: which are
// acknowledged (saved) and which are still in flight. Only the contiguous acknowledged
// prefix of a partition is ever committed, so a message that was not saved is never
// skipped: at-least-once. Header-only (plain logic, no librdkafka) so the tests use it
// directly. Owned by the thread that runs ingest(); not thread-safe.
#pragma once

#include <compare>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace stoq::plugins::kafka {

struct PartitionKey {
  std::string topic;
  std::int32_t partition = 0;
  auto operator<=>(const PartitionKey&) const = default;  // NOLINT(modernize-use-nullptr): clang-tidy misreads it
};

/// One message read: its place, and a serial number that tells a live delivery from an
/// earlier delivery of the same offset (revoked, or rewound and read again).
struct DeliveryTag {
  PartitionKey where;
  std::int64_t offset = 0;
  std::uint64_t serial = 0;
};

class OffsetTracker {
 public:
  /// A message read at `offset`: in flight until acknowledge() or rewind(). `body` is
  /// kept for the errors topic.
  DeliveryTag track(const PartitionKey& where, std::int64_t offset, std::string body) {
    DeliveryTag tag{where, offset, ++serial_};
    partitions_[where].entries[offset] = Entry{tag.serial, false, std::move(body)};
    return tag;
  }

  /// The body of a live delivery; nullptr when `tag` is stale (its partition was revoked
  /// or rewound since): its outcome no longer matters.
  [[nodiscard]] const std::string* body_of(const DeliveryTag& tag) const {
    const Entry* entry = find(tag);
    return entry != nullptr ? &entry->body : nullptr;
  }

  /// Saved: may be committed once everything before it is.
  void acknowledge(const DeliveryTag& tag) {
    if (Entry* entry = find(tag)) {
      entry->acked = true;
      entry->body.clear();
      entry->body.shrink_to_fit();
    }
  }

  /// Not saved: forgets it and everything read after it in its partition (the partition
  /// is read again from tag.offset, so those come again). False when `tag` is stale.
  bool rewind(const DeliveryTag& tag) {
    if (find(tag) == nullptr) return false;
    auto& entries = partitions_[tag.where].entries;
    entries.erase(entries.lower_bound(tag.offset), entries.end());
    return true;
  }

  /// Per partition whose acknowledged prefix grew since the last call: the offset to
  /// commit (1 + the highest offset below which every message read is acknowledged).
  std::vector<std::pair<PartitionKey, std::int64_t>> take_commits() {
    std::vector<std::pair<PartitionKey, std::int64_t>> commits;
    for (auto& [where, state] : partitions_) {
      std::optional<std::int64_t> next;
      while (!state.entries.empty() && state.entries.begin()->second.acked) {
        next = state.entries.begin()->first + 1;
        state.entries.erase(state.entries.begin());
      }
      if (next) {
        state.committable = *next;
        commits.emplace_back(where, *next);
      }
    }
    return commits;
  }

  /// Every partition's committable offset so far (for the final synchronous commit,
  /// which also repeats an asynchronous commit that may have failed).
  [[nodiscard]] std::vector<std::pair<PartitionKey, std::int64_t>> positions() const {
    std::vector<std::pair<PartitionKey, std::int64_t>> all;
    for (const auto& [where, state] : partitions_) {
      if (state.committable) all.emplace_back(where, *state.committable);
    }
    return all;
  }

  /// The partition was revoked: its deliveries become stale.
  void forget(const PartitionKey& where) { partitions_.erase(where); }

  /// Messages read and not yet committable (in flight, or acknowledged after one that is not).
  [[nodiscard]] std::size_t pending() const {
    std::size_t count = 0;
    for (const auto& [where, state] : partitions_) count += state.entries.size();
    return count;
  }

 private:
  struct Entry {
    std::uint64_t serial = 0;
    bool acked = false;
    std::string body;
  };
  struct Partition {
    std::map<std::int64_t, Entry> entries;
    std::optional<std::int64_t> committable;
  };

  Entry* find(const DeliveryTag& tag) {
    auto partition = partitions_.find(tag.where);
    if (partition == partitions_.end()) return nullptr;
    auto entry = partition->second.entries.find(tag.offset);
    if (entry == partition->second.entries.end() || entry->second.serial != tag.serial) return nullptr;
    return &entry->second;
  }
  [[nodiscard]] const Entry* find(const DeliveryTag& tag) const {
    return const_cast<OffsetTracker*>(this)->find(tag);  // NOLINT(cppcoreguidelines-pro-type-const-cast)
  }

  std::map<PartitionKey, Partition> partitions_;
  std::uint64_t serial_ = 0;
};

}  // namespace stoq::plugins::kafka

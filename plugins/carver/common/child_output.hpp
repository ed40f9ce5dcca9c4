// Plugin-side glue shared by the carvers and decoders: a ByteSink writing one child
// through stoq().new_child(), the per-call allowance (children, bytes, deadline) and
// kwargs that override options.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "byte_sink.hpp"
#include "stoq/plugin.hpp"

namespace stoq::carve {

/// One child written through a ChildWriter, also bounded by `byte_budget` (what is
/// left of the call's max_total_bytes). truncated() once either limit cut it.
class ChildSink final : public ByteSink {
 public:
  ChildSink(Stoq& stoq, std::uint64_t byte_budget) : writer_(stoq.new_child()), budget_(byte_budget) {}
  bool write(ByteView bytes) override;
  [[nodiscard]] bool truncated() const { return truncated_; }
  [[nodiscard]] std::uint64_t size() const { return writer_.size(); }
  /// The child with meta["size"] (and meta["truncated"] = true when cut).
  Extracted finish(Json meta);

 private:
  ChildWriter writer_;
  std::uint64_t budget_;
  bool truncated_ = false;
};

/// What one carve/decode call may still produce.
class CallBudget {
 public:
  explicit CallBudget(const ExtractionLimits& limits) : limits_(limits) {}
  /// Why no further child may start ("max_children", "max_total_bytes", "deadline"),
  /// or "" to go on.
  [[nodiscard]] std::string stop_reason(std::size_t children) const;
  [[nodiscard]] std::uint64_t remaining_bytes() const {
    return spent_ >= limits_.max_total_bytes ? 0 : limits_.max_total_bytes - spent_;
  }
  void spend(std::uint64_t bytes) { spent_ += bytes; }
  [[nodiscard]] const ExtractionLimits& limits() const { return limits_; }

 private:
  const ExtractionLimits& limits_;
  std::uint64_t spent_ = 0;
};

/// Records that a loop stopped at `reason`: meta["limit"] of the last child, or, with
/// no child at all, a stoq::Error "<what>: stopped at <reason>".
void note_stop(ExtractedList& children, const std::string& reason, std::string_view what);

/// The one child of a decoder: runs `decode` with an OutputBuffer over a ChildSink
/// (bounded by the call's limits), then finishes the child with `meta` (decode may add
/// to it). Throws stoq::Error for an empty payload; errors from `decode` propagate.
ExtractedList decode_one(Stoq& stoq, const Payload& payload, Json meta,
                         const std::function<void(ByteView, OutputBuffer&, Json&)>& decode);

/// kwargs[name] as text (strings as-is, numbers and booleans printed), or nullopt.
std::optional<std::string> kwarg_text(const Json& kwargs, std::string_view name);

}  // namespace stoq::carve

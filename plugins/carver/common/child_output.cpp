#include "child_output.hpp"

namespace stoq::carve {

bool ChildSink::write(ByteView bytes) {
  if (truncated_) return false;
  std::uint64_t room = budget_ - writer_.size();
  if (bytes.size() > room) {
    bytes = bytes.head(static_cast<std::size_t>(room));
    truncated_ = true;
  }
  if (!writer_.write(bytes)) truncated_ = true;
  return !truncated_;
}

Extracted ChildSink::finish(Json meta) {
  meta["size"] = writer_.size();
  if (truncated_ || writer_.truncated()) meta["truncated"] = true;
  return {std::move(meta), writer_.finish()};
}

std::string CallBudget::stop_reason(std::size_t children) const {
  if (children >= limits_.max_children) return "max_children";
  if (spent_ >= limits_.max_total_bytes) return "max_total_bytes";
  if (limits_.expired()) return "deadline";
  return {};
}

void note_stop(ExtractedList& children, const std::string& reason, std::string_view what) {
  if (reason.empty()) return;
  if (children.empty()) throw Error(std::string(what) + ": stopped at the " + reason + " limit before any child");
  children.back().meta["limit"] = reason;
}

ExtractedList decode_one(Stoq& stoq, const Payload& payload, Json meta,
                         const std::function<void(ByteView, OutputBuffer&, Json&)>& decode) {
  if (payload.size() == 0) throw Error("nothing to decode: the payload is empty");
  CallBudget budget(stoq.extraction_limits());
  ChildSink sink(stoq, budget.remaining_bytes());
  {
    OutputBuffer out(sink);
    decode(payload.bytes(), out, meta);
    out.flush();
  }
  ExtractedList children;
  children.push_back(sink.finish(std::move(meta)));
  return children;
}

std::optional<std::string> kwarg_text(const Json& kwargs, std::string_view name) {
  if (!kwargs.is_object()) return std::nullopt;
  auto found = kwargs.find(std::string(name));
  if (found == kwargs.end() || found->is_null()) return std::nullopt;
  if (found->is_string()) return found->get<std::string>();
  return found->dump();
}

}  // namespace stoq::carve

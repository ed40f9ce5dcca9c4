// extractor:tnef: the attachments of a TNEF stream (winmail.dat, application/ms-tnef),
// named by their long file name (MAPI PR_ATTACH_LONG_FILENAME) or attAttachTitle.
#include "stoq/plugin.hpp"
#include "tnef.hpp"

namespace stoq::plugins::extractor::tnef {
namespace {

class TnefExtractor : public Extractor {
 public:
  ExtractedList extract(const Payload& payload, const Json& /*kwargs*/) override {
    stoq::tnef::Message message = stoq::tnef::parse(payload.bytes());
    const ExtractionLimits& limits = stoq().extraction_limits();
    ExtractedList children;
    std::uint64_t total = 0;
    std::string stopped;
    std::size_t index = 0;
    for (const stoq::tnef::Attachment& attachment : message.attachments) {
      if (!attachment.has_data) continue;
      if (children.size() >= limits.max_children)
        stopped = "max_children";
      else if (total >= limits.max_total_bytes)
        stopped = "max_total_bytes";
      else if (limits.expired())
        stopped = "deadline";
      if (!stopped.empty()) break;
      Json meta = Json::object();
      if (!attachment.filename().empty()) meta["filename"] = attachment.filename();
      if (!attachment.title.empty()) meta["title"] = attachment.title;
      if (!attachment.mime_type.empty()) meta["content_type"] = attachment.mime_type;
      if (!attachment.content_id.empty()) meta["content_id"] = attachment.content_id;
      if (attachment.embedded_object) meta["embedded_object"] = true;
      if (!attachment.errors.empty()) meta["error"] = attachment.errors.front();
      meta["attachment"] = index++;
      std::uint64_t cap = std::min(limits.max_child_size, limits.max_total_bytes - total);
      ByteView data =
          attachment.data.head(static_cast<std::size_t>(std::min<std::uint64_t>(cap, attachment.data.size())));
      if (data.size() < attachment.data.size()) meta["truncated"] = true;
      meta["size"] = data.size();
      total += data.size();
      children.emplace_back(std::move(meta), data.to_bytes());
    }
    if (!stopped.empty()) {
      if (children.empty()) throw Error("tnef: stopped at the " + stopped + " extraction limit before any attachment");
      children.back().meta["limit_reached"] = stopped;
    }
    if (children.empty() && !message.warnings.empty()) {
      throw Error("tnef: no attachment recovered: " + message.warnings.front());
    }
    if (!children.empty() && !message.warnings.empty()) children.front().meta["tnef_warnings"] = message.warnings;
    return children;
  }
};

}  // namespace
}  // namespace stoq::plugins::extractor::tnef

STOQ_PLUGIN(stoq::plugins::extractor::tnef::TnefExtractor, "tnef", "0.1",
            "Extract the attachments of TNEF (winmail.dat) streams", stoq::kNoOptions)

// extractor:email: the decoded leaf parts of an RFC 5322 message (or of every message of
// an mbox) as children: bodies (text/plain, text/html) and attachments, plus files
// uuencoded inside text bodies. Nested message/rfc822 parts are descended into.
#include "mime.hpp"
#include "stoq/plugin.hpp"

namespace stoq::plugins::extractor::email {
namespace {

constexpr stoq_option_spec kOptions[] = {
    {"attachments_only", STOQ_OPTION_BOOL, "False",
     "Only parts with a file name (attachments, named inline parts, uuencoded files); False: bodies too.", 0},
    {"uuencoded_blocks", STOQ_OPTION_BOOL, "True",
     "Also extract 'begin 644 name ... end' uuencoded blocks found inside text bodies.", 0},
    {"max_nesting", STOQ_OPTION_INT, "32",
     "Multiparts and attached messages nested deeper than this are kept as one undecoded part.", 0},
};

Json meta_of(const mime::Part& part) {
  Json meta = Json::object();
  if (!part.filename.empty()) meta["filename"] = part.filename;
  meta["content_type"] = part.content_type;
  if (!part.disposition.empty()) meta["content_disposition"] = part.disposition;
  if (!part.content_id.empty()) meta["content_id"] = part.content_id;
  if (!part.charset.empty()) meta["charset"] = part.charset;
  if (!part.transfer_encoding.empty()) meta["content_transfer_encoding"] = part.transfer_encoding;
  meta["part"] = part.index;
  meta["size"] = part.data.size();
  if (part.message) meta["message"] = *part.message;
  if (part.depth > 0) meta["attached_message_depth"] = part.depth;
  if (part.uuencoded_block) meta["uuencoded"] = true;
  if (part.parent) meta["parent_part"] = *part.parent;
  if (part.truncated) meta["truncated"] = true;
  return meta;
}

class EmailExtractor : public Extractor {
 public:
  ExtractedList extract(const Payload& payload, const Json& /*kwargs*/) override {
    const ExtractionLimits& limits = stoq().extraction_limits();
    mime::Settings settings;
    settings.max_nesting = static_cast<std::size_t>(std::max<std::int64_t>(1, options().get_int("max_nesting")));
    settings.max_part_bytes = limits.max_child_size;
    settings.uuencoded_blocks = options().get_bool("uuencoded_blocks");
    const bool attachments_only = options().get_bool("attachments_only");
    ExtractedList children;
    std::uint64_t total = 0;
    std::string stopped;
    mime::parse(payload.bytes(), settings, [&](mime::Part&& part) {
      if (attachments_only && part.filename.empty()) return true;
      if (children.size() >= limits.max_children)
        stopped = "max_children";
      else if (total >= limits.max_total_bytes)
        stopped = "max_total_bytes";
      else if (limits.expired())
        stopped = "deadline";
      if (!stopped.empty()) return false;
      std::uint64_t room = limits.max_total_bytes - total;
      if (part.data.size() > room) {
        part.data.resize(static_cast<std::size_t>(room));
        part.truncated = true;
      }
      total += part.data.size();
      Json meta = meta_of(part);
      children.emplace_back(std::move(meta), std::move(part.data));
      return true;
    });
    if (!stopped.empty()) {
      if (children.empty()) throw Error("email: stopped at the " + stopped + " extraction limit before any part");
      children.back().meta["limit_reached"] = stopped;
    }
    return children;
  }
};

}  // namespace
}  // namespace stoq::plugins::extractor::email

STOQ_PLUGIN(stoq::plugins::extractor::email::EmailExtractor, "email", "0.1",
            "Extract the decoded MIME parts and attachments of e-mail messages and mbox files",
            stoq::plugins::extractor::email::kOptions)

// extractor:pdf: every stream of a PDF as a child (decoded when its filters are lossless,
// raw otherwise), embedded files under their own file names. Uses libqpdf.
#include <algorithm>
#include <optional>

#include "pdf_streams.hpp"
#include "stoq/plugin.hpp"

namespace stoq::plugins::extractor::pdf {
namespace {

constexpr stoq_option_spec kOptions[] = {
    {"embedded_files_only", STOQ_OPTION_BOOL, "False",
     "Only the embedded files (attachments); False: every stream (content, fonts, images, ...) too.", 0},
};

Json meta_of(const stoq::pdf::StreamInfo& info) {
  Json meta = Json::object();
  if (!info.embedded_filename.empty()) {
    meta["filename"] = info.embedded_filename;
    meta["embedded_file"] = true;
    if (!info.embedded_mime_type.empty()) meta["mime_type"] = info.embedded_mime_type;
  } else {
    meta["filename"] = "object_" + std::to_string(info.object) + "_" + std::to_string(info.generation);
  }
  meta["object"] = info.object;
  meta["generation"] = info.generation;
  meta["filters"] = info.filters;
  if (!info.type.empty()) meta["type"] = info.type;
  if (!info.subtype.empty()) meta["subtype"] = info.subtype;
  return meta;
}

class PdfExtractor : public Extractor {
 public:
  ExtractedList extract(const Payload& payload, const Json& /*kwargs*/) override {
    const ExtractionLimits& limits = stoq().extraction_limits();
    const bool embedded_only = options().get_bool("embedded_files_only");
    ExtractedList children;
    std::uint64_t total = 0;
    std::string stopped;       // the limit that ended the walk
    std::string stream_limit;  // the limit that cut the current stream
    std::optional<ChildWriter> writer;

    stoq::pdf::Visitor visitor;
    visitor.begin = [&](const stoq::pdf::StreamInfo& info, stoq::pdf::ByteSink& sink) {
      if (embedded_only && info.embedded_filename.empty()) return false;
      if (children.size() >= limits.max_children)
        stopped = "max_children";
      else if (total >= limits.max_total_bytes)
        stopped = "max_total_bytes";
      else if (limits.expired())
        stopped = "deadline";
      if (!stopped.empty()) return false;
      writer.emplace(stoq().new_child());  // a retry (raw after a failed decode) starts afresh
      stream_limit.clear();
      sink = [&](const unsigned char* data, std::size_t size) {
        ByteView piece(data, size);
        std::uint64_t used = total + writer->size();
        std::uint64_t room = used >= limits.max_total_bytes ? 0 : limits.max_total_bytes - used;
        ByteView part = piece.head(static_cast<std::size_t>(std::min<std::uint64_t>(room, piece.size())));
        if (!writer->write(part))
          stream_limit = "max_child_size";
        else if (part.size() < piece.size())
          stream_limit = "max_total_bytes";
        else if (limits.ratio_exceeded(writer->size(), payload.size()))
          stream_limit = "max_ratio";
        else if (limits.expired())
          stream_limit = "deadline";
        return stream_limit.empty();
      };
      return true;
    };
    visitor.end = [&](const stoq::pdf::StreamInfo& info, const stoq::pdf::StreamResult& result) {
      Json meta = meta_of(info);
      meta["decoded"] = result.decoded;
      if (!result.error.empty()) meta["error"] = result.error;
      if (!stream_limit.empty()) {
        meta["truncated"] = true;
        meta["limit_reached"] = stream_limit;
      }
      total += writer->size();
      meta["size"] = writer->size();
      children.emplace_back(std::move(meta), writer->finish());
      return stream_limit != "deadline" && stream_limit != "max_total_bytes";
    };
    stoq::pdf::walk(payload.bytes().data(), payload.size(), visitor);
    if (!stopped.empty()) {
      if (children.empty()) throw Error("pdf: stopped at the " + stopped + " extraction limit before any stream");
      children.back().meta["limit_reached"] = stopped;
    }
    return children;
  }
};

}  // namespace
}  // namespace stoq::plugins::extractor::pdf

STOQ_PLUGIN(stoq::plugins::extractor::pdf::PdfExtractor, "pdf", "0.1",
            "Extract the decoded streams and embedded files of PDF documents", stoq::plugins::extractor::pdf::kOptions)

// worker:iocextract: the indicators of compromise of a payload, as the reader
// iocregex extracts them ({"ipv4": [...], "domain": [...], ...}), or no result when
// there are none. The reader comes from the framework (stoq().reader()), as the
// original's load_reader('iocregex') did: one instance per worker thread, with the
// options of its own .stoq file and of the [iocregex] section of stoq.cfg.
//
// The original first turned PDFs and office documents into text with the pdftext and
// tika readers; stoq has neither, so the payload's bytes are read as they are.
#include "stoq/plugin.hpp"

namespace stoq::plugins::worker::iocextract {

class IocExtractWorker final : public Worker {
 public:
  bool activate(Stoq& stoq) override {
    // Loaded now, so a reader that cannot work (a missing TLD file) stops the run at
    // startup instead of failing every payload.
    reader_ = &stoq.reader("iocregex");
    return true;
  }

  Json scan(const Payload& payload, const Json& kwargs) override {
    if (payload.is_none()) throw Error("iocextract needs a payload: give a file or directory with -F");
    Json read_kwargs = Json::object();
    if (kwargs.is_object() && kwargs.contains("filename")) read_kwargs["filename"] = kwargs["filename"];
    Json indicators = reader_->read(payload, read_kwargs);
    if (!indicators.is_object() || indicators.empty()) return nullptr;
    return indicators;
  }

 private:
  Reader* reader_ = nullptr;
};

}  // namespace stoq::plugins::worker::iocextract

STOQ_PLUGIN(stoq::plugins::worker::iocextract::IocExtractWorker, "iocextract", "0.11.1",
            "Extract indicators of compromise from payloads with reader:iocregex", stoq::kNoOptions)

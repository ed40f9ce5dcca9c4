// carver:ole: OLE2 compound files (MS-CFB) embedded in other data. At every compound
// file signature (D0 CF 11 E0 A1 B1 1A E1, the dispatcher's ole_file rule) the file's
// size is computed from its header and FAT (stoq::cfb::occupied_size, shared with
// extractor:ole) and that many bytes are carved. A compound file at offset 0 that
// spans the whole payload (the payload itself) is not carved again. Children: meta
// offset, size (truncated when the file runs past the payload's end).
#include <cstring>

#include "cfb.hpp"
#include "child_output.hpp"
#include "stoq/plugin.hpp"

namespace stoq::plugins::carver::ole {

class OleCarver final : public Carver {
 public:
  ExtractedList carve(const Payload& payload, const Json& /*kwargs*/) override {
    static constexpr std::uint8_t kSignature[] = {0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1};
    ByteView data = payload.bytes();
    carve::CallBudget budget(stoq().extraction_limits());
    ExtractedList children;
    std::string stop;
    std::size_t position = 0;
    while (position < data.size()) {
      const void* hit = ::memmem(data.data() + position, data.size() - position, kSignature, sizeof(kSignature));
      if (hit == nullptr) break;
      std::size_t offset = static_cast<std::size_t>(static_cast<const std::uint8_t*>(hit) - data.data());
      position = offset + sizeof(kSignature);
      if (budget.limits().expired()) {
        stop = "deadline";
        break;
      }
      auto size = cfb::occupied_size(data.tail(offset));
      if (!size) continue;
      bool truncated = *size > data.size() - offset;
      std::size_t length = truncated ? data.size() - offset : static_cast<std::size_t>(*size);
      if (offset == 0 && length == data.size()) continue;  // the payload itself
      stop = budget.stop_reason(children.size());
      if (!stop.empty()) break;
      carve::ChildSink sink(stoq(), budget.remaining_bytes());
      sink.write(*data.subview(offset, length));
      Json meta = {{"offset", offset}};
      if (truncated) meta["truncated"] = true;
      budget.spend(sink.size());
      children.push_back(sink.finish(std::move(meta)));
    }
    carve::note_stop(children, stop, "ole");
    return children;
  }
};

}  // namespace stoq::plugins::carver::ole

STOQ_PLUGIN(stoq::plugins::carver::ole::OleCarver, "ole", "0.11", "Carve OLE2 compound files embedded in other data",
            stoq::kNoOptions)

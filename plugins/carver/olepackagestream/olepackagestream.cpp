// carver:olepackagestream: the file inside an OLE Packager stream ("\x01Ole10Native",
// the dispatcher's ole_package_stream rule: 02 00 at offset 4). One child: the
// embedded file, meta filename (the label, unicode copy preferred), label, src_path,
// tmp_path (and their unicode copies src_path_w, tmp_path_w, label_w when present).
#include "child_output.hpp"
#include "packager.hpp"
#include "stoq/plugin.hpp"

namespace stoq::plugins::carver::olepackagestream {

class OlePackageStreamCarver final : public Carver {
 public:
  ExtractedList carve(const Payload& payload, const Json& /*kwargs*/) override {
    auto file = carve::parse_packager(payload.bytes(), true);
    if (!file) throw Error("not an OLE package stream (u32 size, 02 00, label, paths, data)");
    if (file->type != 3) {
      throw Error("OLE package stream of type " + std::to_string(file->type) + " holds no embedded file");
    }
    Json meta = {{"filename", file->filename()},
                 {"label", file->label},
                 {"src_path", file->src_path},
                 {"tmp_path", file->tmp_path},
                 {"declared_size", file->declared_size}};
    if (!file->label_w.empty()) meta["label_w"] = file->label_w;
    if (!file->src_path_w.empty()) meta["src_path_w"] = file->src_path_w;
    if (!file->tmp_path_w.empty()) meta["tmp_path_w"] = file->tmp_path_w;
    carve::CallBudget budget(stoq().extraction_limits());
    carve::ChildSink sink(stoq(), budget.remaining_bytes());
    sink.write(file->data);
    ExtractedList children;
    children.push_back(sink.finish(std::move(meta)));
    if (file->truncated) children.back().meta["truncated"] = true;
    return children;
  }
};

}  // namespace stoq::plugins::carver::olepackagestream

STOQ_PLUGIN(stoq::plugins::carver::olepackagestream::OlePackageStreamCarver, "olepackagestream", "0.4",
            "Carve OLE Package Streams", stoq::kNoOptions)

// extractor:ole: every stream of an OLE2 / Compound File Binary file as a child
// (filename = the stream's path inside the file, e.g. "Macros/VBA/ThisDocument"), and,
// with extract_vba, the decompressed source code of every VBA module as an extra child.
#include <algorithm>

#include "cfb.hpp"
#include "ovba.hpp"
#include "stoq/plugin.hpp"

namespace stoq::plugins::extractor::ole {
namespace {

constexpr stoq_option_spec kOptions[] = {
    {"extract_vba", STOQ_OPTION_BOOL, "True",
     "Also emit the decompressed source code of each VBA module (MS-OVBA) as a child named <module>.vba.", 0},
};

// A VBA `dir` stream is a few KiB; this bounds what is decompressed to read it.
constexpr std::size_t kMaxDirBytes = 16U << 20;

// The call's allowance, as it is used up.
class Budget {
 public:
  explicit Budget(const ExtractionLimits& limits) : limits_(limits) {}
  // The reason no further child may be produced, or "".
  [[nodiscard]] std::string exhausted(const ExtractedList& children) const {
    if (children.size() >= limits_.max_children) return "max_children";
    if (total_ >= limits_.max_total_bytes) return "max_total_bytes";
    if (limits_.expired()) return "deadline";
    return "";
  }
  [[nodiscard]] std::uint64_t bytes_left() const {
    return limits_.max_total_bytes - std::min(total_, limits_.max_total_bytes);
  }
  void spend(std::uint64_t bytes) { total_ += bytes; }
  [[nodiscard]] const ExtractionLimits& limits() const { return limits_; }

 private:
  const ExtractionLimits& limits_;
  std::uint64_t total_ = 0;
};

void note_limit(ExtractedList& children, const std::string& limit) {
  if (!children.empty()) children.back().meta["limit_reached"] = limit;
}

class OleExtractor : public Extractor {
 public:
  ExtractedList extract(const Payload& payload, const Json& /*kwargs*/) override {
    cfb::File file = cfb::File::parse(payload.bytes());
    Budget budget(stoq().extraction_limits());
    ExtractedList children;
    std::string stopped = extract_streams(file, budget, children);
    if (stopped.empty() && options().get_bool("extract_vba")) stopped = extract_vba(file, budget, children);
    if (!stopped.empty()) {
      if (children.empty()) throw Error("ole: stopped at the " + stopped + " extraction limit before any stream");
      note_limit(children, stopped);
    }
    return children;
  }

 private:
  std::string extract_streams(const cfb::File& file, Budget& budget, ExtractedList& children) {
    for (const cfb::Entry& entry : file.entries()) {
      if (entry.type != cfb::EntryType::Stream) continue;
      if (std::string limit = budget.exhausted(children); !limit.empty()) return limit;
      Json meta = {{"filename", entry.path}, {"size", entry.size}};
      if (!entry.clsid.empty()) meta["clsid"] = entry.clsid;
      if (std::string created = cfb::filetime_to_iso8601(entry.created); !created.empty()) meta["created"] = created;
      if (std::string modified = cfb::filetime_to_iso8601(entry.modified); !modified.empty())
        meta["modified"] = modified;
      ChildWriter writer = stoq().new_child();
      std::uint64_t allowed = budget.bytes_left();
      bool cut = false;
      cfb::StreamStatus status = file.read_stream(entry, [&](ByteView piece) {
        ByteView part =
            piece.head(static_cast<std::size_t>(std::min<std::uint64_t>(piece.size(), allowed - writer.size())));
        bool written = writer.write(part);
        cut = !written || part.size() < piece.size();
        return !cut;
      });
      if (!status.complete) meta["error"] = status.error;
      if (cut || writer.truncated()) meta["truncated"] = true;
      budget.spend(writer.size());
      children.emplace_back(std::move(meta), writer.finish());
    }
    return "";
  }

  // Every storage holding both `dir` and `_VBA_PROJECT` is a VBA project (Word's
  // Macros/VBA, Excel's _VBA_PROJECT_CUR/VBA, embedded objects' own projects).
  std::string extract_vba(const cfb::File& file, Budget& budget, ExtractedList& children) {
    for (const cfb::Entry& entry : file.entries()) {
      if (entry.type != cfb::EntryType::Stream || !equals_ignoring_case(entry.name, "dir")) continue;
      std::string storage = entry.path.substr(0, entry.path.size() - entry.name.size());
      if (file.find(storage + "_VBA_PROJECT") == nullptr) continue;
      ovba::Decompressed dir = ovba::decompress(file.read_stream(entry, kMaxDirBytes), kMaxDirBytes);
      ovba::Project project = ovba::parse_dir(dir.data);
      for (const ovba::Module& module : project.modules) {
        if (std::string limit = budget.exhausted(children); !limit.empty()) return limit;
        const cfb::Entry* stream = file.find(storage + module.stream_name);
        if (stream == nullptr) continue;
        Bytes compressed = file.read_stream(*stream);
        ByteView source = ByteView(compressed).tail(module.text_offset);
        std::uint64_t cap = std::min(budget.limits().max_child_size, budget.bytes_left());
        if (budget.limits().max_ratio > 0) {
          double by_ratio = std::max<double>(1 << 20, budget.limits().max_ratio * static_cast<double>(source.size()));
          cap = std::min(cap, static_cast<std::uint64_t>(std::min<double>(by_ratio, 1e18)));
        }
        ovba::Decompressed code = ovba::decompress(source, static_cast<std::size_t>(cap));
        Json meta = {{"filename", module.name + ".vba"},
                     {"vba_module", module.name},
                     {"vba_stream", stream->path},
                     {"size", code.data.size()}};
        if (!project.name.empty()) meta["vba_project"] = project.name;
        if (!code.error.empty()) meta["error"] = code.error;
        if (code.truncated) meta["truncated"] = true;
        budget.spend(code.data.size());
        children.emplace_back(std::move(meta), std::move(code.data));
      }
    }
    return "";
  }

  static bool equals_ignoring_case(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
             return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
           });
  }
};

}  // namespace
}  // namespace stoq::plugins::extractor::ole

STOQ_PLUGIN(stoq::plugins::extractor::ole::OleExtractor, "ole", "0.1",
            "Extract the streams of OLE2 compound files and the source code of their VBA modules",
            stoq::plugins::extractor::ole::kOptions)

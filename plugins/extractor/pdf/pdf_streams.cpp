// PDF streams through libqpdf; see pdf_streams.hpp.
#include "pdf_streams.hpp"

// qpdf 11: use std::shared_ptr, not the PointerHolder compatibility layer.
#define POINTERHOLDER_TRANSITION 4
#include <map>
#include <qpdf/Pipeline.hh>
#include <qpdf/QPDF.hh>
#include <qpdf/QPDFEmbeddedFileDocumentHelper.hh>
#include <qpdf/QPDFExc.hh>
#include <qpdf/QPDFFileSpecObjectHelper.hh>
#include <qpdf/QPDFLogger.hh>
#include <qpdf/QPDFObjectHandle.hh>
#include <stdexcept>

#include "stoq/error.hpp"

namespace stoq::pdf {
namespace {

constexpr std::size_t kMaxWarnings = 10;

// Thrown from the pipeline to abandon a stream once the caller's sink refuses bytes.
struct StopReading : std::runtime_error {
  StopReading() : std::runtime_error("stream reading stopped by the caller") {}
};

class SinkPipeline : public Pipeline {
 public:
  explicit SinkPipeline(ByteSink& sink) : Pipeline("stoq-sink", nullptr), sink_(sink) {}
  void write(unsigned char const* data, size_t len) override {
    if (stopped_ || !sink_(data, len)) {
      stopped_ = true;
      throw StopReading();
    }
  }
  void finish() override {}
  [[nodiscard]] bool stopped() const { return stopped_; }

 private:
  ByteSink& sink_;
  bool stopped_ = false;
};

std::string name_of(QPDFObjectHandle value) {
  if (!value.isName()) return "";
  std::string name = value.getName();
  return name.size() > 1 ? name.substr(1) : name;
}

StreamInfo describe(QPDFObjectHandle stream) {
  StreamInfo info;
  QPDFObjGen id = stream.getObjGen();
  info.object = id.getObj();
  info.generation = id.getGen();
  QPDFObjectHandle dict = stream.getDict();
  QPDFObjectHandle filter = dict.getKey("/Filter");
  if (filter.isName()) {
    info.filters.push_back(name_of(filter));
  } else if (filter.isArray()) {
    for (QPDFObjectHandle item : filter.aitems()) {
      if (item.isName()) info.filters.push_back(name_of(item));
    }
  }
  info.type = name_of(dict.getKey("/Type"));
  info.subtype = name_of(dict.getKey("/Subtype"));
  return info;
}

// Embedded file streams -> (file name, MIME subtype): from the /EmbeddedFiles name tree
// and from every file specification dictionary (/EF), which also covers file
// attachment annotations.
void add_filespec(QPDFObjectHandle spec, std::map<QPDFObjGen, StreamInfo>& found) {
  if (!spec.isDictionary() || !spec.hasKey("/EF")) return;
  QPDFFileSpecObjectHelper helper(spec);
  QPDFObjectHandle stream = helper.getEmbeddedFileStream();
  if (!stream.isStream() || found.count(stream.getObjGen()) > 0) return;
  StreamInfo info = describe(stream);
  info.embedded_filename = helper.getFilename();
  std::string subtype = name_of(stream.getDict().getKey("/Subtype"));
  // /Subtype is a MIME type with '/' written as #2F, which qpdf has already decoded.
  info.embedded_mime_type = subtype;
  found.emplace(stream.getObjGen(), std::move(info));
}

}  // namespace

Summary walk(const unsigned char* data, std::size_t size, const Visitor& visitor) {
  Summary summary;
  QPDF pdf;
  std::shared_ptr<QPDFLogger> logger = QPDFLogger::create();
  logger->setInfo(logger->discard());
  logger->setWarn(logger->discard());
  logger->setError(logger->discard());
  pdf.setLogger(logger);
  pdf.setSuppressWarnings(true);
  pdf.setAttemptRecovery(true);
  std::vector<QPDFObjectHandle> objects;
  std::map<QPDFObjGen, StreamInfo> embedded;
  try {
    pdf.processMemoryFile("payload", reinterpret_cast<const char*>(data), size);
    objects = pdf.getAllObjects();
    QPDFEmbeddedFileDocumentHelper names(pdf);
    for (const auto& [key, spec] : names.getEmbeddedFiles()) add_filespec(spec->getObjectHandle(), embedded);
  } catch (const std::exception& e) {
    if (objects.empty()) throw Error(std::string("pdf: qpdf cannot read the file: ") + e.what());
  }
  for (QPDFObjectHandle& object : objects) {
    try {
      if (object.isDictionary()) add_filespec(object, embedded);
    } catch (const std::exception&) {  // a damaged file specification: not an embedded file then
    }
  }
  summary.objects = objects.size();
  summary.embedded_files = embedded.size();
  // Embedded files first, then every other stream in object order.
  std::vector<std::pair<QPDFObjectHandle, StreamInfo>> order;
  order.reserve(objects.size() + embedded.size());
  for (auto& [id, info] : embedded) order.emplace_back(pdf.getObject(id), info);
  for (QPDFObjectHandle& object : objects) {
    try {
      if (object.isStream() && embedded.count(object.getObjGen()) == 0) order.emplace_back(object, describe(object));
    } catch (const std::exception&) {
    }
  }
  for (auto& [stream, info] : order) {
    ++summary.streams;
    StreamResult result;
    ByteSink sink;
    if (!visitor.begin(info, sink)) continue;
    bool attempted = false;
    bool ok = false;
    SinkPipeline decoded(sink);
    try {
      ok = stream.pipeStreamData(&decoded, &attempted, 0, qpdf_dl_specialized, true, true);
    } catch (const std::exception& e) {
      result.error = e.what();
    }
    result.stopped = decoded.stopped();
    result.decoded = attempted && ok;
    if (!ok && !result.stopped) {
      // Decoding failed part way: start again with the raw bytes.
      if (result.error.empty()) result.error = "the stream's filters failed to decode it";
      result.error += "; raw stream data given instead";
      if (!visitor.begin(info, sink)) continue;
      SinkPipeline raw(sink);
      try {
        bool raw_attempted = false;
        stream.pipeStreamData(&raw, &raw_attempted, 0, qpdf_dl_none, true, false);
      } catch (const std::exception&) {  // StopReading or unreadable data: keep what came
      }
      result.stopped = raw.stopped();
      result.decoded = false;
    }
    if (!visitor.end(info, result)) break;
  }
  for (const QPDFExc& warning : pdf.getWarnings()) {
    if (summary.warnings.size() >= kMaxWarnings) break;
    summary.warnings.emplace_back(warning.what());
  }
  return summary;
}

}  // namespace stoq::pdf

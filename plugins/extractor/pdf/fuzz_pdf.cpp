// libFuzzer target for extractor:pdf's libqpdf wrapper: walk arbitrary bytes as a PDF
// with small per-stream caps. Seeds: fuzz/corpus/fuzz_pdf/.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "pdf_streams.hpp"
#include "stoq/error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  constexpr std::size_t kStreamCap = 1U << 20;
  std::size_t streams = 0;
  std::size_t bytes = 0;
  stoq::pdf::Visitor visitor;
  visitor.begin = [&](const stoq::pdf::StreamInfo&, stoq::pdf::ByteSink& sink) {
    bytes = 0;
    sink = [&](const unsigned char* /*data*/, std::size_t piece) {
      bytes += piece;
      return bytes < kStreamCap;
    };
    return true;
  };
  visitor.end = [&](const stoq::pdf::StreamInfo& info, const stoq::pdf::StreamResult& result) {
    // Only the sink stops a stream. (Object numbers are what the file says: qpdf reads
    // "-2 0 obj" in a damaged file, so a negative one is data, not a walker bug.)
    (void)info;
    if (result.stopped && bytes < kStreamCap) std::abort();
    return ++streams < 200;
  };
  try {
    stoq::pdf::walk(data, size, visitor);
  } catch (const stoq::Error&) {
  }
  return 0;
}

// reader:pdftext: the text of a PDF document with poppler-cpp, page by page, as
// pdftotext prints it (its default reading-order layout, UTF-8, each page ended by a form
// feed). No stoq state: the plugin and its tests call it.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "stoq/bytes.hpp"

namespace stoq::plugins::reader::pdftext {

struct PdfTextLimits {
  std::size_t max_pages = 1000;            // pages read; later pages are skipped
  std::size_t max_text_bytes = 16U << 20;  // text kept; cut at a character boundary
  /// Called before each page: true stops there (the caller's deadline).
  std::function<bool()> stop;
};

struct PdfText {
  std::string text;                   // the pages read, each followed by "\f"; well-formed UTF-8
  std::size_t pages = 0;              // pages in the document
  std::size_t pages_read = 0;         // pages whose text is in `text` (the last one maybe cut)
  bool truncated = false;             // a limit or `stop` left text out
  std::vector<std::string> messages;  // what poppler complained about (first few)
};

/// Throws stoq::Error when poppler cannot open `pdf` (not a PDF, damaged beyond repair,
/// encrypted with a password) or it is larger than poppler accepts (2 GiB).
PdfText extract_text(ByteView pdf, const PdfTextLimits& limits);

/// True when `bytes` start like a PDF: "%PDF-" within the first 1024 bytes, as readers accept.
bool looks_like_pdf(ByteView bytes);

}  // namespace stoq::plugins::reader::pdftext

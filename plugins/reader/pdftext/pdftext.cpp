// reader:pdftext: the text of a PDF document (poppler-cpp; pdf_text.hpp), as stoQ's
// pdftext reader returned it, with what was read beside it:
//   {"text": "page 1\f page 2\f", "pages": 2, "pages_read": 2, "truncated": false}
// The text equals `pdftotext <file> -` (reading order, UTF-8, a form feed after each page).
// A payload poppler cannot open (not a PDF, damaged beyond repair, password-protected)
// is a stoq::Error. poppler runs in the calling worker's process: see pdftext.stoq for
// isolating it.
#include "pdf_text.hpp"
#include "stoq/plugin.hpp"

namespace stoq::plugins::reader::pdftext {

class PdfTextReader final : public Reader {
 public:
  bool activate(Stoq& /*stoq*/) override {
    limits_.max_pages = positive("max_pages");
    limits_.max_text_bytes = positive("max_text_bytes");
    max_pdf_bytes_ = positive("max_pdf_bytes");
    return true;
  }

  Json read(const Payload& payload, const Json& kwargs) override {
    if (payload.is_none()) throw Error("pdftext needs a payload to read");
    std::string where = kwargs.is_object() && kwargs.contains("filename") && kwargs["filename"].is_string()
                            ? " of " + kwargs["filename"].get<std::string>()
                            : std::string();
    if (payload.size() > max_pdf_bytes_) {
      throw Error("the PDF" + where + " has " + std::to_string(payload.size()) + " bytes, more than max_pdf_bytes (" +
                  std::to_string(max_pdf_bytes_) + ")");
    }
    PdfTextLimits limits = limits_;
    limits.stop = [this] { return stoq().extraction_limits().expired() || stoq().stopping(); };
    PdfText pdf = extract_text(payload.bytes(), limits);
    for (const std::string& message : pdf.messages) log().debug("poppler" + where + ": " + message);
    if (pdf.truncated) {
      log().info("read " + std::to_string(pdf.pages_read) + " of " + std::to_string(pdf.pages) + " pages" + where +
                 " (" + std::to_string(pdf.text.size()) + " bytes of text; max_pages, max_text_bytes or deadline)");
    }
    return {{"text", std::move(pdf.text)},
            {"pages", pdf.pages},
            {"pages_read", pdf.pages_read},
            {"truncated", pdf.truncated}};
  }

 private:
  std::size_t positive(const char* name) const {
    std::int64_t value = options().get_int(name);
    if (value < 1) throw Error(std::string(name) + " must be 1 or more, got " + std::to_string(value));
    return static_cast<std::size_t>(value);
  }

  PdfTextLimits limits_;
  std::size_t max_pdf_bytes_ = 0;
};

constexpr stoq_option_spec kOptions[] = {
    {"max_pages", STOQ_OPTION_INT, "1000", "Read the text of at most this many pages (the first ones).", 0},
    {"max_text_bytes", STOQ_OPTION_INT, "16777216", "Keep at most this many bytes of text (cut between characters).",
     0},
    {"max_pdf_bytes", STOQ_OPTION_INT, "268435456", "Refuse larger PDFs (poppler itself stops at 2 GiB).", 0},
};

}  // namespace stoq::plugins::reader::pdftext

STOQ_PLUGIN(stoq::plugins::reader::pdftext::PdfTextReader, "pdftext", "0.9.1", "Extract text from a PDF document",
            stoq::plugins::reader::pdftext::kOptions)

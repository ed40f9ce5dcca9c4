// reader:pdftext: poppler-cpp behind the interface of pdf_text.hpp.
#include "pdf_text.hpp"

#include <poppler-document.h>
#include <poppler-global.h>
#include <poppler-page.h>

#include <climits>
#include <memory>
#include <mutex>

#include "decode.hpp"  // reader:text's converter: poppler's UTF-8 made well-formed
#include "stoq/error.hpp"

namespace stoq::plugins::reader::pdftext {

namespace {

constexpr std::size_t kMaxMessages = 5;

// poppler reports problems through one process-wide callback, on the thread that parses.
// It is installed once; each extraction collects its own thread's messages.
// NOLINTNEXTLINE(cppcoreguidelines-avoid-non-const-global-variables): per-thread, set only around a call
thread_local std::vector<std::string>* t_messages = nullptr;

void collect_message(const std::string& message, void* /*closure*/) {
  if (t_messages != nullptr && t_messages->size() < kMaxMessages) t_messages->push_back(message);
}

void install_message_handler() {
  static std::once_flag once;
  std::call_once(once, [] { poppler::set_debug_error_function(collect_message, nullptr); });
}

class MessageScope {
 public:
  explicit MessageScope(std::vector<std::string>* messages) { t_messages = messages; }
  ~MessageScope() { t_messages = nullptr; }
  MessageScope(const MessageScope&) = delete;
  MessageScope& operator=(const MessageScope&) = delete;
  MessageScope(MessageScope&&) = delete;
  MessageScope& operator=(MessageScope&&) = delete;
};

// The length of the longest prefix of `text` (well-formed UTF-8) of at most `limit` bytes
// that ends between characters.
std::size_t utf8_cut(const std::string& text, std::size_t limit) {
  if (limit >= text.size()) return text.size();
  std::size_t cut = limit;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0U) == 0x80) --cut;
  return cut;
}

std::string page_text(const poppler::page& page) {
  poppler::byte_array utf8 = page.text(poppler::rectf(), poppler::page::non_raw_non_physical_layout).to_utf8();
  std::string text =
      text::convert(ByteView(reinterpret_cast<const std::uint8_t*>(utf8.data()), utf8.size()), text::Encoding::Utf8);
  if (text.empty() || text.back() != '\f') text.push_back('\f');  // pdftotext ends every page so
  return text;
}

}  // namespace

bool looks_like_pdf(ByteView bytes) { return bytes.head(1024).as_string_view().find("%PDF-") != std::string::npos; }

PdfText extract_text(ByteView pdf, const PdfTextLimits& limits) {
  if (pdf.size() > static_cast<std::size_t>(INT_MAX)) throw Error("the PDF is larger than poppler reads (2 GiB)");
  install_message_handler();
  PdfText result;
  MessageScope scope(&result.messages);
  std::unique_ptr<poppler::document> document(
      poppler::document::load_from_raw_data(reinterpret_cast<const char*>(pdf.data()), static_cast<int>(pdf.size())));
  if (!document) {
    std::string why = result.messages.empty() ? "" : " (" + result.messages.front() + ")";
    throw Error("poppler cannot open this payload as a PDF document" + why);
  }
  if (document->is_locked()) throw Error("the PDF is encrypted with a user password: its text cannot be read");
  int pages = document->pages();
  result.pages = pages > 0 ? static_cast<std::size_t>(pages) : 0;
  for (std::size_t index = 0; index < result.pages; ++index) {
    if (index >= limits.max_pages || (limits.stop && limits.stop())) {
      result.truncated = true;
      break;
    }
    std::unique_ptr<poppler::page> page(document->create_page(static_cast<int>(index)));
    std::string text = page ? page_text(*page) : std::string("\f");
    std::size_t room = limits.max_text_bytes - result.text.size();
    ++result.pages_read;
    if (text.size() > room) {
      result.text.append(text, 0, utf8_cut(text, room));
      result.truncated = true;
      break;
    }
    result.text += text;
  }
  return result;
}

}  // namespace stoq::plugins::reader::pdftext

// carver:xdp's parser: the text of <chunk> (or other named) elements of an XDP
// document (Adobe XML Data Package), where a PDF is stored as
//   <pdf ...><document><chunk>BASE64</chunk></document></pdf>
// No XML parser: the elements are found by name (exactly, as getElementsByTagName),
// and their text has CDATA markers removed and character references (&#xD;, &#13;,
// &amp; ...) resolved.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "stoq/bytes.hpp"

namespace stoq::plugins::carver::xdp {

struct ElementText {
  std::size_t offset = 0;  // of the start tag
  ByteView raw;            // between the start and end tags
};

/// Elements named `name`, in document order (an element left open is ignored).
class ElementScanner {
 public:
  ElementScanner(ByteView document, std::string_view name)
      : document_(document), open_("<" + std::string(name)), close_("</" + std::string(name)) {}
  std::optional<ElementText> next();

 private:
  ByteView document_;
  std::string open_;
  std::string close_;
  std::size_t position_ = 0;
};

/// The element's character data: CDATA sections unwrapped, references resolved
/// (numeric ones above 0x7F are dropped: base64 never holds them).
std::string element_text(ByteView raw);

/// True when element_text(raw) would differ from raw (it holds '&' or '<').
bool needs_unescaping(ByteView raw);

}  // namespace stoq::plugins::carver::xdp

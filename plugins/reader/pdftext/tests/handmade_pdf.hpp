// A small PDF written by hand for tests (no binary in the tree): one page per entry of
// `pages`, each a content stream drawn with Helvetica, with a correct cross-reference
// table. A page's content is raw PDF operators, e.g. "BT /F1 12 Tf 72 712 Td (Hi) Tj ET".
#pragma once

#include <array>
#include <cstdio>
#include <string>
#include <vector>

namespace stoq_test {

inline std::string handmade_pdf(const std::vector<std::string>& pages) {
  std::vector<std::string> objects;
  std::string kids;
  std::size_t first_page = 4;  // 1 catalog, 2 pages, 3 font, then page/content pairs
  for (std::size_t i = 0; i < pages.size(); ++i) kids += std::to_string(first_page + 2 * i) + " 0 R ";
  objects.emplace_back("<< /Type /Catalog /Pages 2 0 R >>");
  objects.push_back("<< /Type /Pages /Kids [" + kids + "] /Count " + std::to_string(pages.size()) + " >>");
  objects.emplace_back("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>");
  for (std::size_t i = 0; i < pages.size(); ++i) {
    objects.push_back("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents " +
                      std::to_string(first_page + 2 * i + 1) + " 0 R /Resources << /Font << /F1 3 0 R >> >> >>");
    objects.push_back("<< /Length " + std::to_string(pages[i].size()) + " >>\nstream\n" + pages[i] + "\nendstream");
  }
  std::string pdf = "%PDF-1.4\n%\xE2\xE3\xCF\xD3\n";
  std::vector<std::size_t> offsets;
  for (std::size_t i = 0; i < objects.size(); ++i) {
    offsets.push_back(pdf.size());
    pdf += std::to_string(i + 1) + " 0 obj\n" + objects[i] + "\nendobj\n";
  }
  std::size_t xref = pdf.size();
  pdf += "xref\n0 " + std::to_string(objects.size() + 1) + "\n0000000000 65535 f \n";
  for (std::size_t offset : offsets) {
    std::array<char, 32> line{};
    std::snprintf(line.data(), line.size(), "%010zu 00000 n \n", offset);
    pdf += line.data();
  }
  pdf += "trailer\n<< /Size " + std::to_string(objects.size() + 1) + " /Root 1 0 R >>\nstartxref\n" +
         std::to_string(xref) + "\n%%EOF\n";
  return pdf;
}

/// `text` as a PDF hex string (<...>): the text does not appear as such in the file.
inline std::string pdf_hex(const std::string& text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out = "<";
  for (unsigned char c : text) {
    out += kHex[c >> 4U];
    out += kHex[c & 15U];
  }
  return out + ">";
}

}  // namespace stoq_test

// Results documents as stoq prints them, one after another: one JSON document, several
// concatenated, one per line (-O <file>, compactly), or indented (the stdout connector).
#pragma once

#include <cstddef>
#include <functional>
#include <istream>
#include <string>

#include "stoq/error.hpp"
#include "stoq/json.hpp"

namespace stoq::cli {

/// Reads `in` to its end and calls `on_document` with each document as soon as it is
/// complete (a pipe is rendered as it arrives). Returns how many were read. Throws
/// stoq::Error "document N: <why>" at the first text that is not JSON; the documents
/// before it were already handed over.
inline std::size_t read_json_documents(std::istream& in, const std::function<void(Json& document)>& on_document) {
  std::size_t count = 0;
  while (true) {
    in >> std::ws;
    if (in.peek() == std::char_traits<char>::eof()) break;
    Json document;
    try {
      in >> document;  // stops right after the document's last character
    } catch (const Json::parse_error& e) {
      std::string why = e.what();
      if (auto bracket = why.find("] "); why.rfind("[json.exception", 0) == 0 && bracket != std::string::npos) {
        why.erase(0, bracket + 2);  // "[json.exception.parse_error.101] parse error at line 1, ..."
      }
      throw Error("document " + std::to_string(count + 1) + ": " + why);
    }
    ++count;
    on_document(document);
  }
  return count;
}

}  // namespace stoq::cli

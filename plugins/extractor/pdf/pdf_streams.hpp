// The streams and embedded files of a PDF, through libqpdf: a thin, limit-aware wrapper
// shared by extractor:pdf and the fuzz target fuzz_pdf. qpdf parses (with recovery,
// warnings kept off stderr); this code decides what to decode and where to stop.
//
// C++17 on purpose: qpdf 11.3's headers do not compile as C++20 with clang 14 (JSON.hh
// destroys a vector of an incomplete type), so pdf_streams.cpp is built with -std=c++17
// and this header keeps to C++17 types (no stoq::ByteView).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace stoq::pdf {

/// One stream, described before its data is read.
struct StreamInfo {
  int object = 0;
  int generation = 0;
  std::vector<std::string> filters;  // names without '/', in order
  std::string type;                  // /Type without '/', "" when absent
  std::string subtype;               // /Subtype without '/', "" when absent
  std::string embedded_filename;     // set for an embedded file's stream
  std::string embedded_mime_type;    // its /Subtype as a MIME type ("application/pdf"), if any
};

/// Receives a stream's bytes piece by piece; false = stop this stream (limit reached).
using ByteSink = std::function<bool(const unsigned char* data, std::size_t size)>;

/// How a stream came out.
struct StreamResult {
  bool decoded = false;  // the filters were applied (false: the raw, still-encoded bytes)
  bool stopped = false;  // the sink refused more bytes
  std::string error;     // why decoding failed and raw bytes were given instead
};

/// What the caller does per stream: `begin` decides whether to read it (false skips it)
/// and returns the sink for its bytes; `end` receives the outcome. Returning false from
/// `end` stops the walk.
struct Visitor {
  std::function<bool(const StreamInfo&, ByteSink&)> begin;
  std::function<bool(const StreamInfo&, const StreamResult&)> end;
};

struct Summary {
  std::size_t objects = 0;
  std::size_t streams = 0;
  std::size_t embedded_files = 0;
  std::vector<std::string> warnings;  // the first few qpdf warnings
};

/// Walks `data`: embedded files first (their streams carry the file name), then every
/// other stream in object order. Lossless filters are decoded (Flate, LZW, ASCII85,
/// ASCIIHex, RunLength, with predictors); a stream whose filters qpdf cannot or should
/// not undo (DCT, JPX, JBIG2, CCITT: lossy or image codecs) is given raw, as are streams
/// whose decoding fails. Throws stoq::Error when qpdf cannot open the file at all.
Summary walk(const unsigned char* data, std::size_t size, const Visitor& visitor);

}  // namespace stoq::pdf

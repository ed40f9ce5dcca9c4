// Image and document metadata with exiv2: the format, MIME type and pixel size, every
// EXIF, IPTC and XMP key with its value, and the common fields under exiftool's names
// (Make, Model, Artist, DateTimeOriginal, ISO, Keywords, Creator, ...) with exiftool's
// numeric values ("exiftool -n"). Formats exiv2 cannot open (PDF, Office, ...) are
// searched for an embedded XMP packet. Every exiv2 call is guarded: an exception costs
// a warning in the results, never the rest of them.
#pragma once

#include <cstddef>

#include "stoq/bytes.hpp"
#include "stoq/json.hpp"

namespace stoq::exif {

struct ReadLimits {
  std::size_t max_keys = 2000;          // keys per group (exif, iptc, xmp)
  std::size_t max_value_bytes = 4096;   // bytes of each value (longer: cut, or a binary summary)
  bool xmp_packet_scan = true;          // look for an XMP packet in formats exiv2 does not read
  std::size_t max_xmp_bytes = 1 << 20;  // size of such a packet
};

/// Once per process, before any read (idempotent, thread-safe): XMP toolkit, exiv2's
/// log (muted), BMFF (HEIF/AVIF) support.
void initialize_exiv2();

/// The metadata of `data`, or null when exiv2 knows the format not and no XMP packet
/// was found.
Json read_metadata(ByteView data, const ReadLimits& limits);

}  // namespace stoq::exif

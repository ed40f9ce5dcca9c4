// The common metadata fields under exiftool's tag names with exiftool's numeric values
// ("exiftool -n"): the exiv2 key -> exiftool name tables and the value conversions.
#pragma once

#include <string>

#include "exiv2_include.hpp"
#include "stoq/json.hpp"

namespace stoq::exif {

/// Adds `datum` to `fields` under its exiftool name when it is one of the common fields
/// and the name is not there yet (EXIF is read first, then IPTC, then XMP, so EXIF wins,
/// as in exiftool's default priority). Exiv2 exceptions propagate.
void add_common_field(Json& fields, const Exiv2::Exifdatum& datum);
void add_common_field(Json& fields, const Exiv2::Iptcdatum& datum, const Exiv2::IptcData& all);
void add_common_field(Json& fields, const Exiv2::Xmpdatum& datum);

/// Any bytes as UTF-8 text for results (invalid UTF-8 read as Latin-1).
std::string text_of(std::string_view bytes);

}  // namespace stoq::exif

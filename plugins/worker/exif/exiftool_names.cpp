// exiftool names and numeric values for the common fields; see exiftool_names.hpp.
#include "exiftool_names.hpp"

#include <cctype>
#include <cmath>
#include <cstdint>
#include <string_view>

#include "stoq/text.hpp"

namespace stoq::exif {
namespace {

// exiv2 key -> exiftool tag name. IFD0, the Exif and GPS IFDs; not IFD1 (the
// thumbnail's, which exiftool reports under the same names) nor maker notes.
constexpr const char* kExif[][2] = {
    {"Exif.Image.Make", "Make"},
    {"Exif.Image.Model", "Model"},
    {"Exif.Image.Software", "Software"},
    {"Exif.Image.Artist", "Artist"},
    {"Exif.Image.Copyright", "Copyright"},
    {"Exif.Image.ImageDescription", "ImageDescription"},
    {"Exif.Image.HostComputer", "HostComputer"},
    {"Exif.Image.Orientation", "Orientation"},
    {"Exif.Image.XResolution", "XResolution"},
    {"Exif.Image.YResolution", "YResolution"},
    {"Exif.Image.ResolutionUnit", "ResolutionUnit"},
    {"Exif.Image.YCbCrPositioning", "YCbCrPositioning"},
    {"Exif.Image.DateTime", "ModifyDate"},
    {"Exif.Photo.DateTimeOriginal", "DateTimeOriginal"},
    {"Exif.Photo.DateTimeDigitized", "CreateDate"},
    {"Exif.Photo.OffsetTime", "OffsetTime"},
    {"Exif.Photo.OffsetTimeOriginal", "OffsetTimeOriginal"},
    {"Exif.Photo.SubSecTime", "SubSecTime"},
    {"Exif.Photo.SubSecTimeOriginal", "SubSecTimeOriginal"},
    {"Exif.Photo.SubSecTimeDigitized", "SubSecTimeDigitized"},
    {"Exif.Photo.ExposureTime", "ExposureTime"},
    {"Exif.Photo.FNumber", "FNumber"},
    {"Exif.Photo.ExposureProgram", "ExposureProgram"},
    {"Exif.Photo.ISOSpeedRatings", "ISO"},
    {"Exif.Photo.ExifVersion", "ExifVersion"},
    {"Exif.Photo.FlashpixVersion", "FlashpixVersion"},
    {"Exif.Photo.ExposureBiasValue", "ExposureCompensation"},
    {"Exif.Photo.MeteringMode", "MeteringMode"},
    {"Exif.Photo.Flash", "Flash"},
    {"Exif.Photo.FocalLength", "FocalLength"},
    {"Exif.Photo.FocalLengthIn35mmFilm", "FocalLengthIn35mmFormat"},
    {"Exif.Photo.ColorSpace", "ColorSpace"},
    {"Exif.Photo.PixelXDimension", "ExifImageWidth"},
    {"Exif.Photo.PixelYDimension", "ExifImageHeight"},
    {"Exif.Photo.WhiteBalance", "WhiteBalance"},
    {"Exif.Photo.UserComment", "UserComment"},
    {"Exif.Photo.LensMake", "LensMake"},
    {"Exif.Photo.LensModel", "LensModel"},
    {"Exif.Photo.BodySerialNumber", "SerialNumber"},
    {"Exif.Photo.ImageUniqueID", "ImageUniqueID"},
    {"Exif.GPSInfo.GPSLatitudeRef", "GPSLatitudeRef"},
    {"Exif.GPSInfo.GPSLatitude", "GPSLatitude"},
    {"Exif.GPSInfo.GPSLongitudeRef", "GPSLongitudeRef"},
    {"Exif.GPSInfo.GPSLongitude", "GPSLongitude"},
    {"Exif.GPSInfo.GPSAltitudeRef", "GPSAltitudeRef"},
    {"Exif.GPSInfo.GPSAltitude", "GPSAltitude"},
};

constexpr const char* kIptc[][2] = {
    {"Iptc.Application2.ObjectName", "ObjectName"},
    {"Iptc.Application2.Keywords", "Keywords"},
    {"Iptc.Application2.Byline", "By-line"},
    {"Iptc.Application2.BylineTitle", "By-lineTitle"},
    {"Iptc.Application2.Caption", "Caption-Abstract"},
    {"Iptc.Application2.Headline", "Headline"},
    {"Iptc.Application2.City", "City"},
    {"Iptc.Application2.SubLocation", "Sub-location"},
    {"Iptc.Application2.ProvinceState", "Province-State"},
    {"Iptc.Application2.CountryCode", "Country-PrimaryLocationCode"},
    {"Iptc.Application2.CountryName", "Country-PrimaryLocationName"},
    {"Iptc.Application2.Credit", "Credit"},
    {"Iptc.Application2.Source", "Source"},
    {"Iptc.Application2.Copyright", "CopyrightNotice"},
    {"Iptc.Application2.Writer", "Writer-Editor"},
    {"Iptc.Application2.SpecialInstructions", "SpecialInstructions"},
    {"Iptc.Application2.DateCreated", "DateCreated"},
    {"Iptc.Application2.TimeCreated", "TimeCreated"},
};

// XMP namespaces whose properties are reported under exiftool's names.
constexpr std::string_view kXmpGroups[] = {"dc",        "xmp",  "xmpMM", "xmpRights",    "pdf",
                                           "photoshop", "exif", "tiff",  "Iptc4xmpCore", "aux"};

// A whole number as an integer (exiftool prints 72, not 72.0), else a double.
Json number(double value) {
  if (std::isfinite(value) && std::floor(value) == value && std::fabs(value) < 1e15) {
    return static_cast<std::int64_t>(value);
  }
  return std::isfinite(value) ? Json(value) : Json(nullptr);
}

double rational(const Exiv2::Exifdatum& datum, long index) {
  Exiv2::Rational r = datum.toRational(index);
  return r.second == 0 ? 0.0 : static_cast<double>(r.first) / r.second;
}

std::string trim_end(std::string text) {
  while (!text.empty() && (text.back() == '\0' || text.back() == ' ')) text.pop_back();
  return text;
}

Json exif_value(const Exiv2::Exifdatum& datum) {
  const std::string key = datum.key();
  const long count = datum.count();
  if ((key == "Exif.GPSInfo.GPSLatitude" || key == "Exif.GPSInfo.GPSLongitude") && count == 3) {
    return number(rational(datum, 0) + rational(datum, 1) / 60 + rational(datum, 2) / 3600);
  }
  if (key == "Exif.Photo.UserComment") {
    const auto* comment = dynamic_cast<const Exiv2::CommentValue*>(&datum.value());
    return comment != nullptr ? Json(text_of(trim_end(comment->comment()))) : Json(nullptr);
  }
  switch (datum.typeId()) {
    case Exiv2::asciiString: return text_of(trim_end(datum.toString()));
    case Exiv2::unsignedRational:
    case Exiv2::signedRational:
      if (count == 1) return number(rational(datum, 0));
      break;
    case Exiv2::undefined: {
      Exiv2::DataBuf buffer(static_cast<long>(datum.size()));
      datum.copy(buffer.pData_, Exiv2::invalidByteOrder);
      std::string bytes(reinterpret_cast<const char*>(buffer.pData_), static_cast<std::size_t>(buffer.size_));
      bool printable = !bytes.empty();
      for (char c : bytes) printable = printable && std::isprint(static_cast<unsigned char>(c)) != 0;
      if (printable) return bytes;
      break;
    }
    default:
      if (count == 1) return static_cast<std::int64_t>(datum.toLong(0));
      break;
  }
  if (count > 16) return nullptr;
  std::string joined;
  for (long i = 0; i < count; ++i) {
    if (i > 0) joined += ' ';
    joined += datum.toString(i);
  }
  return joined;
}

// "2022-12-16T13:48:52-06:00" -> "2022:12:16 13:48:52-06:00", exiftool's form.
std::string exiftool_date(const std::string& text) {
  auto digits = [&](std::size_t at, std::size_t n) {
    if (at + n > text.size()) return false;
    for (std::size_t i = at; i < at + n; ++i) {
      if (std::isdigit(static_cast<unsigned char>(text[i])) == 0) return false;
    }
    return true;
  };
  if (!digits(0, 4) || text.size() < 10 || text[4] != '-' || !digits(5, 2) || text[7] != '-' || !digits(8, 2)) {
    return text;
  }
  if (text.size() > 10 && (text[10] != 'T' || !digits(11, 2) || text.size() < 16 || text[13] != ':')) return text;
  std::string out = text;
  out[4] = ':';
  out[7] = ':';
  if (out.size() > 10) out[10] = ' ';
  return out;
}

// "22,54.682S" (degrees, decimal minutes) or "22,54,40.92S" -> -22.911367.
Json xmp_coordinate(const std::string& text) {
  if (text.empty()) return text;
  char ref = static_cast<char>(std::toupper(static_cast<unsigned char>(text.back())));
  if (ref != 'N' && ref != 'S' && ref != 'E' && ref != 'W') return text;
  double value = 0;
  double scale = 1;
  std::size_t pos = 0;
  std::string_view body(text.data(), text.size() - 1);
  while (pos <= body.size() && scale >= 1.0 / 3600) {
    std::size_t comma = body.find(',', pos);
    std::string part(body.substr(pos, comma == std::string_view::npos ? std::string_view::npos : comma - pos));
    char* end = nullptr;
    double component = std::strtod(part.c_str(), &end);
    if (part.empty() || end != part.c_str() + part.size()) return text;
    value += component * scale;
    scale /= 60;
    if (comma == std::string_view::npos) break;
    pos = comma + 1;
  }
  return number(ref == 'S' || ref == 'W' ? -value : value);
}

// "DerivedFrom/stRef:instanceID" -> "DerivedFromInstanceID"; "" for array items.
std::string xmp_name(const std::string& path) {
  if (path.find('[') != std::string::npos) return "";
  std::string name;
  std::size_t pos = 0;
  while (pos <= path.size()) {
    std::size_t slash = path.find('/', pos);
    std::string part = path.substr(pos, slash == std::string::npos ? std::string::npos : slash - pos);
    if (std::size_t colon = part.find(':'); colon != std::string::npos) part = part.substr(colon + 1);
    if (!part.empty()) part[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(part[0])));
    name += part;
    if (slash == std::string::npos) break;
    pos = slash + 1;
  }
  return name;
}

Json xmp_value(const Exiv2::Xmpdatum& datum) {
  const Exiv2::Value& value = datum.value();
  if (const auto* lang = dynamic_cast<const Exiv2::LangAltValue*>(&value)) {
    auto found = lang->value_.find("x-default");
    if (found == lang->value_.end()) found = lang->value_.begin();
    return found == lang->value_.end() ? Json(nullptr) : Json(text_of(found->second));
  }
  if (const auto* array = dynamic_cast<const Exiv2::XmpArrayValue*>(&value)) {
    if (array->count() == 1) return text_of(array->toString(0));
    Json items = Json::array();
    for (long i = 0; i < array->count(); ++i) items.push_back(text_of(array->toString(i)));
    return items;
  }
  return text_of(exiftool_date(datum.toString()));
}

}  // namespace

std::string text_of(std::string_view bytes) {
  return is_valid_utf8(bytes) ? std::string(bytes) : latin1_to_utf8(ByteView(bytes));
}

void add_common_field(Json& fields, const Exiv2::Exifdatum& datum) {
  const std::string key = datum.key();
  for (const auto& entry : kExif) {
    if (key != entry[0] || fields.contains(entry[1])) continue;
    Json value = exif_value(datum);
    if (!value.is_null()) fields[entry[1]] = std::move(value);
    return;
  }
}

void add_common_field(Json& fields, const Exiv2::Iptcdatum& datum, const Exiv2::IptcData& all) {
  const std::string key = datum.key();
  for (const auto& entry : kIptc) {
    if (key != entry[0] || fields.contains(entry[1])) continue;
    Json values = Json::array();
    for (const auto& other : all) {
      if (other.key() == key) values.push_back(text_of(exiftool_date(other.toString())));
    }
    fields[entry[1]] = values.size() == 1 ? values[0] : values;
    return;
  }
}

void add_common_field(Json& fields, const Exiv2::Xmpdatum& datum) {
  const std::string group = datum.groupName();
  bool known = false;
  for (std::string_view name : kXmpGroups) known = known || group == name;
  if (!known) return;
  std::string name = xmp_name(datum.tagName());
  if (name.empty() || fields.contains(name)) return;
  Json value = xmp_value(datum);
  if (group == "exif" && (name == "GPSLatitude" || name == "GPSLongitude") && value.is_string()) {
    value = xmp_coordinate(value.get<std::string>());
  }
  // A struct's own entry ('type="Struct"') is not a value: its fields follow it.
  if (value.is_string() && value.get<std::string>().rfind("type=\"", 0) == 0) return;
  if (!value.is_null()) fields[name] = std::move(value);
}

}  // namespace stoq::exif

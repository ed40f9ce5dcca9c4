// Metadata with exiv2; see metadata.hpp.
#include "metadata.hpp"

#include <algorithm>
#include <mutex>
#include <string>
#include <string_view>

#include "exiftool_names.hpp"
#include "exiv2_include.hpp"

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"  // Exiv2::Image::AutoPtr is a std::auto_ptr

namespace stoq::exif {
namespace {

constexpr std::size_t kMaxWarnings = 20;

struct Report {
  const ReadLimits& limits;
  Json fields = Json::object();
  Json warnings = Json::array();
  Json truncated = Json::array();

  void warn(const std::string& text) {
    if (warnings.size() < kMaxWarnings) warnings.push_back(text_of(text));
  }
};

std::string cut(std::string text, std::size_t max_bytes) {
  if (text.size() <= max_bytes) return text;
  std::size_t end = max_bytes;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0U) == 0x80U) --end;
  text.resize(end);
  return text + "...";
}

bool is_text(Exiv2::TypeId type) {
  return type == Exiv2::asciiString || type == Exiv2::string || type == Exiv2::comment || type == Exiv2::xmpText ||
         type == Exiv2::date || type == Exiv2::time || type == Exiv2::langAlt || type == Exiv2::xmpBag ||
         type == Exiv2::xmpSeq || type == Exiv2::xmpAlt;
}

// The value as exiv2 prints it ("exiv2 -pv"), bounded: a long binary value is summarised.
template <typename Datum>
std::string value_text(const Datum& datum, const ReadLimits& limits) {
  if (!is_text(datum.typeId()) && static_cast<std::size_t>(datum.size()) > limits.max_value_bytes / 2) {
    return "(binary data, " + std::to_string(datum.size()) + " bytes)";
  }
  return cut(text_of(datum.toString()), limits.max_value_bytes);
}

// Every key of one group ("exif", "iptc", "xmp"): key -> value (a list for a repeated key).
template <typename Data, typename Common>
Json group(const Data& data, const char* name, Report& report, Common add_common) {
  Json out = Json::object();
  for (const auto& datum : data) {
    if (out.size() >= report.limits.max_keys) {
      report.truncated.push_back(std::string(name) + ": more than " + std::to_string(report.limits.max_keys) +
                                 " keys (max_keys)");
      break;
    }
    try {
      std::string key = text_of(datum.key());
      std::string value = value_text(datum, report.limits);
      if (!out.contains(key)) {
        out[key] = std::move(value);
      } else {
        if (!out[key].is_array()) out[key] = Json::array({out[key]});
        out[key].push_back(std::move(value));
      }
      add_common(datum);
    } catch (const Exiv2::AnyError& e) {
      report.warn(std::string(name) + ": " + e.what());
    } catch (const std::exception& e) {
      report.warn(std::string(name) + ": " + e.what());
    }
  }
  return out;
}

// An XMP packet embedded in any file (PDF, Office, GIF, ...): "<?xpacket begin" or
// "<x:xmpmeta" up to "</x:xmpmeta>".
std::string find_xmp_packet(std::string_view data, std::size_t max_bytes) {
  std::size_t start = data.find("<x:xmpmeta");
  if (start == std::string_view::npos) return "";
  std::size_t end = data.find("</x:xmpmeta>", start);
  if (end == std::string_view::npos) return "";
  end += std::string_view("</x:xmpmeta>").size();
  if (end - start > max_bytes) return "";
  return std::string(data.substr(start, end - start));
}

void add_xmp(Report& report, const Exiv2::XmpData& xmp, Json& result) {
  result["xmp"] = group(xmp, "xmp", report, [&](const Exiv2::Xmpdatum& d) { add_common_field(report.fields, d); });
}

bool scan_for_xmp(ByteView data, Report& report, Json& result) {
  std::string packet = find_xmp_packet(data.as_string_view(), report.limits.max_xmp_bytes);
  if (packet.empty()) return false;
  Exiv2::XmpData xmp;
  try {
    if (Exiv2::XmpParser::decode(xmp, packet) != 0) {
      report.warn("xmp: the embedded XMP packet does not parse");
      return false;
    }
  } catch (const Exiv2::AnyError& e) {
    report.warn(std::string("xmp: ") + e.what());
    return false;
  }
  result["xmp_packet"] = true;
  add_xmp(report, xmp, result);
  return true;
}

}  // namespace

void initialize_exiv2() {
  static std::once_flag once;
  std::call_once(once, [] {
    Exiv2::XmpParser::initialize();
    Exiv2::LogMsg::setLevel(Exiv2::LogMsg::mute);
    Exiv2::enableBMFF(true);
  });
}

Json read_metadata(ByteView data, const ReadLimits& limits) {
  Report report{limits};
  Json result = Json::object();
  Exiv2::Image::AutoPtr image;
  const auto* bytes = reinterpret_cast<const Exiv2::byte*>(data.data());
  auto size = static_cast<long>(data.size());
  int type = Exiv2::ImageType::none;
  try {
    type = Exiv2::ImageFactory::getType(bytes, size);
  } catch (const std::exception&) {
    type = Exiv2::ImageType::none;  // a format check read past a short payload: none of exiv2's
  }
  try {
    if (type != Exiv2::ImageType::none) image = Exiv2::ImageFactory::open(bytes, size);
  } catch (const Exiv2::AnyError& e) {
    report.warn(std::string("exiv2 cannot open the payload: ") + e.what());
  } catch (const std::exception& e) {
    report.warn(std::string("exiv2 cannot open the payload: ") + e.what());
  }

  Json groups = Json::object();
  if (image.get() == nullptr) {
    if (!limits.xmp_packet_scan || !scan_for_xmp(data, report, groups)) {
      if (report.warnings.empty()) return nullptr;
      return {{"format", "unknown"}, {"warnings", std::move(report.warnings)}};
    }
    result["format"] = "xmp";
  } else {
    try {
      image->readMetadata();
    } catch (const Exiv2::AnyError& e) {
      report.warn(std::string("exiv2: ") + e.what() + " (results are partial)");
    } catch (const std::exception& e) {
      report.warn(std::string("exiv2: ") + e.what() + " (results are partial)");
    }
    try {
      std::string mime = image->mimeType();
      result["format"] = text_of(mime.substr(mime.find('/') + 1));
      report.fields["MIMEType"] = text_of(mime);
      if (image->pixelWidth() > 0) report.fields["ImageWidth"] = image->pixelWidth();
      if (image->pixelHeight() > 0) report.fields["ImageHeight"] = image->pixelHeight();
      std::string comment = image->comment();
      if (!comment.empty()) report.fields["Comment"] = cut(text_of(comment), limits.max_value_bytes);
    } catch (const Exiv2::AnyError& e) {
      report.warn(std::string("exiv2: ") + e.what());
    }
    const Exiv2::ExifData& exif = image->exifData();
    const Exiv2::IptcData& iptc = image->iptcData();
    groups["exif"] =
        group(exif, "exif", report, [&](const Exiv2::Exifdatum& d) { add_common_field(report.fields, d); });
    groups["iptc"] =
        group(iptc, "iptc", report, [&](const Exiv2::Iptcdatum& d) { add_common_field(report.fields, d, iptc); });
    if (!image->xmpData().empty()) {
      add_xmp(report, image->xmpData(), groups);
    } else if (!limits.xmp_packet_scan || !scan_for_xmp(data, report, groups)) {
      groups["xmp"] = Json::object();
    }
  }
  for (auto& [name, value] : report.fields.items()) result[name] = std::move(value);
  for (auto& [name, value] : groups.items()) result[name] = std::move(value);
  if (!report.truncated.empty()) result["truncated"] = std::move(report.truncated);
  if (!report.warnings.empty()) result["warnings"] = std::move(report.warnings);
  return result;
}

}  // namespace stoq::exif

#pragma GCC diagnostic pop

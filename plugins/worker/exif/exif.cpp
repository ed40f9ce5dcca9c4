// worker:exif: image and document metadata with the exiv2 library (EXIF, IPTC, XMP,
// the format, MIME type and pixel size), and the common fields under exiftool's names.
// The original stoQ plugin ran the exiftool program; its `exiftool` option is accepted
// so that its .stoq files load unchanged, but no program is run: exiv2 reads the
// payload in memory.
#include <string>

#include "metadata.hpp"
#include "stoq/plugin.hpp"

namespace stoq::plugins::worker::exif {
namespace {

constexpr stoq_option_spec kOptions[] = {
    {"max_bytes", STOQ_OPTION_INT, "268435456", "Payloads larger than this are not given to exiv2 (an error).", 0},
    {"max_keys", STOQ_OPTION_INT, "2000", "Keys reported per group (exif, iptc, xmp).", 0},
    {"max_value_bytes", STOQ_OPTION_INT, "4096",
     "Bytes kept of each value; longer binary values are summarised by their size.", 0},
    {"xmp_packet_scan", STOQ_OPTION_BOOL, "True",
     "Search formats exiv2 does not read (PDF, Office, GIF, ...) for an embedded XMP packet.", 0},
    {"max_xmp_bytes", STOQ_OPTION_INT, "1048576", "Largest embedded XMP packet parsed.", 0},
    {"exiftool", STOQ_OPTION_STRING, "",
     "Original option: the exiftool program. Accepted, NOT USED: the exiv2 library reads the metadata.", 0},
};

std::size_t positive(const Options& options, const char* name) {
  std::int64_t value = options.get_int(name);
  if (value < 1) throw Error(std::string(name) + " must be 1 or more, got " + std::to_string(value));
  return static_cast<std::size_t>(value);
}

}  // namespace

class ExifWorker final : public Worker {
 public:
  bool activate(Stoq& /*stoq*/) override {
    max_bytes_ = positive(options(), "max_bytes");
    limits_.max_keys = positive(options(), "max_keys");
    limits_.max_value_bytes = positive(options(), "max_value_bytes");
    limits_.xmp_packet_scan = options().get_bool("xmp_packet_scan");
    limits_.max_xmp_bytes = positive(options(), "max_xmp_bytes");
    if (!options().get_string("exiftool").empty()) {
      log().debug("the exiftool option is not used: metadata is read with the exiv2 library");
    }
    stoq::exif::initialize_exiv2();
    return true;
  }

  Json scan(const Payload& payload, const Json& /*kwargs*/) override {
    if (payload.is_none()) throw Error("exif needs a payload: give a file or directory with -F");
    if (payload.size() > max_bytes_) {
      throw Error("exif: the payload has " + std::to_string(payload.size()) + " bytes, more than max_bytes (" +
                  std::to_string(max_bytes_) + "): not read");
    }
    return stoq::exif::read_metadata(payload.bytes(), limits_);
  }

 private:
  std::size_t max_bytes_ = 0;
  stoq::exif::ReadLimits limits_;
};

}  // namespace stoq::plugins::worker::exif

STOQ_PLUGIN(stoq::plugins::worker::exif::ExifWorker, "exif", "0.10",
            "Image and document metadata (EXIF, IPTC, XMP) with exiv2", stoq::plugins::worker::exif::kOptions)

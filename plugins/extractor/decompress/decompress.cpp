// extractor:decompress: the members of archives and compressed files as children.
//
// Engines, picked by content (never by file name):
//   * CHM, SZDD, KWAJ (by magic): libmspack (mspack_engine.cpp);
//   * everything else: libarchive 3.6 (archive_engine.cpp): zip (incl. ZipCrypto and AES
//     with passwords), 7z, rar, rar5, tar, cpio, cab, iso9660, lha, xar, ar/deb under
//     any in-process filter, or one compressed stream as a single child; zip members
//     stored with deflate64 or implode, which libarchive cannot read, are decoded by
//     this plugin (deflate64.cpp, implode.cpp) after zip_directory.cpp located them.
//
// Children: one per regular-file member, streamed into a ChildWriter. Members that
// cannot be extracted (encrypted with no matching password, links, devices) are
// listed as children with an EMPTY payload and meta saying why, so the results tree
// shows the whole listing. Directories are not listed. Meta per member: filename
// (the path inside the archive, metadata only), size (as the archive declares it),
// compressed_size (zip), mtime (ISO-8601 UTC, "2022-12-11T10:00:00Z"), encrypted,
// type, archive_format, link_target; error and truncated when cut short; stopped on
// the last child when a limit ended the extraction.
#include <algorithm>
#include <fstream>

#include "archive_engine.hpp"
#include "collector.hpp"
#include "mspack_engine.hpp"
#include "zip_directory.hpp"

namespace stoq::plugins::extractor::decompress {
namespace {

constexpr std::size_t kMaxPasswordFileBytes = 1 << 20;
constexpr std::size_t kMaxZipEntries = 1 << 20;

std::string trim(std::string text) {
  auto space = [](unsigned char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!text.empty() && space(static_cast<unsigned char>(text.back()))) text.pop_back();
  std::size_t start = 0;
  while (start < text.size() && space(static_cast<unsigned char>(text[start]))) ++start;
  return text.substr(start);
}

/// Adds `password` unless it is "-" (the original's "no password") or already there.
void add_password(std::vector<std::string>& passwords, const std::string& password) {
  if (password.empty() || password == "-") return;
  if (std::find(passwords.begin(), passwords.end(), password) == passwords.end()) passwords.push_back(password);
}

/// A comma list ("a, b") or a JSON array of strings.
void add_password_list(std::vector<std::string>& passwords, const Json& value) {
  if (value.is_array()) {
    for (const Json& item : value) {
      if (item.is_string()) add_password(passwords, trim(item.get<std::string>()));
    }
    return;
  }
  if (!value.is_string()) return;
  const std::string& text = value.get_ref<const std::string&>();
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t comma = text.find(',', start);
    if (comma == std::string::npos) comma = text.size();
    add_password(passwords, trim(text.substr(start, comma - start)));
    start = comma + 1;
  }
}

class DecompressExtractor final : public Extractor {
 public:
  bool activate(Stoq& /*stoq*/) override {
    maximum_size_ = options().get_int("maximum_size");
    if (maximum_size_ <= 0) throw Error("maximum_size must be a positive number of bytes");
    for (const std::string& password : options().get_list("password_list")) add_password(passwords_, trim(password));
    std::string file = options().get_string("password_file");
    if (!file.empty()) read_password_file(file);
    return true;
  }

  ExtractedList extract(const Payload& payload, const Json& kwargs) override {
    if (payload.is_none()) throw Error("decompress needs a payload");
    if (payload.size() > static_cast<std::uint64_t>(maximum_size_)) {
      throw Error("payload is " + std::to_string(payload.size()) + " bytes, above maximum_size (" +
                  std::to_string(maximum_size_) + ")");
    }
    std::string parent;
    if (kwargs.is_object() && kwargs.contains("filename") && kwargs["filename"].is_string()) {
      parent = kwargs["filename"].get<std::string>();
    }
    Collector collector(stoq());
    ByteView data = payload.bytes();
    if (MsFormat format = detect_ms_format(data); format != MsFormat::None) {
      extract_with_mspack(format, data, parent, collector);
    } else {
      std::optional<ZipDirectory> zip = read_zip_directory(data, kMaxZipEntries);
      ArchiveRequest request{data, payload.is_mapped() ? &payload : nullptr, passwords_for(kwargs),
                             zip ? &*zip : nullptr, parent};
      std::string error;
      try {
        if (!extract_with_libarchive(request, collector, error)) {
          throw Error("not an archive or compressed stream decompress reads (libarchive: " + error + ")");
        }
      } catch (const Error& refused) {
        // libarchive refuses some cabinets Windows and cabextract read (those inside MSI
        // packages): libmspack gets a second try before the error stands.
        if (!data.starts_with("MSCF") || !collector.empty()) throw;
        try {
          extract_with_mspack(MsFormat::Cab, data, parent, collector);
        } catch (const Error& second) {
          throw Error(std::string(refused.what()) + "; libmspack: " + second.what());
        }
      }
    }
    if (collector.empty() && collector.stopped()) throw Error(collector.stop_reason());
    return collector.take();
  }

 private:
  /// The message's passwords (kwargs password, password_list) first, then the options'.
  std::vector<std::string> passwords_for(const Json& kwargs) const {
    std::vector<std::string> passwords;
    if (kwargs.is_object()) {
      if (auto it = kwargs.find("password"); it != kwargs.end() && it->is_string()) {
        add_password(passwords, it->get<std::string>());
      }
      if (auto it = kwargs.find("password_list"); it != kwargs.end()) add_password_list(passwords, *it);
    }
    for (const std::string& password : passwords_) add_password(passwords, password);
    return passwords;
  }

  /// One password per line; blank lines skipped; at most kMaxPasswordFileBytes read.
  void read_password_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw Error("password_file: cannot read " + path);
    std::string line;
    std::size_t bytes = 0;
    while (bytes < kMaxPasswordFileBytes && std::getline(in, line)) {
      bytes += line.size() + 1;
      while (!line.empty() && (line.back() == '\r' || line.back() == '\n')) line.pop_back();
      add_password(passwords_, line);
    }
  }

  std::int64_t maximum_size_ = 0;
  std::vector<std::string> passwords_;
};

constexpr stoq_option_spec kOptions[] = {
    {"password_list", STOQ_OPTION_LIST, "-, infected, password",
     "Passwords tried on encrypted members, in order; '-' means no password. A message's password / "
     "password_list (e.g. from a YARA rule's meta) are tried first.",
     0},
    {"maximum_size", STOQ_OPTION_INT, "1073741824", "Largest payload (bytes) to decompress; larger ones are refused.",
     0},
    {"password_file", STOQ_OPTION_PATH, "",
     "A file of further passwords, one per line (tried after password_list); empty: none.", 0},
};

}  // namespace
}  // namespace stoq::plugins::extractor::decompress

STOQ_PLUGIN(stoq::plugins::extractor::decompress::DecompressExtractor, "decompress", "0.1",
            "Extract content from a multitude of archive formats", stoq::plugins::extractor::decompress::kOptions)

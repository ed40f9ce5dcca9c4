#include "archive_engine.hpp"

#include <archive.h>
#include <archive_entry.h>
#include <unistd.h>

#include <cstdio>
#include <ctime>
#include <memory>
#include <unordered_map>

#include "deflate64.hpp"
#include "implode.hpp"

namespace stoq::plugins::extractor::decompress {
namespace {

using ArchivePtr = std::unique_ptr<archive, decltype(&archive_read_free)>;
using FilterSupport = int (*)(archive*);

struct NamedFilter {
  const char* name;
  FilterSupport enable;
};
// Formats and filters libarchive may use. Left out on purpose: mtree (its entries name
// files on the local disk, which the reader would open), warc and empty; and the filters
// libarchive runs as external programs when built without their library (grzip, lrzip,
// lzop: in_process_filters() probes the rest too).
constexpr FilterSupport kFormats[] = {
    archive_read_support_format_7zip, archive_read_support_format_ar,      archive_read_support_format_cab,
    archive_read_support_format_cpio, archive_read_support_format_iso9660, archive_read_support_format_lha,
    archive_read_support_format_rar,  archive_read_support_format_rar5,    archive_read_support_format_tar,
    archive_read_support_format_xar,  archive_read_support_format_zip};
constexpr NamedFilter kFilters[] = {
    {"bzip2", archive_read_support_filter_bzip2}, {"compress", archive_read_support_filter_compress},
    {"gzip", archive_read_support_filter_gzip},   {"lz4", archive_read_support_filter_lz4},
    {"lzip", archive_read_support_filter_lzip},   {"lzma", archive_read_support_filter_lzma},
    {"rpm", archive_read_support_filter_rpm},     {"uu", archive_read_support_filter_uu},
    {"xz", archive_read_support_filter_xz},       {"zstd", archive_read_support_filter_zstd}};
constexpr std::size_t kReadPiece = 1 << 20;
constexpr int kMaxHeaderFailures = 64;

/// The payload as libarchive's client: pieces of at most kReadPiece bytes, seekable.
struct MemorySource {
  ByteView data;
  const Payload* owner = nullptr;
  std::size_t position = 0;
  std::uint64_t delivered = 0;  // bytes handed out so far, re-reads after seeks included
  ByteView last_piece;

  /// The piece libarchive is done with leaves this process's resident memory when the
  /// payload is mapped (its pages come back from the page cache if read again).
  void release_last_piece() {
    if (owner == nullptr || last_piece.empty()) return;
    auto offset = static_cast<std::size_t>(last_piece.data() - owner->bytes().data());
    owner->release_pages(offset, last_piece.size());
    last_piece = {};
  }
};

la_ssize_t read_piece(archive* /*a*/, void* client, const void** buffer) {
  auto* source = static_cast<MemorySource*>(client);
  source->release_last_piece();
  ByteView piece = source->data.tail(source->position).head(kReadPiece);
  *buffer = piece.data();
  source->position += piece.size();
  source->delivered += piece.size();
  source->last_piece = piece;
  return static_cast<la_ssize_t>(piece.size());
}

la_int64_t skip_bytes(archive* /*a*/, void* client, la_int64_t request) {
  auto* source = static_cast<MemorySource*>(client);
  if (request <= 0) return 0;
  std::size_t left = source->data.size() - source->position;
  std::size_t skipped = static_cast<std::uint64_t>(request) < left ? static_cast<std::size_t>(request) : left;
  source->position += skipped;
  return static_cast<la_int64_t>(skipped);
}

la_int64_t seek_to(archive* /*a*/, void* client, la_int64_t offset, int whence) {
  auto* source = static_cast<MemorySource*>(client);
  auto size = static_cast<la_int64_t>(source->data.size());
  la_int64_t base = whence == SEEK_SET ? 0 : whence == SEEK_CUR ? static_cast<la_int64_t>(source->position) : size;
  if ((offset < 0 && -offset > base) || (offset > 0 && offset > size - base)) return ARCHIVE_FATAL;
  source->position = static_cast<std::size_t>(base + offset);
  return base + offset;
}

/// A reader over `source` with the given formats; passwords added.
ArchivePtr open_reader(MemorySource& source, bool raw, const std::vector<std::string>& passwords) {
  ArchivePtr reader(archive_read_new(), archive_read_free);
  if (!reader) throw Error("libarchive: out of memory");
  archive* a = reader.get();
  for (const NamedFilter& filter : kFilters) {
    for (const std::string& name : in_process_filters()) {
      if (name == filter.name) filter.enable(a);
    }
  }
  if (raw) {
    archive_read_support_format_raw(a);
  } else {
    for (FilterSupport format : kFormats) format(a);
  }
  for (const std::string& password : passwords) archive_read_add_passphrase(a, password.c_str());
  archive_read_set_read_callback(a, read_piece);
  archive_read_set_skip_callback(a, skip_bytes);
  archive_read_set_seek_callback(a, seek_to);
  archive_read_set_callback_data(a, &source);
  return reader;
}

std::string error_text(archive* a, const char* fallback) {
  const char* text = archive_error_string(a);
  return text != nullptr ? text : fallback;
}

std::string iso_utc(std::time_t seconds) {
  std::tm utc{};
  if (gmtime_r(&seconds, &utc) == nullptr) return "";
  char text[32];
  std::size_t length = std::strftime(text, sizeof(text), "%Y-%m-%dT%H:%M:%SZ", &utc);
  return {text, length};
}

/// The entry's file type; 0 (a mode of 0, as `ar D` writes) counts as a regular file.
unsigned file_type(archive_entry* entry) {
  unsigned type = archive_entry_filetype(entry);
  return type == 0 ? AE_IFREG : type;
}

const char* type_name(archive_entry* entry) {
  switch (file_type(entry)) {
    case AE_IFREG: return archive_entry_hardlink(entry) != nullptr ? "hardlink" : "file";
    case AE_IFDIR: return "directory";
    case AE_IFLNK: return "symlink";
    case AE_IFCHR: return "character_device";
    case AE_IFBLK: return "block_device";
    case AE_IFIFO: return "fifo";
    case AE_IFSOCK: return "socket";
    default: return "unknown";
  }
}

/// The name libarchive reports, as UTF-8 when it can convert it.
std::string entry_name(archive_entry* entry) {
  const char* name = archive_entry_pathname_utf8(entry);
  if (name == nullptr) name = archive_entry_pathname(entry);
  return name != nullptr ? name : "";
}

/// The original file name in a gzip header (FNAME), or "".
std::string gzip_original_name(ByteView data) {
  if (!data.starts_with("\x1f\x8b\x08")) return "";
  auto flags = data.at(3);
  if (!flags || (*flags & 0x08U) == 0) return "";
  std::size_t position = 10;
  if ((*flags & 0x04U) != 0) {
    auto extra = data.read_le<std::uint16_t>(position);
    if (!extra) return "";
    position += 2 + static_cast<std::size_t>(*extra);
  }
  std::string name;
  for (auto byte = data.at(position); byte && *byte != 0 && name.size() < 1024; byte = data.at(++position)) {
    name.push_back(static_cast<char>(*byte));
  }
  return name;
}

std::string stream_child_name(const ArchiveRequest& request) {
  std::string name = gzip_original_name(request.data);
  if (!name.empty()) return name;
  name = request.parent_filename;
  auto slash = name.find_last_of('/');
  if (slash != std::string::npos) name = name.substr(slash + 1);
  auto dot = name.find_last_of('.');
  if (dot != std::string::npos && dot > 0) return name.substr(0, dot);
  return "data";
}

class ArchiveWalker {
 public:
  ArchiveWalker(const ArchiveRequest& request, Collector& collector, MemorySource& source, archive* a)
      : request_(request), collector_(collector), source_(source), a_(a) {
    if (request.zip == nullptr) return;
    for (const ZipEntry& entry : request.zip->entries) zip_entries_.emplace(entry.name, &entry);
  }

  /// Walks every header; `first` is the already-read first header.
  void walk(archive_entry* entry) {
    int failures = 0;
    for (;;) {
      if (!collector_.room_for_another()) return;
      member(entry);
      if (fatal_) collector_.note_stop("libarchive cannot read further after this member");
      if (fatal_ || collector_.stopped()) return;
      int status = archive_read_next_header(a_, &entry);
      while (status == ARCHIVE_RETRY || status == ARCHIVE_FAILED) {
        if (++failures > kMaxHeaderFailures)
          status = ARCHIVE_FATAL;
        else
          status = archive_read_next_header(a_, &entry);
      }
      if (status == ARCHIVE_EOF) return;
      if (status == ARCHIVE_FATAL) {
        collector_.note_stop("archive damaged after this member: " + error_text(a_, "unreadable header"));
        return;
      }
    }
  }

  /// One stream (raw format): the child of a compressed file.
  void single_stream() {
    Json meta = Json::object();
    meta["filename"] = stream_child_name(request_);
    meta["compression"] = archive_filter_name(a_, 0);
    stream_data(std::move(meta));
  }

 private:
  void member(archive_entry* entry) {
    if (archive_entry_filetype(entry) == AE_IFDIR) return;  // no content; names are in the members'
    Json meta = Json::object();
    meta["filename"] = entry_name(entry);
    if (archive_entry_size_is_set(entry) != 0) meta["size"] = archive_entry_size(entry);
    const bool zip = (archive_format(a_) & ARCHIVE_FORMAT_BASE_MASK) == ARCHIVE_FORMAT_ZIP;
    const ZipEntry* zip_entry = zip ? find_zip_entry(meta["filename"].get_ref<const std::string&>()) : nullptr;
    if (zip_entry != nullptr) meta["compressed_size"] = zip_entry->compressed_size;
    if (archive_entry_mtime_is_set(entry) != 0) meta["mtime"] = iso_utc(archive_entry_mtime(entry));
    bool encrypted = archive_entry_is_data_encrypted(entry) != 0;
    meta["encrypted"] = encrypted;
    meta["type"] = type_name(entry);
    meta["archive_format"] = archive_format_name(a_) != nullptr ? archive_format_name(a_) : "";
    const char* link = archive_entry_symlink(entry);
    if (link == nullptr) link = archive_entry_hardlink(entry);
    if (link != nullptr) meta["link_target"] = link;
    bool has_data =
        file_type(entry) == AE_IFREG && (archive_entry_hardlink(entry) == nullptr || archive_entry_size(entry) > 0);
    if (!has_data) {
      collector_.record(std::move(meta));  // listed, not extracted
      return;
    }
    if (zip_entry != nullptr && (zip_entry->method == kZipMethodDeflate64 || zip_entry->method == kZipMethodImplode)) {
      zip_special(*zip_entry, std::move(meta));
      return;
    }
    if (encrypted && !zip) {
      // libarchive decrypts zip only; reading a 7z/rar member's data would fail, for 7z
      // fatally (the rest of the archive would be lost).
      meta["error"] =
          std::string("encrypted: libarchive cannot decrypt ") + meta["archive_format"].get<std::string>() + " members";
      collector_.record(std::move(meta));
      return;
    }
    stream_data(std::move(meta));
  }

  /// The first not yet used central-directory entry of that name (libarchive walks a zip
  /// in the same order, so duplicates pair up).
  const ZipEntry* find_zip_entry(const std::string& name) {
    auto found = zip_entries_.find(name);
    if (found == zip_entries_.end()) return nullptr;
    const ZipEntry* entry = found->second;
    zip_entries_.erase(found);
    return entry;
  }

  void stream_data(Json meta) {
    MemberWriter writer(collector_);
    const void* block = nullptr;
    std::size_t length = 0;
    la_int64_t offset = 0;
    std::string failure;
    for (;;) {
      int status = archive_read_data_block(a_, &block, &length, &offset);
      if (status == ARCHIVE_EOF) break;
      if (status < ARCHIVE_WARN) {
        failure = error_text(a_, "unreadable member data");
        fatal_ = status == ARCHIVE_FATAL;
        break;
      }
      // The archive's input read so far: libarchive reads ahead a piece at a time, so
      // the input of one member cannot be told apart from its neighbours' (a tar.gz).
      std::uint64_t compressed = source_.delivered;
      // Sparse members: the holes between blocks read as zeros.
      if (offset > 0 && static_cast<std::uint64_t>(offset) > writer.written() &&
          !writer.write_zeros(static_cast<std::uint64_t>(offset) - writer.written(), compressed)) {
        break;
      }
      if (length > 0 && !writer.write(ByteView(static_cast<const std::uint8_t*>(block), length), compressed)) break;
    }
    if (!failure.empty() && meta.value("encrypted", false)) {
      // A wrong or missing password (zip), or a format libarchive cannot decrypt: listed,
      // no bytes (what came out of a wrong key is garbage).
      meta["error"] = archive_format(a_) == ARCHIVE_FORMAT_ZIP || failure.find("assphrase") != std::string::npos
                          ? "no password in password_list opens it"
                          : "encrypted: " + failure;
      collector_.record(std::move(meta));
      return;
    }
    if (!failure.empty()) writer.fail(failure);
    writer.finish(std::move(meta));
  }

  /// Deflate64 and implode members, decoded from the payload by this plugin.
  void zip_special(const ZipEntry& entry, Json meta) {
    meta["compression"] = entry.method == kZipMethodDeflate64 ? "deflate64" : "implode";
    if (entry.encrypted()) {
      meta["encrypted"] = true;
      meta["error"] = "encrypted deflate64/implode members are not supported";
      collector_.record(std::move(meta));
      return;
    }
    auto data = zip_entry_data(request_.data, entry);
    MemberWriter writer(collector_);
    if (!data) {
      writer.fail("local header outside the payload");
      writer.finish(std::move(meta));
      return;
    }
    const std::uint64_t compressed = data->size();
    ByteSink sink = [&](ByteView bytes) { return writer.write(bytes, compressed); };
    CodecStatus status = CodecStatus::Done;
    if (entry.method == kZipMethodDeflate64) {
      status = inflate64(*data, sink);
    } else {
      ImplodeOptions options{(entry.flags & 2U) != 0, (entry.flags & 4U) != 0};
      status = explode(*data, entry.uncompressed_size, options, sink);
    }
    if (status == CodecStatus::Truncated || status == CodecStatus::Malformed) writer.fail(codec_status_text(status));
    writer.finish(std::move(meta));
  }

  const ArchiveRequest& request_;
  Collector& collector_;
  MemorySource& source_;
  archive* a_;
  std::unordered_multimap<std::string, const ZipEntry*> zip_entries_;
  bool fatal_ = false;
};

}  // namespace

const std::vector<std::string>& in_process_filters() {
  static const std::vector<std::string> filters = [] {
    std::vector<std::string> usable;
    for (const NamedFilter& filter : kFilters) {
      ArchivePtr probe(archive_read_new(), archive_read_free);
      // ARCHIVE_WARN: "Using external <name> program" (no library built in).
      if (probe && filter.enable(probe.get()) == ARCHIVE_OK) usable.emplace_back(filter.name);
    }
    return usable;
  }();
  return filters;
}

bool extract_with_libarchive(const ArchiveRequest& request, Collector& collector, std::string& error) {
  // Pass 1: archive formats (under any filter).
  {
    MemorySource source{request.data, request.owner, 0, 0, {}};
    ArchivePtr reader = open_reader(source, false, request.passwords);
    archive_entry* entry = nullptr;
    int status = archive_read_open1(reader.get());
    if (status == ARCHIVE_OK) status = archive_read_next_header(reader.get(), &entry);
    if (status == ARCHIVE_EOF) {
      // An archive without members (nothing to extract), unless it came out of a
      // decompression filter: a compressed stream of zeros reads as an empty tar, and
      // is one stream (pass 2).
      if (archive_filter_count(reader.get()) <= 1) return true;
    } else if (status >= ARCHIVE_WARN) {
      ArchiveWalker(request, collector, source, reader.get()).walk(entry);
      return true;
    } else {
      error = error_text(reader.get(), "unrecognized archive format");
    }
    if (status != ARCHIVE_EOF && archive_format(reader.get()) != 0 &&
        archive_format(reader.get()) != ARCHIVE_FORMAT_RAW) {
      throw Error(std::string("damaged ") + archive_format_name(reader.get()) + " archive: " + error);
    }
  }
  // Pass 2: one compressed stream. The raw format accepts any bytes, so it counts only
  // when a decompression filter (besides "none") matched.
  MemorySource source{request.data, request.owner, 0, 0, {}};
  ArchivePtr reader = open_reader(source, true, {});
  archive_entry* entry = nullptr;
  int status = archive_read_open1(reader.get());
  if (status == ARCHIVE_OK) status = archive_read_next_header(reader.get(), &entry);
  // A stream libarchive's raw reader accepts is one child, only when a filter matched.
  if (status < ARCHIVE_WARN || archive_filter_count(reader.get()) <= 1) return false;
  if (!collector.room_for_another()) return true;
  ArchiveWalker(request, collector, source, reader.get()).single_stream();
  return true;
}

}  // namespace stoq::plugins::extractor::decompress

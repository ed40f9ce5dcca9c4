#include "pe_resources.hpp"

#include <set>
#include <string>
#include <utility>
#include <vector>

#include "pe_names.hpp"
#include "stoq/text.hpp"

namespace stoq::plugins::worker::peinfo {
namespace {

constexpr std::uint32_t kRtVersion = 16;
constexpr std::uint32_t kHighBit = 0x80000000U;
constexpr std::size_t kDirectoryHeader = 16;
constexpr std::size_t kEntrySize = 8;

struct PathPart {
  bool named = false;
  std::uint32_t id = 0;
  std::string name;
};

class ResourceWalker {
 public:
  ResourceWalker(PeImage& pe, std::uint32_t base) : pe_(pe), base_(base) {}

  void walk(std::uint32_t directory_rva, std::size_t depth) {
    if (depth >= pe_.limits.max_resource_depth) {
      note("resource tree deeper than max_resource_depth (" + std::to_string(pe_.limits.max_resource_depth) + ")");
      return;
    }
    if (!visited_.insert(directory_rva).second) {
      note("resource directory at RVA " + hex(directory_rva) + " is visited twice (a loop): skipped");
      return;
    }
    ByteView header = data_at_rva(pe_, directory_rva, kDirectoryHeader);
    if (header.size() < kDirectoryHeader) {
      note("truncated resource directory at RVA " + hex(directory_rva));
      return;
    }
    const std::size_t count =
        std::size_t{header.read_le<std::uint16_t>(12).value_or(0)} + header.read_le<std::uint16_t>(14).value_or(0);
    for (std::size_t i = 0; i < count; ++i) {
      if (entries_ >= pe_.limits.max_resources) {
        note("more than max_resources (" + std::to_string(pe_.limits.max_resources) + ") resource entries");
        return;
      }
      ++entries_;
      const std::uint64_t entry_rva = std::uint64_t{directory_rva} + kDirectoryHeader + (i * kEntrySize);
      ByteView entry = data_at_rva(pe_, entry_rva, kEntrySize);
      if (entry.size() < kEntrySize) {
        note("truncated resource directory entry at RVA " + hex(entry_rva));
        return;
      }
      const std::uint32_t name = entry.read_le<std::uint32_t>(0).value_or(0);
      const std::uint32_t offset = entry.read_le<std::uint32_t>(4).value_or(0);
      PathPart part;
      if ((name & kHighBit) != 0) {
        part.named = true;
        part.name = name_at(base_ + (name & ~kHighBit));
      } else {
        part.id = name;
      }
      path_.push_back(std::move(part));
      if ((offset & kHighBit) != 0) {
        walk(base_ + (offset & ~kHighBit), depth + 1);
      } else {
        leaf(base_ + offset);
      }
      path_.pop_back();
      if (stopped_) return;
    }
  }

  ResourceScan result() { return std::move(scan_); }

 private:
  void note(const std::string& message) {
    if (notes_.insert(message).second) pe_.error(message);
    if (message.rfind("more than max_resources", 0) == 0) stopped_ = true;
  }

  // A length-prefixed UTF-16LE name (IMAGE_RESOURCE_DIR_STRING_U).
  std::string name_at(std::uint64_t rva) {
    ByteView length = data_at_rva(pe_, rva, 2);
    const std::size_t chars = length.read_le<std::uint16_t>(0).value_or(0);
    return utf16le_to_utf8(data_at_rva(pe_, rva + 2, chars * 2));
  }

  void leaf(std::uint64_t rva) {
    ByteView raw = data_at_rva(pe_, rva, 16);
    if (raw.size() < 16) {
      note("truncated resource data entry at RVA " + hex(rva));
      return;
    }
    const std::uint32_t data_rva = raw.read_le<std::uint32_t>(0).value_or(0);
    const std::uint32_t size = raw.read_le<std::uint32_t>(4).value_or(0);
    const std::uint32_t codepage = raw.read_le<std::uint32_t>(8).value_or(0);
    Json entry = Json::object();
    if (!path_.empty()) {
      const PathPart& type = path_[0];
      if (type.named) {
        entry["type"] = type.name;
      } else {
        std::string type_name = resource_type_name(type.id);
        entry["type"] = type_name.empty() ? Json(type.id) : Json(type_name);
        entry["type_id"] = type.id;
      }
    }
    if (path_.size() > 1) {
      if (path_[1].named) {
        entry["name"] = path_[1].name;
      } else {
        entry["id"] = path_[1].id;
      }
    }
    if (path_.size() > 2 && !path_[2].named) {
      const std::uint32_t language = path_[2].id;
      entry["language_id"] = language;
      entry["language"] = language_name(language & 0x3FF);
      entry["sublanguage"] = language >> 10;
    }
    entry["rva"] = data_rva;
    entry["size"] = size;
    entry["codepage"] = codepage;
    bool ok = false;
    ByteView bytes = data_at_rva(pe_, data_rva, size, &ok);
    if (!ok || bytes.size() < size) {
      entry["truncated"] = true;
      note("resource data at RVA " + hex(data_rva) + " runs past the end of the file");
    }
    if (pe_.spend_digest(bytes.size())) {
      entry["sha256"] = sha256_hex(bytes);
    } else {
      note("max_digest_bytes reached: some resources have no sha256");
    }
    scan_.resources.push_back(std::move(entry));
    if (!path_.empty() && !path_[0].named && path_[0].id == kRtVersion && scan_.version_info.is_null()) {
      scan_.version_info = parse_version_info(pe_, data_rva, size);
    }
  }

  PeImage& pe_;
  std::uint32_t base_;
  std::vector<PathPart> path_;
  std::set<std::uint32_t> visited_;
  std::set<std::string> notes_;
  std::size_t entries_ = 0;
  bool stopped_ = false;
  ResourceScan scan_;
};

}  // namespace

ResourceScan parse_resources(PeImage& pe) {
  const DataDirectory directory = pe.directory(kResourceDir);
  if (directory.rva == 0) return {};
  ResourceWalker walker(pe, directory.rva);
  walker.walk(directory.rva, 0);
  return walker.result();
}

}  // namespace stoq::plugins::worker::peinfo

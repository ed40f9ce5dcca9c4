// MS-CFB reader; see cfb.hpp for the contract. Section numbers refer to [MS-CFB].
#include "cfb.hpp"

#include <algorithm>
#include <array>
#include <cstdio>

#include "stoq/error.hpp"
#include "stoq/text.hpp"

namespace stoq::cfb {
namespace {

constexpr std::uint32_t kMaxRegularSector = 0xFFFFFFFA;
constexpr std::uint32_t kEndOfChain = 0xFFFFFFFE;
constexpr std::uint32_t kFreeSector = 0xFFFFFFFF;
constexpr std::uint32_t kNoStream = 0xFFFFFFFF;
constexpr std::size_t kHeaderSize = 512;
constexpr std::size_t kHeaderDifatEntries = 109;
constexpr std::size_t kDirectoryEntrySize = 128;
// Storages nested deeper than this are not descended into (real files use 2-3 levels).
constexpr std::uint32_t kMaxStorageDepth = 64;
constexpr std::array<std::uint8_t, 8> kSignature = {0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1};

std::uint32_t u32(ByteView view, std::size_t offset) { return view.read_le<std::uint32_t>(offset).value_or(0); }
std::uint16_t u16(ByteView view, std::size_t offset) { return view.read_le<std::uint16_t>(offset).value_or(0); }
std::uint64_t u64(ByteView view, std::size_t offset) { return view.read_le<std::uint64_t>(offset).value_or(0); }

// GUID as stored (Data1..3 little-endian, Data4 in order), upper case as olefile prints it.
std::string format_clsid(ByteView raw) {
  if (raw.size() != 16 || std::all_of(raw.data(), raw.data() + 16, [](std::uint8_t b) { return b == 0; })) return "";
  std::array<char, 40> text{};
  const std::uint8_t* b = raw.data();
  std::snprintf(text.data(), text.size(), "%08X-%04X-%04X-%02X%02X-%02X%02X%02X%02X%02X%02X", u32(raw, 0), u16(raw, 4),
                u16(raw, 6), b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
  return text.data();
}

char ascii_upper(char c) { return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c; }

}  // namespace

bool has_signature(ByteView data) {
  return data.fits(0, kSignature.size()) && std::equal(kSignature.begin(), kSignature.end(), data.data());
}

std::string filetime_to_iso8601(std::uint64_t filetime) {
  constexpr std::int64_t kUnixEpochIn1601Seconds = 11644473600;
  if (filetime == 0) return "";
  std::int64_t seconds = static_cast<std::int64_t>(filetime / 10000000) - kUnixEpochIn1601Seconds;
  std::int64_t days = seconds >= 0 ? seconds / 86400 : (seconds - 86399) / 86400;
  std::int64_t rest = seconds - days * 86400;
  // days -> civil date (Howard Hinnant's algorithm).
  days += 719468;
  std::int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  std::int64_t doe = days - era * 146097;
  std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  std::int64_t mp = (5 * doy + 2) / 153;
  std::int64_t day = doy - (153 * mp + 2) / 5 + 1;
  std::int64_t month = mp < 10 ? mp + 3 : mp - 9;
  std::int64_t year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  if (year < 1601 || year > 9999) return "";
  std::array<char, 96> text{};
  std::snprintf(text.data(), text.size(), "%04lld-%02lld-%02lldT%02lld:%02lld:%02lldZ", static_cast<long long>(year),
                static_cast<long long>(month), static_cast<long long>(day), static_cast<long long>(rest / 3600),
                static_cast<long long>((rest / 60) % 60), static_cast<long long>(rest % 60));
  return text.data();
}

ByteView File::sector(std::uint32_t index) const {
  std::uint64_t offset = (static_cast<std::uint64_t>(index) + 1) << sector_shift_;
  if (offset >= data_.size()) return {};
  return data_.tail(static_cast<std::size_t>(offset)).head(sector_size_);
}

// 2.2: the header. Version and shift oddities are tolerated (as olefile does) when the
// values still describe a usable layout.
void File::read_header() {
  if (!has_signature(data_)) throw Error("not a compound file (no D0CF11E0 signature)");
  if (data_.size() < kHeaderSize) throw Error("compound file header truncated");
  major_version_ = u16(data_, 26);
  sector_shift_ = u16(data_, 30);
  if (sector_shift_ < 9 || sector_shift_ > 16) {  // smaller sectors would overlap the 512-byte header
    throw Error("compound file sector shift " + std::to_string(sector_shift_) + " is not usable");
  }
  sector_size_ = 1U << sector_shift_;
  std::uint32_t mini_shift = u16(data_, 32);
  if (mini_shift < 2 || mini_shift > sector_shift_) {
    throw Error("compound file mini sector shift " + std::to_string(mini_shift) + " is not usable");
  }
  mini_sector_size_ = 1U << mini_shift;
  if (major_version_ != 3 && major_version_ != 4) {
    warnings_.push_back("unexpected major version " + std::to_string(major_version_));
  }
  fat_sector_count_ = u32(data_, 44);
  first_directory_sector_ = u32(data_, 48);
  mini_cutoff_ = u32(data_, 56);
  first_mini_fat_sector_ = u32(data_, 60);
  mini_fat_sector_count_ = u32(data_, 64);
  first_difat_sector_ = u32(data_, 68);
  difat_sector_count_ = u32(data_, 72);
  sectors_in_file_ = data_.size() <= sector_size_ ? 0 : (data_.size() - sector_size_ + sector_size_ - 1) / sector_size_;
}

// 2.5 / 2.3: the DIFAT (109 header entries, then a chain of DIFAT sectors whose last
// entry links the next), then the FAT sectors it lists. At most one FAT sector per
// sector of the file is read, so the FAT never outgrows the file.
void File::read_fat() {
  std::uint64_t wanted = std::min<std::uint64_t>(fat_sector_count_, sectors_in_file_);
  bool ended = false;
  auto take = [&](std::uint32_t sector_index) {
    if (ended || fat_sectors_.size() >= wanted) return;
    if (sector_index > kMaxRegularSector) {
      ended = true;
      return;
    }
    fat_sectors_.push_back(sector_index);
  };
  for (std::size_t i = 0; i < kHeaderDifatEntries; ++i) take(u32(data_, 76 + i * 4));
  std::vector<bool> seen(sectors_in_file_, false);
  std::uint32_t next = first_difat_sector_;
  std::uint32_t per_sector = sector_size_ / 4 - 1;
  for (std::uint32_t n = 0; n < difat_sector_count_ && next <= kMaxRegularSector && fat_sectors_.size() < wanted; ++n) {
    if (next >= sectors_in_file_ || seen[next]) {
      warnings_.emplace_back(next >= sectors_in_file_ ? "DIFAT sector outside the file" : "DIFAT chain loops");
      break;
    }
    seen[next] = true;
    difat_sectors_.push_back(next);
    ByteView view = sector(next);
    for (std::uint32_t i = 0; i < per_sector; ++i) take(u32(view, i * 4));
    next = u32(view, per_sector * 4);
  }
  if (fat_sectors_.size() < fat_sector_count_ && fat_sector_count_ <= sectors_in_file_) {
    warnings_.push_back("DIFAT lists " + std::to_string(fat_sectors_.size()) + " of " +
                        std::to_string(fat_sector_count_) + " FAT sectors");
  }
  fat_.reserve(fat_sectors_.size() * (sector_size_ / 4));
  for (std::uint32_t fat_sector : fat_sectors_) {
    ByteView view = sector(fat_sector);
    for (std::uint32_t i = 0; i < sector_size_ / 4; ++i)
      fat_.push_back(view.read_le<std::uint32_t>(i * 4).value_or(kFreeSector));
  }
}

std::vector<std::uint32_t> File::chain(std::uint32_t start, const std::vector<std::uint32_t>& table,
                                       std::string_view what, std::string* error) const {
  std::vector<std::uint32_t> out;
  if (start == kEndOfChain || start == kFreeSector) return out;
  std::vector<bool> seen(table.size(), false);
  std::string problem;
  for (std::uint32_t current = start; current != kEndOfChain;) {
    if (current >= table.size()) {
      problem = std::string(what) + ": sector " + std::to_string(current) + " is outside the allocation table";
      break;
    }
    if (seen[current]) {
      problem = std::string(what) + ": sector chain loops at sector " + std::to_string(current);
      break;
    }
    seen[current] = true;
    out.push_back(current);
    current = table[current];
  }
  if (error != nullptr) *error = problem;
  return out;
}

// 2.6: the directory, 128-byte entries in the chain starting at first_directory_sector.
void File::read_directory() {
  std::string error;
  std::vector<std::uint32_t> sectors = chain(first_directory_sector_, fat_, "directory", &error);
  if (!error.empty()) warnings_.push_back(error);
  for (std::uint32_t index : sectors) {
    ByteView view = sector(index);
    for (std::size_t offset = 0; offset + kDirectoryEntrySize <= view.size(); offset += kDirectoryEntrySize) {
      directory_.push_back(*view.subview(offset, kDirectoryEntrySize));
    }
  }
  if (directory_.empty()) throw Error("compound file directory is unreadable" + (error.empty() ? "" : ": " + error));
  if (static_cast<EntryType>(directory_[0].data()[66]) != EntryType::Root) {
    warnings_.emplace_back("directory entry 0 is not the root entry");
  }
  root_clsid_ = format_clsid(*directory_[0].subview(80, 16));
}

// 2.4 and 2.6.2: the mini FAT and the mini stream (the root entry's chain).
void File::read_mini_stream() {
  ByteView root = directory_[0];
  std::string error;
  mini_stream_sectors_ = chain(u32(root, 116), fat_, "mini stream", &error);
  if (!error.empty()) warnings_.push_back(error);
  mini_stream_size_ = sector_size_ == 512 ? u32(root, 120) : u64(root, 120);
  std::vector<std::uint32_t> mini_fat_sectors = chain(first_mini_fat_sector_, fat_, "mini FAT", &error);
  if (!error.empty()) warnings_.push_back(error);
  if (mini_fat_sector_count_ < mini_fat_sectors.size()) mini_fat_sectors.resize(mini_fat_sector_count_);
  for (std::uint32_t index : mini_fat_sectors) {
    ByteView view = sector(index);
    for (std::size_t offset = 0; offset + 4 <= view.size(); offset += 4) mini_fat_.push_back(u32(view, offset));
  }
}

// 2.6.4: each storage's children form a red-black tree linked by left/right sibling
// ids; an in-order walk gives them in CFB name order. Every entry is visited at most
// once: a second reference (cycle, shared subtree) is cut and reported.
void File::walk_tree() {
  std::vector<bool> visited(directory_.size(), false);
  visited[0] = true;
  bool reported_cycle = false;
  auto usable = [&](std::uint32_t id) {
    if (id == kNoStream) return false;
    if (id >= directory_.size() || visited[id]) {
      if (!reported_cycle)
        warnings_.push_back("directory tree references entry " + std::to_string(id) + " twice or out of range");
      reported_cycle = true;
      return false;
    }
    return true;
  };
  auto walk = [&](auto& self, std::uint32_t top, const std::string& prefix, std::uint32_t depth) -> void {
    std::vector<std::uint32_t> stack;
    std::uint32_t current = top;
    while (true) {
      while (usable(current)) {
        visited[current] = true;
        stack.push_back(current);
        current = u32(directory_[current], 68);  // left sibling
      }
      if (stack.empty()) break;
      std::uint32_t id = stack.back();
      stack.pop_back();
      ByteView raw = directory_[id];
      current = u32(raw, 72);  // right sibling
      auto type = static_cast<EntryType>(raw.data()[66]);
      if (type != EntryType::Storage && type != EntryType::Stream) continue;
      Entry entry;
      entry.id = id;
      entry.type = type;
      std::uint32_t name_bytes = std::min<std::uint32_t>(u16(raw, 64), 64);
      entry.name = utf16le_to_utf8(raw.head(name_bytes >= 2 ? name_bytes - 2 : 0));
      entry.path = prefix.empty() ? entry.name : prefix + "/" + entry.name;
      entry.clsid = format_clsid(*raw.subview(80, 16));
      entry.created = u64(raw, 100);
      entry.modified = u64(raw, 108);
      entry.start_sector = u32(raw, 116);
      entry.size = sector_size_ == 512 ? u32(raw, 120) : u64(raw, 120);
      entry.depth = depth;
      std::uint32_t child = u32(raw, 76);
      std::string path = entry.path;
      entries_.push_back(std::move(entry));
      if (type == EntryType::Storage) {
        if (depth + 1 >= kMaxStorageDepth) {
          warnings_.push_back("storages nested deeper than " + std::to_string(kMaxStorageDepth) + " levels skipped");
        } else {
          self(self, child, path, depth + 1);
        }
      }
    }
  };
  walk(walk, u32(directory_[0], 76), "", 0);
}

File File::parse(ByteView data) {
  File file;
  file.data_ = data;
  file.read_header();
  file.read_fat();
  file.read_directory();
  file.read_mini_stream();
  file.walk_tree();
  return file;
}

const Entry* File::find(std::string_view path) const {
  for (const Entry& entry : entries_) {
    if (entry.path.size() == path.size() &&
        std::equal(path.begin(), path.end(), entry.path.begin(),
                   [](char a, char b) { return ascii_upper(a) == ascii_upper(b); })) {
      return &entry;
    }
  }
  return nullptr;
}

StreamStatus File::read_stream(const Entry& entry, const std::function<bool(ByteView)>& sink) const {
  StreamStatus status;
  std::uint64_t remaining = entry.size;
  if (entry.type != EntryType::Stream || remaining == 0) return status;
  auto fail = [&](std::string why) {
    status.complete = false;
    status.error = std::move(why);
    return status;
  };
  auto deliver = [&](ByteView piece) {
    piece = piece.head(static_cast<std::size_t>(std::min<std::uint64_t>(remaining, piece.size())));
    remaining -= piece.size();
    status.bytes += piece.size();
    return piece.empty() || sink(piece);
  };
  std::string error;
  if (entry.size < mini_cutoff_) {
    std::vector<std::uint32_t> mini = chain(entry.start_sector, mini_fat_, "mini stream " + entry.path, &error);
    for (std::uint32_t index : mini) {
      if (remaining == 0) return status;
      std::uint64_t offset = static_cast<std::uint64_t>(index) * mini_sector_size_;
      std::uint64_t big = offset >> sector_shift_;
      if (big >= mini_stream_sectors_.size())
        return fail("mini sector " + std::to_string(index) + " lies past the mini stream");
      ByteView piece = sector(mini_stream_sectors_[big]).tail(offset & (sector_size_ - 1)).head(mini_sector_size_);
      bool whole = piece.size() == mini_sector_size_ || piece.size() >= remaining;
      if (!deliver(piece)) return status;
      if (!whole) return fail("mini sector " + std::to_string(index) + " lies past the end of the file");
    }
  } else {
    std::vector<std::uint32_t> sectors = chain(entry.start_sector, fat_, "stream " + entry.path, &error);
    // Consecutive sectors are lent as one run.
    for (std::size_t i = 0; i < sectors.size() && remaining > 0;) {
      std::size_t run = 1;
      while (i + run < sectors.size() && sectors[i + run] == sectors[i] + run) ++run;
      std::uint64_t offset = (static_cast<std::uint64_t>(sectors[i]) + 1) << sector_shift_;
      ByteView piece = data_.tail(static_cast<std::size_t>(std::min<std::uint64_t>(offset, data_.size())))
                           .head(static_cast<std::size_t>(std::min<std::uint64_t>(run << sector_shift_, SIZE_MAX)));
      bool whole = piece.size() == (run << sector_shift_) || piece.size() >= remaining;
      if (!deliver(piece)) return status;
      if (!whole) return fail("stream " + entry.path + " runs past the end of the file");
      i += run;
    }
  }
  if (remaining > 0) {
    return fail(error.empty() ? "sector chain of " + entry.path + " ends before its declared size" : error);
  }
  return status;
}

Bytes File::read_stream(const Entry& entry, std::uint64_t max_bytes, StreamStatus* status) const {
  Bytes out;
  out.reserve(static_cast<std::size_t>(std::min<std::uint64_t>({entry.size, max_bytes, data_.size()})));
  StreamStatus result = read_stream(entry, [&](ByteView piece) {
    std::size_t room = static_cast<std::size_t>(std::min<std::uint64_t>(max_bytes - out.size(), piece.size()));
    out.insert(out.end(), piece.data(), piece.data() + room);
    return out.size() < max_bytes;
  });
  if (status != nullptr) *status = result;
  return out;
}

std::optional<std::uint64_t> occupied_size(ByteView data) {
  try {
    File file = File();
    file.data_ = data;
    file.read_header();
    file.read_fat();
    if (file.fat_sectors_.empty()) return std::nullopt;
    std::uint64_t highest = 0;
    for (std::uint32_t index : file.fat_sectors_) highest = std::max<std::uint64_t>(highest, index);
    for (std::uint32_t index : file.difat_sectors_) highest = std::max<std::uint64_t>(highest, index);
    for (std::size_t i = 0; i < file.fat_.size(); ++i) {
      if (file.fat_[i] != kFreeSector) highest = std::max<std::uint64_t>(highest, i);
    }
    return (highest + 2) * file.sector_size_;
  } catch (const Error&) {
    return std::nullopt;
  }
}

}  // namespace stoq::cfb

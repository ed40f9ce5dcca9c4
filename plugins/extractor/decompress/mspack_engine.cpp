#include "mspack_engine.hpp"

#include <mspack.h>

#include <cstdlib>
#include <cstring>
#include <exception>
#include <memory>
#include <string_view>

namespace stoq::plugins::extractor::decompress {
namespace {

// The two names our mspack_system knows: the payload, and the member being written.
constexpr std::string_view kInputName = "payload";
constexpr std::string_view kOutputName = "member";

/// Our mspack_system: libmspack passes it back to open(), so it carries the payload
/// and the current member's writer. `base` must stay the first member.
struct MemorySystem {
  mspack_system base;
  ByteView input;
  std::uint64_t input_read = 0;  // bytes libmspack read from the payload so far
  MemberWriter* output = nullptr;
  std::uint64_t output_start = 0;  // input_read when the member started
};

/// What open() returns (cast to libmspack's opaque mspack_file).
struct MemoryFile {
  MemorySystem* system = nullptr;
  bool is_output = false;
  std::size_t position = 0;
};

MemoryFile* as_file(mspack_file* file) { return reinterpret_cast<MemoryFile*>(file); }

mspack_file* open_file(mspack_system* self, const char* filename, int mode) {
  auto* system = reinterpret_cast<MemorySystem*>(self);
  std::string_view name(filename != nullptr ? filename : "");
  bool output = name == kOutputName && mode == MSPACK_SYS_OPEN_WRITE && system->output != nullptr;
  if (!output && !(name == kInputName && mode == MSPACK_SYS_OPEN_READ)) return nullptr;
  return reinterpret_cast<mspack_file*>(new MemoryFile{system, output});
}

void close_file(mspack_file* file) { delete as_file(file); }

int read_file(mspack_file* file, void* buffer, int bytes) {
  MemoryFile* memory = as_file(file);
  if (memory->is_output || bytes < 0) return -1;
  ByteView piece = memory->system->input.tail(memory->position).head(static_cast<std::size_t>(bytes));
  if (!piece.empty()) std::memcpy(buffer, piece.data(), piece.size());
  memory->position += piece.size();
  memory->system->input_read += piece.size();
  return static_cast<int>(piece.size());
}

int write_file(mspack_file* file, void* buffer, int bytes) {
  MemoryFile* memory = as_file(file);
  MemorySystem* system = memory->system;
  if (!memory->is_output || bytes < 0 || system->output == nullptr) return -1;
  ByteView piece(static_cast<const std::uint8_t*>(buffer), static_cast<std::size_t>(bytes));
  // A short count makes libmspack stop with MSPACK_ERR_WRITE: how a limit ends a member.
  // No exception may cross libmspack's C frames: a failing spill file ends the member.
  try {
    return system->output->write(piece, system->input_read - system->output_start) ? bytes : -1;
  } catch (const std::exception& error) {
    system->output->fail(error.what());
    return -1;
  }
}

int seek_file(mspack_file* file, off_t offset, int mode) {
  MemoryFile* memory = as_file(file);
  auto size = static_cast<off_t>(memory->system->input.size());
  off_t base = mode == MSPACK_SYS_SEEK_START ? 0
               : mode == MSPACK_SYS_SEEK_CUR ? static_cast<off_t>(memory->position)
                                             : size;
  if (memory->is_output || (offset < 0 && -offset > base) || (offset > 0 && offset > size - base)) return -1;
  memory->position = static_cast<std::size_t>(base + offset);
  return 0;
}

off_t tell_file(mspack_file* file) { return static_cast<off_t>(as_file(file)->position); }
void message(mspack_file* /*file*/, const char* /*format*/, ...) {}
// libmspack's allocator contract is malloc/free (it frees what it allocated itself).
void* allocate(mspack_system* /*self*/, size_t bytes) {
  return std::malloc(bytes);  // NOLINT(cppcoreguidelines-no-malloc)
}
void release(void* pointer) { std::free(pointer); }  // NOLINT(cppcoreguidelines-no-malloc)
void copy_bytes(void* source, void* destination, size_t bytes) { std::memmove(destination, source, bytes); }

MemorySystem make_system(ByteView input) {
  MemorySystem system{};
  system.base = mspack_system{open_file, close_file, read_file, write_file, seek_file, tell_file,
                              message,   allocate,   release,   copy_bytes, nullptr};
  system.input = input;
  return system;
}

std::string base_name(const std::string& path) {
  auto slash = path.find_last_of("/\\");
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

/// Writes one member through `extract` (a libmspack call writing to kOutputName).
template <typename ExtractFn>
void write_member(MemorySystem& system, Collector& collector, Json meta, ExtractFn extract) {
  MemberWriter writer(collector);
  system.output = &writer;
  system.output_start = system.input_read;
  int error = extract();
  system.output = nullptr;
  if (error != MSPACK_ERR_OK && !writer.truncated()) writer.fail("libmspack error " + std::to_string(error));
  writer.finish(std::move(meta));
}

void extract_chm(MemorySystem& system, Collector& collector) {
  using Chm = std::unique_ptr<mschm_decompressor, decltype(&mspack_destroy_chm_decompressor)>;
  Chm chm(mspack_create_chm_decompressor(&system.base), mspack_destroy_chm_decompressor);
  if (!chm) throw Error("libmspack: cannot create a CHM decompressor");
  mschmd_header* header = chm->open(chm.get(), kInputName.data());
  if (header == nullptr)
    throw Error("not a readable CHM file (libmspack error " + std::to_string(chm->last_error(chm.get())) + ")");
  for (mschmd_file* file = header->files; file != nullptr; file = file->next) {
    std::string name = file->filename != nullptr ? file->filename : "";
    if (name.empty() || name.back() == '/') continue;  // directories
    if (!collector.room_for_another()) break;
    Json meta = Json::object();
    meta["filename"] = name;
    meta["size"] = static_cast<std::int64_t>(file->length);
    meta["encrypted"] = false;
    meta["type"] = "file";
    meta["archive_format"] = "chm";
    write_member(system, collector, std::move(meta), [&] { return chm->extract(chm.get(), file, kOutputName.data()); });
  }
  chm->close(chm.get(), header);
}

void extract_szdd(MemorySystem& system, const std::string& parent, Collector& collector) {
  using Szdd = std::unique_ptr<msszdd_decompressor, decltype(&mspack_destroy_szdd_decompressor)>;
  Szdd szdd(mspack_create_szdd_decompressor(&system.base), mspack_destroy_szdd_decompressor);
  if (!szdd) throw Error("libmspack: cannot create an SZDD decompressor");
  msszddd_header* header = szdd->open(szdd.get(), kInputName.data());
  if (header == nullptr)
    throw Error("not a readable SZDD file (libmspack error " + std::to_string(szdd->last_error(szdd.get())) + ")");
  std::string name = base_name(parent);
  if (!name.empty() && header->missing_char != 0) name.back() = header->missing_char;
  Json meta = Json::object();
  meta["filename"] = name.empty() ? "data" : name;
  meta["size"] = static_cast<std::int64_t>(header->length);
  meta["encrypted"] = false;
  meta["type"] = "file";
  meta["archive_format"] = "szdd";
  if (collector.room_for_another()) {
    write_member(system, collector, std::move(meta),
                 [&] { return szdd->extract(szdd.get(), header, kOutputName.data()); });
  }
  szdd->close(szdd.get(), header);
}

void extract_kwaj(MemorySystem& system, const std::string& parent, Collector& collector) {
  using Kwaj = std::unique_ptr<mskwaj_decompressor, decltype(&mspack_destroy_kwaj_decompressor)>;
  Kwaj kwaj(mspack_create_kwaj_decompressor(&system.base), mspack_destroy_kwaj_decompressor);
  if (!kwaj) throw Error("libmspack: cannot create a KWAJ decompressor");
  mskwajd_header* header = kwaj->open(kwaj.get(), kInputName.data());
  if (header == nullptr)
    throw Error("not a readable KWAJ file (libmspack error " + std::to_string(kwaj->last_error(kwaj.get())) + ")");
  std::string name = header->filename != nullptr ? header->filename : base_name(parent);
  Json meta = Json::object();
  meta["filename"] = name.empty() ? "data" : name;
  if (header->length > 0) meta["size"] = static_cast<std::int64_t>(header->length);
  meta["encrypted"] = false;
  meta["type"] = "file";
  meta["archive_format"] = "kwaj";
  if (collector.room_for_another()) {
    write_member(system, collector, std::move(meta),
                 [&] { return kwaj->extract(kwaj.get(), header, kOutputName.data()); });
  }
  kwaj->close(kwaj.get(), header);
}

void extract_cab(MemorySystem& system, Collector& collector) {
  using Cab = std::unique_ptr<mscab_decompressor, decltype(&mspack_destroy_cab_decompressor)>;
  Cab cab(mspack_create_cab_decompressor(&system.base), mspack_destroy_cab_decompressor);
  if (!cab) throw Error("libmspack: cannot create a CAB decompressor");
  mscabd_cabinet* cabinet = cab->open(cab.get(), kInputName.data());
  if (cabinet == nullptr) {
    throw Error("not a readable CAB file (libmspack error " + std::to_string(cab->last_error(cab.get())) + ")");
  }
  for (mscabd_file* file = cabinet->files; file != nullptr; file = file->next) {
    if (!collector.room_for_another()) break;
    Json meta = Json::object();
    meta["filename"] = file->filename != nullptr ? file->filename : "";
    meta["size"] = static_cast<std::int64_t>(file->length);
    meta["encrypted"] = false;
    meta["type"] = "file";
    meta["archive_format"] = "cab";
    write_member(system, collector, std::move(meta), [&] { return cab->extract(cab.get(), file, kOutputName.data()); });
  }
  cab->close(cab.get(), cabinet);
}

}  // namespace

MsFormat detect_ms_format(ByteView data) {
  if (data.starts_with("ITSF")) return MsFormat::Chm;
  if (data.starts_with(std::string_view("SZDD\x88\xf0\x27\x33", 8))) return MsFormat::Szdd;
  if (data.starts_with(std::string_view("KWAJ\x88\xf0\x27\xd1", 8))) return MsFormat::Kwaj;
  return MsFormat::None;
}

void extract_with_mspack(MsFormat format, ByteView data, const std::string& parent_filename, Collector& collector) {
  MemorySystem system = make_system(data);
  switch (format) {
    case MsFormat::Chm: extract_chm(system, collector); break;
    case MsFormat::Szdd: extract_szdd(system, parent_filename, collector); break;
    case MsFormat::Kwaj: extract_kwaj(system, parent_filename, collector); break;
    case MsFormat::Cab: extract_cab(system, collector); break;
    case MsFormat::None: break;
  }
}

}  // namespace stoq::plugins::extractor::decompress

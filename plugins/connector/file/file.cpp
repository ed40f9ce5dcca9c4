// connector:file: results under results_dir/<index>/[date/]<uuid>.<suffix> (or the
// -O directory, or appended as one line to an existing -O file); text rendered by a
// -T template the same way, as it is (under a random name: text has no uuid); payloads
// archived under archive_base sharded by sha1; get_file by path or sha1.
//
// Every path component that comes from a results document or message is checked:
// nothing is ever written outside results_dir, the -O target or archive_base.
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <random>

#include "stoq/plugin.hpp"

namespace stoq::plugins::connector::file {
namespace fs = std::filesystem;

namespace {

bool safe_component(std::string_view name) {
  if (name.empty() || name.size() > 128 || name == "." || name == "..") return false;
  for (char c : name) {
    bool ok =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
    if (!ok) return false;
  }
  return true;
}

std::string random_name() {
  thread_local std::mt19937_64 generator{std::random_device{}()};
  char text[33];
  std::snprintf(text, sizeof(text), "%016llx%016llx", static_cast<unsigned long long>(generator()),
                static_cast<unsigned long long>(generator()));
  return text;
}

// The uuid that names a document's file: its own payload's (last of the chain).
std::string document_name(const Json& document) {
  const Json* holder = &document;
  if (auto results = document.find("results"); results != document.end() && results->is_array() && !results->empty()) {
    holder = &(*results)[0];
  }
  if (auto uuid = holder->find("uuid"); uuid != holder->end()) {
    if (uuid->is_array() && !uuid->empty() && uuid->back().is_string()) {
      std::string name = uuid->back().get<std::string>();
      if (safe_component(name)) return name;
    }
  }
  return random_name();
}

void write_all(int fd, std::string_view data, const std::string& path) {
  while (!data.empty()) {
    ssize_t written = ::write(fd, data.data(), data.size());
    if (written < 0) {
      if (errno == EINTR) continue;
      throw Error("cannot write " + path + ": " + std::strerror(errno));
    }
    data.remove_prefix(static_cast<std::size_t>(written));
  }
}

struct Fd {
  int fd;
  explicit Fd(int descriptor) : fd(descriptor) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

}  // namespace

class FileConnector final : public Connector {
 public:
  bool activate(Stoq& stoq) override {
    compactly_ = options().get_bool("compactly");
    date_format_ = options().get_string("date_format");
    suffix_ = safe_component(stoq.config().filename_suffix) ? stoq.config().filename_suffix : "stoq";
    return true;
  }

  Json save(const Content& payload, const Json& kwargs) override {
    if (kwargs.value("archive", false)) return archive(payload, kwargs);
    std::string text = payload.serialize(compactly_ ? -1 : 4);
    std::string outfile = kwargs.value("outfile", std::string());
    if (!outfile.empty() && fs::is_regular_file(outfile)) return append_line(outfile, payload);
    std::string index = kwargs.value("index", std::string("stoq"));
    if (!safe_component(index)) throw Error("refusing index '" + index + "' as a directory name");
    std::string dir = (outfile.empty() ? stoq().config().results_dir : outfile) + "/" + index;
    if (kwargs.value("use_date", false)) dir += "/" + date_path();
    if (dir != created_dir_) {  // one directory per index (and day): create it once, not per document
      fs::create_directories(dir);
      created_dir_ = dir;
    }
    std::string base = payload.kind() == Content::Kind::Results ? document_name(payload.json()) : random_name();
    for (int attempt = 0; attempt < 1000; ++attempt) {
      std::string path = dir + "/" + base + (attempt == 0 ? "" : "-" + std::to_string(attempt)) + "." + suffix_;
      Fd out{::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0644)};
      if (out.fd < 0) {
        if (errno == EEXIST) continue;              // several documents of one payload share its uuid
        if (errno == ENOENT) created_dir_.clear();  // removed under us: recreate next time
        throw Error("cannot create " + path + ": " + std::strerror(errno));
      }
      text += '\n';
      write_all(out.fd, text, path);
      return path;
    }
    throw Error("cannot find a free file name for " + base + " in " + dir);
  }

  Payload get_file(const Json& kwargs) override {
    if (auto path = kwargs.find("path"); path != kwargs.end() && path->is_string()) {
      return stoq().get_file(path->get<std::string>());
    }
    if (auto sha1 = kwargs.find("sha1"); sha1 != kwargs.end() && sha1->is_string()) {
      std::string archived = stoq().hashpath(sha1->get<std::string>());  // validates the hex
      return read_file_payload(archived, static_cast<std::size_t>(stoq().config().max_payload_size));
    }
    throw Error("file connector needs 'path' or 'sha1' to retrieve a file");
  }

 private:
  Json archive(const Content& payload, const Json& kwargs) {
    if (payload.kind() != Content::Kind::Binary) throw Error("archive=true needs payload bytes");
    std::string sha1 = kwargs.value("sha1", std::string());
    if (sha1.empty()) sha1 = compute_hashes(payload.bytes()).sha1;
    fs::path path = stoq().hashpath(sha1);
    if (fs::exists(path)) return path.string();  // content-addressed: already archived
    fs::create_directories(path.parent_path());
    // Write beside the target and rename: a reader never sees a half-written archive.
    fs::path partial = path.string() + "." + random_name() + ".partial";
    {
      Fd out{::open(partial.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0644)};
      if (out.fd < 0) throw Error("cannot create " + partial.string() + ": " + std::strerror(errno));
      try {
        write_all(out.fd, payload.bytes().as_string_view(), partial.string());
      } catch (...) {
        ::unlink(partial.c_str());
        throw;
      }
    }
    fs::rename(partial, path);
    return path.string();
  }

  Json append_line(const std::string& outfile, const Content& payload) {
    std::string line = payload.serialize(-1) + "\n";
    Fd out{::open(outfile.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC)};
    if (out.fd < 0) throw Error("cannot append to " + outfile + ": " + std::strerror(errno));
    ::flock(out.fd, LOCK_EX);  // one line per document, whole, even across processes
    write_all(out.fd, line, outfile);
    ::flock(out.fd, LOCK_UN);
    return outfile;
  }

  std::string date_path() const {
    std::time_t now = std::time(nullptr);
    std::tm local{};
    localtime_r(&now, &local);
    char text[128];
    std::size_t length = std::strftime(text, sizeof(text), date_format_.c_str(), &local);
    fs::path relative;
    for (const auto& part : fs::path(std::string(text, length))) {
      if (!safe_component(part.string())) throw Error("date_format gives an unsafe path part '" + part.string() + "'");
      relative /= part;
    }
    return relative.string();
  }

  bool compactly_ = false;
  std::string date_format_;
  std::string suffix_;
  std::string created_dir_;  // the last results directory this instance made sure exists
};

constexpr stoq_option_spec kOptions[] = {
    {"compactly", STOQ_OPTION_BOOL, "False", "Write results as one-line JSON instead of indented.", 0},
    {"date_format", STOQ_OPTION_STRING, "%Y/%m/%d", "strftime path appended with --use-date.", 0},
};

}  // namespace stoq::plugins::connector::file

STOQ_PLUGIN(stoq::plugins::connector::file::FileConnector, "file", "0.11", "Retrieves and saves content to local disk",
            stoq::plugins::connector::file::kOptions)

// connector:file: results under results_dir/<index>/[date/]<uuid>.<suffix> (or the
// -O directory, or appended as one line to an existing -O file); text rendered by a
// -T template the same way, as it is (under a random name: text has no uuid); payloads
// archived under archive_base sharded by sha1; get_file by path or sha1.
//
// Every path component that comes from a results document or message is checked:
// nothing is ever written outside results_dir, the -O target or archive_base.
//
// No file is ever seen half-written (new_file.hpp): results and archived payloads get
// their name only once complete; a document appended to an -O file is one write, on a
// line of its own. A failure (disk full, directory gone) throws: the payload is not
// acknowledged and the run reports it.
#include <ctime>
#include <filesystem>

#include "new_file.hpp"
#include "outfile.hpp"
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

}  // namespace

class FileConnector final : public Connector {
 public:
  bool activate(Stoq& stoq) override {
    compactly_ = options().get_bool("compactly");
    date_format_ = options().get_string("date_format");
    suffix_ = safe_component(stoq.config().filename_suffix) ? stoq.config().filename_suffix : "stoq";
    if (stoq.run().output_connector == name() && !stoq.run().outfile.empty()) prepare_outfile(stoq.run().outfile);
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
    std::string base = payload.kind() == Content::Kind::Results ? document_name(payload.json()) : random_name();
    text += '\n';
    auto name_for = [&](int attempt) {
      return base + (attempt == 0 ? "" : "-" + std::to_string(attempt)) + "." + suffix_;
    };
    ensure_directory(dir);
    try {
      return publish_new_file(dir, name_for, text);
    } catch (const Error&) {
      std::error_code error;
      if (fs::is_directory(dir, error)) throw;
      // The directory was removed under us: make it again, once, rather than lose results.
      created_dir_.clear();
      ensure_directory(dir);
      return publish_new_file(dir, name_for, text);
    }
  }

  // By sha1 from the archive when the message has one and the archive holds it (a
  // publisher's message, -A file: the archive is what workers on other machines share),
  // else by path.
  Payload get_file(const Json& kwargs) override {
    auto sha1 = kwargs.find("sha1");
    auto path = kwargs.find("path");
    bool has_path = path != kwargs.end() && path->is_string();
    if (sha1 != kwargs.end() && sha1->is_string()) {
      std::string archived = stoq().hashpath(sha1->get<std::string>());  // validates the hex
      std::error_code ignored;
      if (!has_path || fs::is_regular_file(archived, ignored)) {
        return read_file_payload(archived, static_cast<std::size_t>(stoq().config().max_payload_size));
      }
    }
    if (has_path) return stoq().get_file(path->get<std::string>());
    throw Error("file connector needs 'path' or 'sha1' to retrieve a file");
  }

 private:
  Json archive(const Content& payload, const Json& kwargs) {
    if (payload.kind() != Content::Kind::Binary) throw Error("archive=true needs payload bytes");
    std::string sha1 = kwargs.value("sha1", std::string());
    if (sha1.empty()) sha1 = compute_hashes(payload.bytes()).sha1;
    fs::path path = stoq().hashpath(sha1);
    if (fs::exists(path)) return path.string();  // content-addressed: already archived
    std::error_code error;
    fs::create_directories(path.parent_path(), error);
    if (error) throw Error("cannot create the directory " + path.parent_path().string() + ": " + error.message());
    // Content-addressed: if another thread or process archived it meanwhile, that copy is the same.
    try {
      return publish_new_file(
          path.parent_path().string(), [&](int) { return path.filename().string(); }, payload.bytes().as_string_view(),
          1);
    } catch (const Error&) {
      if (fs::exists(path)) return path.string();
      throw;
    }
  }

  static Json append_line(const std::string& outfile, const Content& payload) {
    append_record(outfile, payload.serialize(-1) + "\n");
    return outfile;
  }

  // One results directory per index (and day): made sure of once, not per document.
  void ensure_directory(const std::string& dir) {
    if (dir == created_dir_) return;
    std::error_code error;
    fs::create_directories(dir, error);
    if (error) throw Error("cannot create the directory " + dir + ": " + error.message());
    created_dir_ = dir;
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

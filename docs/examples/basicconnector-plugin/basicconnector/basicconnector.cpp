// connector:basicconnector: the stoQ guide's BasicConnector, doing something small but
// real. save() appends each results document as one JSON line to <directory>/<worker>.jsonl
// and archives payloads (-A basicconnector) as <directory>/archive/<sha1>; get_file()
// reads an archived payload back by its sha1 (a source's `archive = basicconnector`).
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <stoq/plugin.hpp>
#include <string>

namespace basicconnector {

class BasicConnector final : public stoq::Connector {
 public:
  bool activate(stoq::Stoq& stoq) override {
    directory_ = options().get_string("directory");
    if (directory_.empty()) directory_ = stoq.run().outfile;
    if (directory_.empty()) directory_ = stoq.config().results_dir + "/basicconnector";
    connect();
    return true;
  }

  // Creates the folders; save() calls it too, so a folder removed meanwhile comes back.
  void connect() override {
    std::error_code error;
    std::filesystem::create_directories(directory_ + "/archive", error);
    if (error) throw stoq::Error("cannot create " + directory_ + "/archive: " + error.message());
  }

  stoq::Json save(const stoq::Content& content, const stoq::Json& kwargs) override {
    connect();
    if (content.kind() == stoq::Content::Kind::Binary) {  // -A: the payload itself
      std::string path = directory_ + "/archive/" + checked_sha1(kwargs);
      std::ofstream out(path, std::ios::binary | std::ios::trunc);
      out.write(reinterpret_cast<const char*>(content.bytes().data()),
                static_cast<std::streamsize>(content.bytes().size()));
      if (!out) throw stoq::Error("cannot write " + path);
      return path;
    }
    std::string index = kwargs.value("index", "results");
    std::string path = directory_ + "/" + index + ".jsonl";
    // One write() with O_APPEND: lines of other threads' instances never interleave.
    std::string line = content.serialize(-1) + "\n";
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd < 0) throw stoq::Error("cannot open " + path + ": " + std::strerror(errno));
    ssize_t written = ::write(fd, line.data(), line.size());
    ::close(fd);
    if (written != static_cast<ssize_t>(line.size())) throw stoq::Error("cannot append to " + path);
    return path;
  }

  stoq::Payload get_file(const stoq::Json& kwargs) override {
    std::string path = directory_ + "/archive/" + checked_sha1(kwargs);
    std::ifstream in(path, std::ios::binary);
    if (!in) throw stoq::Error("basicconnector has no payload " + path);
    stoq::Bytes bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    return stoq::Payload(std::move(bytes));
  }

 private:
  // A sha1 names a file here: only 40 hex digits are accepted (no path tricks).
  static std::string checked_sha1(const stoq::Json& kwargs) {
    std::string sha1 = kwargs.value("sha1", "");
    bool hex = sha1.size() == 40 && sha1.find_first_not_of("0123456789abcdef") == std::string::npos;
    if (!hex) throw stoq::Error("basicconnector needs a sha1 (40 lower-case hex digits), got '" + sha1 + "'");
    return sha1;
  }

  std::string directory_;
};

constexpr stoq_option_spec kOptions[] = {
    {"directory", STOQ_OPTION_STRING, "", "Folder of the results and archive (empty: -O, else results_dir).", 0},
};

}  // namespace basicconnector

STOQ_PLUGIN(basicconnector::BasicConnector, basicconnector::kOptions)

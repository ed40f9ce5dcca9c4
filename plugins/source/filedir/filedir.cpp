// source:filedir: queues the file given with -F, or every file of a directory
// (top level, hidden files skipped; or the whole tree with recursive = True).
// Entries that are not regular files (dangling links, FIFOs, sockets) are queued
// too: their fetch fails and the results say why, rather than them vanishing.
// Each message is {"path": <absolute path>, "archive": "file"}: the file connector
// fetches the bytes in the worker thread.
#include <algorithm>
#include <filesystem>

#include "stoq/plugin.hpp"

namespace stoq::plugins::source::filedir {
namespace fs = std::filesystem;

class FileDirSource final : public Source {
 public:
  bool activate(Stoq& stoq) override {
    const std::string& path = stoq.run().path;
    if (path.empty()) throw Error("filedir needs a file or directory: give it with -F");
    for (const std::string& prefix : stoq.config().url_prefix_tuple) {
      if (!prefix.empty() && path.rfind(prefix, 0) == 0) {
        throw Error("filedir cannot fetch URLs yet: " + path);
      }
    }
    std::error_code error;
    if (!fs::exists(path, error)) throw Error("no such file or directory: " + path);
    root_ = fs::absolute(path).lexically_normal();
    recursive_ = options().get_bool("recursive");
    return true;
  }

  void ingest() override {
    std::error_code error;
    if (!fs::is_directory(root_, error)) {
      queue(root_);
      return;
    }
    if (recursive_) {
      auto options = fs::directory_options::skip_permission_denied;
      for (fs::recursive_directory_iterator it(root_, options, error), end; it != end && !stoq().stopping();
           it.increment(error)) {
        if (error) break;
        if (!it->is_directory(error) && !queue(it->path())) return;
      }
    } else {
      std::vector<fs::path> files;
      for (const auto& item : fs::directory_iterator(root_, error)) {
        if (item.path().filename().string().starts_with('.')) continue;
        if (!item.is_directory(error)) files.push_back(item.path());
      }
      std::sort(files.begin(), files.end());
      for (const fs::path& file : files) {
        if (stoq().stopping() || !queue(file)) return;
      }
    }
    if (error) throw Error("cannot list " + root_.string() + ": " + error.message());
  }

 private:
  bool queue(const fs::path& file) { return stoq().put(Json{{"path", file.string()}, {"archive", "file"}}); }

  fs::path root_;
  bool recursive_ = false;
};

constexpr stoq_option_spec kOptions[] = {
    {"recursive", STOQ_OPTION_BOOL, "False", "Walk sub-directories too (hidden files included).", 0},
};

}  // namespace stoq::plugins::source::filedir

STOQ_PLUGIN(stoq::plugins::source::filedir::FileDirSource, "filedir", "0.11",
            "Ingest a file or directory for processing", stoq::plugins::source::filedir::kOptions)

// source:filesource: the stoQ guide's FileSource, doing something small but real: it
// reads the list file given with -F and queues each path in it (one per line; blank lines
// and lines starting with # are skipped) for the worker, fetched through the `file`
// connector.   stoq hash -I filesource -F paths.txt
#include <fstream>
#include <stoq/plugin.hpp>
#include <string>

namespace filesource {

class FileSource final : public stoq::Source {
 public:
  void ingest() override {
    const std::string& list = stoq().run().path;
    if (list.empty()) throw stoq::Error("filesource needs a list file: -F paths.txt");
    std::ifstream in(list);
    if (!in) throw stoq::Error("cannot read " + list);
    std::string line;
    while (std::getline(in, line) && !stoq().stopping()) {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (line.empty() || line[0] == '#') continue;
      // A message names the payload; the framework fetches, hashes and scans it.
      if (!stoq().put({{"path", line}, {"archive", "file"}})) break;  // false: the run is stopping
    }
  }
};

}  // namespace filesource

STOQ_PLUGIN(filesource::FileSource, stoq::kNoOptions)

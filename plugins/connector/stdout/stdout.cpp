// connector:stdout: prints each results document (JSON, indent 4) or rendered text.
//
// A document that cannot be printed is an error, never a silent loss: save() throws
// (the payload is not acknowledged, the run exits non-zero). A stdout that is closed
// (`>&-`) or read-only refuses the run before the first payload. A reader that went
// away (`| head -1`, EPIPE) stops the run: the framework sees it through write_output.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "stoq/plugin.hpp"

namespace stoq::plugins::connector::stdout_connector {

class StdoutConnector final : public Connector {
 public:
  bool activate(Stoq& stoq) override {
    // Options this connector cannot honour are refused before the first payload, not per payload.
    const RunOptions& run = stoq.run();
    if (run.archive_connector == name()) throw Error("-A stdout: stdout cannot archive payloads; use -A file");
    if (run.output_connector == name() && !run.outfile.empty()) {
      throw Error("-O " + run.outfile +
                  ": stdout prints results and writes no files; drop -O, or save to it with -C file");
    }
    int flags = ::fcntl(STDOUT_FILENO, F_GETFL);
    if (flags == -1) throw Error(std::string("stdout is not usable (") + std::strerror(errno) + ")" + kAdvice);
    if ((flags & O_ACCMODE) == O_RDONLY) throw Error(std::string("stdout is closed or read-only") + kAdvice);
    return true;
  }

  Json save(const Content& payload, const Json& /*kwargs*/) override {
    if (payload.kind() == Content::Kind::Binary) throw Error("stdout cannot archive payloads; use -A file");
    write_output(payload.serialize(4));  // one locked write: documents never interleave; throws on failure
    return nullptr;
  }

 private:
  static constexpr const char* kAdvice =
      ": the stdout connector has nowhere to print results (redirect stdout, or save them with -C file)";
};

}  // namespace stoq::plugins::connector::stdout_connector

STOQ_PLUGIN(stoq::plugins::connector::stdout_connector::StdoutConnector, "stdout", "0.10", "Sends content to STDOUT",
            stoq::kNoOptions)

// connector:stdout: prints each results document (JSON, indent 4) or rendered text.
#include "stoq/plugin.hpp"

namespace stoq::plugins::connector::stdout_connector {

class StdoutConnector final : public Connector {
 public:
  Json save(const Content& payload, const Json& /*kwargs*/) override {
    if (payload.kind() == Content::Kind::Binary) throw Error("stdout cannot archive payloads; use -A file");
    write_output(payload.serialize(4));  // one locked write: documents never interleave
    return nullptr;
  }
};

}  // namespace stoq::plugins::connector::stdout_connector

STOQ_PLUGIN(stoq::plugins::connector::stdout_connector::StdoutConnector, "stdout", "0.10", "Sends content to STDOUT",
            stoq::kNoOptions)

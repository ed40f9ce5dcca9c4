// worker:elfinfo: what readelf -h -S -l -d --dyn-syms shows of an ELF file, parsed
// here (elf_parser.cpp) with every read bounds-checked. A payload that is not ELF gives
// no results; a truncated or malformed one gives what could be read plus `errors`.
#include <string>

#include "elf_parser.hpp"
#include "stoq/plugin.hpp"

namespace stoq::plugins::worker::elfinfo {

class ElfInfoWorker final : public Worker {
 public:
  bool activate(Stoq& /*stoq*/) override {
    limits_.max_sections = positive("max_sections");
    limits_.max_segments = positive("max_segments");
    limits_.max_symbols = positive("max_symbols");
    limits_.max_dynamic = positive("max_dynamic");
    return true;
  }

  Json scan(const Payload& payload, const Json& /*kwargs*/) override {
    if (payload.is_none()) throw Error("elfinfo needs a payload: give a file or directory with -F");
    if (!payload.bytes().starts_with("\x7f"
                                     "ELF")) {
      return nullptr;  // not ELF: nothing to report
    }
    return parse_elf(payload.bytes(), limits_);
  }

 private:
  std::size_t positive(const std::string& name) const {
    std::int64_t value = options().get_int(name);
    if (value < 1) throw Error(name + " must be 1 or more, got " + std::to_string(value));
    return static_cast<std::size_t>(value);
  }

  ElfLimits limits_;
};

constexpr stoq_option_spec kOptions[] = {
    {"max_sections", STOQ_OPTION_INT, "4096", "List at most this many sections of one payload.", 0},
    {"max_segments", STOQ_OPTION_INT, "4096", "List at most this many segments (program headers).", 0},
    {"max_symbols", STOQ_OPTION_INT, "65536", "List at most this many dynamic symbols.", 0},
    {"max_dynamic", STOQ_OPTION_INT, "4096", "List at most this many dynamic entries.", 0},
};

}  // namespace stoq::plugins::worker::elfinfo

STOQ_PLUGIN(stoq::plugins::worker::elfinfo::ElfInfoWorker, "elfinfo", "0.1",
            "Parse ELF files: header, sections, segments, interpreter, needed libraries, dynamic entries and symbols",
            stoq::plugins::worker::elfinfo::kOptions)

// reader:basicreader: the stoQ guide's BasicReader, doing something small but real: it
// reads a payload as text and returns its lines (without line ends, at most max_lines).
// Workers call readers through the framework: stoq().reader("basicreader").read(...).
#include <stoq/plugin.hpp>
#include <string>
#include <string_view>

namespace basicreader {

class BasicReader final : public stoq::Reader {
 public:
  stoq::Json read(const stoq::Payload& payload, const stoq::Json& /*kwargs*/) override {
    auto max_lines = static_cast<std::size_t>(options().get_int("max_lines"));
    std::string_view text = payload.bytes().as_string_view();
    stoq::Json lines = stoq::Json::array();
    while (!text.empty() && lines.size() < max_lines) {
      std::size_t end = text.find('\n');
      std::string_view line = text.substr(0, end);
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      lines.push_back(std::string(line));
      text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    }
    return {{"lines", std::move(lines)}, {"truncated", !text.empty()}};
  }
};

constexpr stoq_option_spec kOptions[] = {
    {"max_lines", STOQ_OPTION_INT, "1000", "Most lines returned.", 0},
};

}  // namespace basicreader

STOQ_PLUGIN(basicreader::BasicReader, basicreader::kOptions)

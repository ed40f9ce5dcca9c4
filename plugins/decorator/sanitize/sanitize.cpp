// decorator:sanitize: makes every key of the results safe for document stores
// (MongoDB refuses '.' and a leading '$'; Elasticsearch treats '.' as a path):
// '.', '$' and whitespace in keys become `replacement`, at every depth, including
// objects inside lists. Values are never changed. When two keys collide after
// sanitizing, the later one gets a numeric suffix: nothing is overwritten.
#include <string>

#include "stoq/plugin.hpp"

namespace stoq::plugins::decorator::sanitize {

class SanitizeDecorator final : public Decorator {
 public:
  bool activate(Stoq& /*stoq*/) override {
    replacement_ = options().get_string("replacement");
    for (char c : replacement_) {
      if (unsafe(c)) throw Error("replacement '" + replacement_ + "' contains a character it should replace");
    }
    return true;
  }

  Json decorate(Json results) override { return clean(std::move(results)); }

 private:
  static bool unsafe(char c) { return c == '.' || c == '$' || c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

  std::string clean_key(const std::string& key) const {
    std::string out;
    out.reserve(key.size());
    for (char c : key) {
      if (unsafe(c)) {
        out += replacement_;
      } else {
        out += c;
      }
    }
    return out;
  }

  Json clean(Json value) const {
    if (value.is_array()) {
      for (Json& item : value) item = clean(std::move(item));
      return value;
    }
    if (!value.is_object()) return value;
    Json out = Json::object();
    for (auto& [key, item] : value.items()) {
      std::string name = clean_key(key);
      for (int n = 1; out.contains(name); ++n) name = clean_key(key) + "_" + std::to_string(n);
      out[name] = clean(std::move(item));
    }
    return out;
  }

  std::string replacement_;
};

constexpr stoq_option_spec kOptions[] = {
    {"replacement", STOQ_OPTION_STRING, "_", "What '.', '$' and whitespace in keys become.", 0},
};

}  // namespace stoq::plugins::decorator::sanitize

STOQ_PLUGIN(stoq::plugins::decorator::sanitize::SanitizeDecorator, "sanitize", "0.1",
            "Make result keys safe for MongoDB and Elasticsearch", stoq::plugins::decorator::sanitize::kOptions)

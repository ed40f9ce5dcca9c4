// Out-of-line members of the SDK classes. The virtual destructors are the key
// functions: they anchor the classes' vtables and typeinfo in libstoq, so a
// dynamic_cast on a plugin created inside a module works across dlopen.
#include "stoq/plugin.hpp"

namespace stoq {

std::optional<Category> parse_category(std::string_view name) {
  for (Category category : kAllCategories) {
    if (name == category_name(category)) return category;
  }
  return std::nullopt;
}

Stoq::~Stoq() = default;
Plugin::~Plugin() = default;
Worker::~Worker() = default;
Connector::~Connector() = default;
Reader::~Reader() = default;
Source::~Source() = default;
Extractor::~Extractor() = default;
Carver::~Carver() = default;
Decoder::~Decoder() = default;
Decorator::~Decorator() = default;

void Plugin::bind(PluginInfo info, Options options, Logger logger, Stoq& stoq) {
  info_ = std::move(info);
  options_ = std::move(options);
  logger_ = std::move(logger);
  stoq_ = &stoq;
}

Payload Connector::get_file(const Json& /*kwargs*/) { throw Error("connector " + name() + " does not retrieve files"); }

void Source::publish(const Json& /*message*/, const std::string& /*queue*/, int /*priority*/) {
  throw Error("source " + name() + " does not publish messages");
}

const Json& Content::json() const {
  if (json_ == nullptr) throw Error("content is not a results document");
  return *json_;
}

std::string Content::serialize(int indent) const {
  switch (kind_) {
    case Kind::Results: return dump_json(*json_, indent);
    case Kind::Text: return std::string(text_);
    case Kind::Binary: return std::string(bytes_.as_string_view());
  }
  return {};
}

}  // namespace stoq

#include "mongo_documents.hpp"

#include "stoq/error.hpp"

namespace stoq::plugins::mongodb {
namespace {

std::string safe_key(const std::string& key) {
  std::string safe = key;
  for (char& c : safe) {
    if (c == '.' || c == ' ') c = '_';
  }
  if (!safe.empty() && safe.front() == '$') safe.front() = '_';
  return safe;
}

}  // namespace

Json sanitize_keys(const Json& document) {
  if (document.is_object()) {
    Json safe = Json::object();
    for (const auto& [key, value] : document.items()) safe[safe_key(key)] = sanitize_keys(value);
    return safe;
  }
  if (document.is_array()) {
    Json safe = Json::array();
    for (const Json& value : document) safe.push_back(sanitize_keys(value));
    return safe;
  }
  return document;
}

BsonPtr to_bson(const Json& document, const bson_oid_t* id) {
  // Replace invalid UTF-8 rather than fail: a document is never lost to one odd byte.
  std::string text = sanitize_keys(document).dump(-1, ' ', false, Json::error_handler_t::replace);
  bson_error_t error{};
  BsonPtr parsed(bson_new_from_json(reinterpret_cast<const std::uint8_t*>(text.data()),
                                    static_cast<ssize_t>(text.size()), &error));
  if (!parsed) throw Error(std::string("cannot convert the document to BSON: ") + error.message);
  if (id == nullptr) return parsed;
  BsonPtr with_id(bson_new());
  BSON_APPEND_OID(with_id.get(), "_id", id);
  bson_iter_t iter;
  if (bson_iter_init(&iter, parsed.get())) {
    while (bson_iter_next(&iter)) {
      if (std::string_view(bson_iter_key(&iter)) == "_id") continue;
      bson_append_iter(with_id.get(), bson_iter_key(&iter), -1, &iter);
    }
  }
  return with_id;
}

}  // namespace stoq::plugins::mongodb

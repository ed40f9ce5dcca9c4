// Results documents as MongoDB stores them: keys made safe (the original's
// sanitize_json: '.' and ' ' become '_'; a leading '$' too, which MongoDB refuses), then
// BSON through libbson's JSON reader. Pure functions: tested offline against Python's
// bson codec.
#pragma once

#include <bson/bson.h>

#include <memory>
#include <string>

#include "stoq/json.hpp"

namespace stoq::plugins::mongodb {

struct BsonDeleter {
  void operator()(bson_t* document) const { bson_destroy(document); }
};
using BsonPtr = std::unique_ptr<bson_t, BsonDeleter>;

/// `document` with every object key sanitised, recursively.
Json sanitize_keys(const Json& document);

/// The sanitised document as BSON, with `_id` first when `id` is given. Throws
/// stoq::Error when libbson refuses it.
BsonPtr to_bson(const Json& document, const bson_oid_t* id = nullptr);

}  // namespace stoq::plugins::mongodb

// Building and reshaping results documents in the original stoQ shape:
// {"results": [{archive, path, filename, md5..sha512, scan, uuid, plugin, size,
//   source_meta, payload_id}], "plugins": {"0": worker}, "date", "tlp", "payloads"}
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "stoq/json.hpp"
#include "stoq/payload.hpp"

namespace stoq::lifecycle {

/// A random (version 4) UUID string.
std::string new_uuid();
/// Local time as ISO 8601 with microseconds and no zone, as Python's isoformat().
std::string iso_now();

/// source_meta of a result entry: the message plus --metadata pairs (message keys
/// win), minus keys equal to the entry's; filename, magic, ssdeep, path and size
/// are moved to the entry itself. `entry` gains the promoted keys.
Json make_source_meta(const Json& message, const Json& metadata, Json& entry);

/// Completes a result entry (archive/path/filename/hashes already in `entry`) in the
/// original key order: scan, uuid, plugin, size (when `size` is set), source_meta,
/// payload_id 0. `worker`, here and below: the worker's name, or in `stoq scan` the
/// list of the run's workers.
Json finish_entry(Json entry, Json scan, const Json& uuids, const Json& worker, std::optional<std::size_t> size,
                  const Json& message, const Json& metadata);

/// The combined document of one entry: {"results": [entry], "plugins": {"0": worker},
/// "date", "tlp", "payloads": 1}.
Json make_document(Json entry, const Json& worker, const std::string& tlp);

/// A dispatched child's entry (stoq-original §c.4 step 6), keys in the original's order:
/// the matching rule's meta, dispatcher ("category:name"), plugin (the worker, over the
/// meta's own "plugin"), uuid, scan, md5..sha512 (when `hashes` is given), size, the
/// extracted metadata's filename/magic/ssdeep/path, source_meta (the rest of it), payload_id.
Json make_child_entry(const Json& rule_meta, const std::string& dispatcher, const Json& worker, const Json& uuids,
                      Json scan, const Hashes* hashes, std::size_t size, const Json& extracted_meta,
                      std::size_t payload_id);

/// Appends a child entry to a combined document: results[], plugins[id] = dispatcher,
/// payloads = the number of entries.
void add_child(Json& document, Json entry, std::size_t payload_id, const std::string& dispatcher);

/// How deep plugin output may nest: deeper output is refused at the plugin boundary,
/// so everything downstream (flatten, serializers, connectors) recurses a bounded depth.
inline constexpr int kMaxResultDepth = 512;

/// True when `value` nests more than `limit` levels (checks at most `limit` deep).
bool nested_deeper_than(const Json& value, int limit);

/// --flatten: nested keys joined by `delimiter`; objects inside lists get their index
/// as a key part; lists of scalars are kept as lists.
Json flatten(const Json& document, const std::string& delimiter);

/// --split: one document per entry of results[], each with date, payloads and
/// plugins (and errors, when any) copied from the combined document.
std::vector<Json> split(const Json& document);

}  // namespace stoq::lifecycle

// What connector:sqlite and connector:postgres share (postgres includes this header from
// here): the rows they store, taken from what save() receives, and how get_file() finds
// an archived payload. Both stores have the same two tables:
//
//   results  id, worker, saved_at (UTC), sha1, md5, sha256, sha512, uuid, document, text
//            one row per saved document; the hashes and uuid are the ROOT payload's
//            (results[0]; NULL when absent), document is the whole JSON (NULL for -T),
//            text the rendered text (NULL otherwise).
//   archive  sha1 (primary key), md5, sha256, sha512, size, filename, archived_at, content
//            content-addressed: a payload archived again keeps its first row.
#pragma once

#include <array>
#include <cctype>
#include <cstddef>
#include <string>
#include <string_view>

#include "stoq/plugin.hpp"

namespace stoq::sql_store {

/// The hash columns, in the order get_file() looks a payload up by them.
struct HashColumn {
  const char* name;
  std::size_t length;  // hex digits
};
inline constexpr std::array<HashColumn, 4> kHashColumns{{{"sha1", 40}, {"md5", 32}, {"sha256", 64}, {"sha512", 128}}};

/// Table names are spliced into SQL, so they are checked: a lower-case letter or '_',
/// then lower-case letters, digits or '_', at most 48 characters (index names append a
/// suffix and PostgreSQL cuts identifiers at 63).
inline bool valid_table_name(std::string_view name) {
  if (name.empty() || name.size() > 48) return false;
  if (std::isdigit(static_cast<unsigned char>(name.front())) != 0) return false;
  for (char c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return true;
}

/// The table named by option `option`, checked.
inline std::string table_option(const Options& options, const std::string& option) {
  std::string name = options.get_string(option);
  if (!valid_table_name(name)) {
    throw Error(option + " '" + name + "' is not a table name: use 1..48 of a-z, 0-9 and _, not starting with a digit");
  }
  return name;
}

/// `value` if it is a hex digest of `length` digits (any case), in lower case; "" otherwise.
inline std::string hex_digest(const Json& value, std::size_t length) {
  if (!value.is_string()) return {};
  std::string text = value.get<std::string>();
  if (text.size() != length) return {};
  for (char& c : text) {
    if (std::isxdigit(static_cast<unsigned char>(c)) == 0) return {};
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return text;
}

/// `text` as valid UTF-8 without NUL characters (invalid bytes and NULs become U+FFFD):
/// what a TEXT column of either store takes whatever a filename or template produced.
inline std::string clean_text(std::string_view text) {
  std::string clean = Json(std::string(text)).dump(-1, ' ', false, Json::error_handler_t::replace);
  clean = Json::parse(clean).get<std::string>();
  std::string out;
  out.reserve(clean.size());
  for (char c : clean) {
    if (c == '\0') {
      out += "\xEF\xBF\xBD";
    } else {
      out += c;
    }
  }
  return out;
}

inline bool is_archive(const Json& kwargs) {
  auto archive = kwargs.find("archive");
  return archive != kwargs.end() && archive->is_boolean() && archive->get<bool>();
}

/// The indexed columns of a results row. An empty string stands for NULL.
struct ResultsRow {
  std::string worker;
  std::array<std::string, 4> hashes;  // in kHashColumns order: sha1, md5, sha256, sha512
  std::string uuid;
};

/// The root payload's hashes and first uuid from results[0] of a results document; the
/// sha1 from kwargs when the document has none (rendered text, a flattened document).
inline ResultsRow results_row(const Content& content, const Json& kwargs) {
  ResultsRow row;
  row.worker = clean_text(kwargs.value("index", std::string()));
  if (content.kind() == Content::Kind::Results) {
    const Json& document = content.json();
    auto results = document.is_object() ? document.find("results") : document.end();
    if (document.is_object() && results != document.end() && results->is_array() && !results->empty() &&
        (*results)[0].is_object()) {
      const Json& root = (*results)[0];
      for (std::size_t i = 0; i < kHashColumns.size(); ++i) {
        if (auto hash = root.find(kHashColumns[i].name); hash != root.end()) {
          row.hashes[i] = hex_digest(*hash, kHashColumns[i].length);
        }
      }
      auto uuid = root.find("uuid");
      if (uuid != root.end() && uuid->is_array() && !uuid->empty() && uuid->front().is_string()) {
        row.uuid = clean_text(uuid->front().get<std::string>());
      }
    }
  }
  if (row.hashes[0].empty() && kwargs.contains("sha1")) row.hashes[0] = hex_digest(kwargs["sha1"], 40);
  return row;
}

/// An archive row but the content: the four hashes from kwargs (the framework passes
/// them), computed from the bytes when any is missing or malformed.
struct ArchiveRow {
  std::array<std::string, 4> hashes;  // sha1, md5, sha256, sha512
  std::string filename;
};

inline ArchiveRow archive_row(ByteView bytes, const Json& kwargs) {
  ArchiveRow row;
  bool complete = true;
  for (std::size_t i = 0; i < kHashColumns.size(); ++i) {
    const char* name = kHashColumns[i].name;
    row.hashes[i] = kwargs.contains(name) ? hex_digest(kwargs[name], kHashColumns[i].length) : "";
    complete = complete && !row.hashes[i].empty();
  }
  if (!complete) {
    Hashes hashes = compute_hashes(bytes);
    row.hashes = {hashes.sha1, hashes.md5, hashes.sha256, hashes.sha512};
  }
  auto filename = kwargs.find("filename");
  if (filename != kwargs.end() && filename->is_string()) row.filename = clean_text(filename->get<std::string>());
  return row;
}

/// How get_file() finds a payload: the first of sha1, md5, sha256, sha512 in the message.
struct Lookup {
  const char* column;
  std::string digest;
};

inline Lookup archive_lookup(const Json& kwargs, const std::string& plugin) {
  for (const HashColumn& hash : kHashColumns) {
    auto value = kwargs.find(hash.name);
    if (value == kwargs.end()) continue;
    std::string digest = hex_digest(*value, hash.length);
    if (digest.empty()) throw Error(plugin + ": '" + hash.name + "' is not a " + hash.name + " hex digest");
    return {hash.name, digest};
  }
  throw Error(plugin + ": get_file needs 'sha1' (or 'md5', 'sha256', 'sha512') of an archived payload");
}

inline Error missing_payload(const std::string& plugin, const Lookup& lookup, const std::string& table) {
  return Error(plugin + ": no archived payload with " + lookup.column + " " + lookup.digest + " in " + table);
}

inline Error oversized_payload(const std::string& plugin, const std::string& sha1, long long size, long long max_size) {
  return Error(plugin + ": the archived payload " + sha1 + " holds " + std::to_string(size) +
               " bytes, above max_payload_size (" + std::to_string(max_size) + ")");
}

}  // namespace stoq::sql_store

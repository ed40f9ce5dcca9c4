// dump_json: the serializer every connector uses. Output is byte-identical to
// nlohmann's dump(indent, ' ', ensure_ascii=true, replace) (itself Python's
// json.dumps(indent=..., ensure_ascii=True) layout), but strings that need no
// escaping — hashes, paths, names: nearly all of them — are copied whole instead of
// being decoded character by character. Anything else is delegated to nlohmann.
#include "stoq/json.hpp"

#include <cstdint>
#include <string>

namespace stoq {
namespace {

bool plain_ascii(const std::string& text) {
  for (unsigned char c : text) {
    if (c < 0x20 || c > 0x7e || c == '"' || c == '\\') return false;
  }
  return true;
}

void put_string(const std::string& text, std::string& out) {
  if (plain_ascii(text)) {
    out += '"';
    out += text;
    out += '"';
  } else {
    out += Json(text).dump(-1, ' ', true, Json::error_handler_t::replace);
  }
}

void put_newline(std::string& out, int indent, int depth) {
  out += '\n';
  out.append(static_cast<std::size_t>(indent) * static_cast<std::size_t>(depth), ' ');
}

void put_value(const Json& value, int indent, int depth, std::string& out) {
  switch (value.type()) {
    case Json::value_t::object: {
      if (value.empty()) {
        out += "{}";
        return;
      }
      out += '{';
      bool first = true;
      for (const auto& [key, item] : value.items()) {
        if (!first) out += ',';
        first = false;
        if (indent >= 0) put_newline(out, indent, depth + 1);
        put_string(key, out);
        out += indent >= 0 ? ": " : ":";
        put_value(item, indent, depth + 1, out);
      }
      if (indent >= 0) put_newline(out, indent, depth);
      out += '}';
      return;
    }
    case Json::value_t::array: {
      if (value.empty()) {
        out += "[]";
        return;
      }
      out += '[';
      bool first = true;
      for (const Json& item : value) {
        if (!first) out += ',';
        first = false;
        if (indent >= 0) put_newline(out, indent, depth + 1);
        put_value(item, indent, depth + 1, out);
      }
      if (indent >= 0) put_newline(out, indent, depth);
      out += ']';
      return;
    }
    case Json::value_t::string: put_string(value.get_ref<const std::string&>(), out); return;
    case Json::value_t::boolean: out += value.get<bool>() ? "true" : "false"; return;
    case Json::value_t::null: out += "null"; return;
    case Json::value_t::number_integer: out += std::to_string(value.get<std::int64_t>()); return;
    case Json::value_t::number_unsigned: out += std::to_string(value.get<std::uint64_t>()); return;
    default:  // floats, binary, discarded: nlohmann's formatting exactly
      out += value.dump(-1, ' ', true, Json::error_handler_t::replace);
      return;
  }
}

}  // namespace

std::string dump_json(const Json& value, int indent) {
  std::string out;
  out.reserve(1024);
  put_value(value, indent, 0, out);
  return out;
}

}  // namespace stoq

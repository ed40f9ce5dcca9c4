// One message as results; see message.hpp.
#include "message.hpp"

#include <string>
#include <vector>

#include "addresses.hpp"
#include "codecs.hpp"
#include "mime.hpp"
#include "stoq/payload.hpp"
#include "stoq/text.hpp"

namespace stoq::smtp {
namespace {

constexpr const char* kAddressFields[][2] = {
    {"from", "from"}, {"to", "to"}, {"cc", "cc"}, {"bcc", "bcc"}, {"reply-to", "reply_to"}, {"sender", "sender"}};

std::string decoded(std::string_view value, std::size_t max_bytes) {
  return std::string(cut_utf8(utf8(mime::decode_encoded_words(value)), max_bytes));
}

Json address_list(const std::vector<mime::HeaderField>& headers, std::string_view name, std::size_t max) {
  Json list = Json::array();
  for (const auto& [key, value] : headers) {
    if (key != name) continue;
    for (Address& address : parse_address_list(value, max - std::min(max, list.size()))) {
      Json entry = {{"name", utf8(address.name)}, {"address", utf8(address.address)}};
      if (!address.group.empty()) entry["group"] = utf8(address.group);
      list.push_back(std::move(entry));
    }
  }
  return list;
}

struct Body {
  bool found = false;
  std::string text;
  bool truncated = false;
};

void take_body(Body& body, const mime::Part& part, std::size_t max_bytes) {
  if (body.found) return;
  body.found = true;
  std::string_view raw(reinterpret_cast<const char*>(part.data.data()), part.data.size());
  std::string text = mime::to_utf8(raw, part.charset.empty() ? "us-ascii" : part.charset);
  std::string_view kept = cut_utf8(text, max_bytes);
  body.truncated = kept.size() < text.size() || part.truncated;
  body.text = std::string(kept);
}

Json attachment(const mime::Part& part) {
  Json entry = Json::object();
  entry["filename"] = utf8(part.filename);
  entry["type"] = utf8(part.content_type);
  if (!part.disposition.empty()) entry["disposition"] = utf8(part.disposition);
  entry["size"] = part.data.size();
  Hashes hashes = compute_hashes(ByteView(part.data.data(), part.data.size()));
  entry["md5"] = hashes.md5;
  entry["sha1"] = hashes.sha1;
  entry["sha256"] = hashes.sha256;
  if (!part.content_id.empty()) entry["content_id"] = utf8(part.content_id);
  if (part.depth > 0) entry["attached_message_depth"] = part.depth;
  if (part.uuencoded_block) entry["uuencoded"] = true;
  if (part.truncated) entry["truncated"] = true;
  return entry;
}

}  // namespace

std::string utf8(std::string_view bytes) {
  return is_valid_utf8(bytes) ? std::string(bytes) : mime::to_utf8(bytes, "windows-1252");
}

std::string_view cut_utf8(std::string_view text, std::size_t max_bytes) {
  if (text.size() <= max_bytes) return text;
  std::size_t end = max_bytes;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0U) == 0x80U) --end;
  return text.substr(0, end);
}

Json describe_message(std::string_view message, const MessageLimits& limits) {
  Json result = Json::object();
  Json limits_reached = Json::array();
  std::vector<mime::HeaderField> headers = mime::parse_headers(message);

  auto first = [&](std::string_view name) -> const std::string* {
    for (const auto& field : headers) {
      if (field.first == name) return &field.second;
    }
    return nullptr;
  };
  if (const std::string* subject = first("subject")) result["subject"] = decoded(*subject, limits.max_header_bytes);
  for (const auto& field : kAddressFields) {
    if (first(field[0]) != nullptr) result[field[1]] = address_list(headers, field[0], limits.max_addresses);
  }
  if (const std::string* date = first("date")) result["date"] = decoded(*date, limits.max_header_bytes);
  if (const std::string* id = first("message-id")) result["message_id"] = decoded(*id, limits.max_header_bytes);

  // All header fields, as the original smtp worker gave them: lower-case names, RFC 2047
  // decoded, repeated fields joined with "\n".
  Json fields = Json::object();
  std::size_t kept = 0;
  for (const auto& [name, value] : headers) {
    if (kept++ == limits.max_headers) {
      limits_reached.push_back("max_headers");
      break;
    }
    std::string key = utf8(name);
    std::string text = decoded(value, limits.max_header_bytes);
    if (fields.contains(key)) {
      fields[key] = fields[key].get<std::string>() + "\n" + text;
    } else {
      fields[key] = std::move(text);
    }
  }
  result["headers"] = std::move(fields);

  mime::Settings settings;
  settings.max_nesting = limits.max_nesting;
  settings.max_part_bytes = limits.max_decoded_bytes;
  std::uint64_t total = 0;
  std::size_t parts = 0;
  Body text;
  Body html;
  Json att = Json::array();
  mime::Outcome outcome = mime::parse_message(message, settings, [&](mime::Part&& part) {
    if (parts == limits.max_parts) {
      limits_reached.push_back("max_parts");
      return false;
    }
    ++parts;
    std::uint64_t room = limits.max_decoded_bytes - total;
    if (part.data.size() > room) {
      part.data.resize(static_cast<std::size_t>(room));
      part.truncated = true;
    }
    total += part.data.size();
    bool body_part = part.body_candidate && part.disposition != "attachment";
    if (body_part && part.content_type == "text/plain") take_body(text, part, limits.max_body_bytes);
    if (body_part && part.content_type == "text/html") take_body(html, part, limits.max_body_bytes);
    if (!part.filename.empty() || part.disposition == "attachment" || part.uuencoded_block) {
      att.push_back(attachment(part));
    }
    if (part.truncated && total >= limits.max_decoded_bytes) {
      limits_reached.push_back("max_decoded_bytes");
      return false;
    }
    return true;
  });
  result["body"] = text.text;
  result["body_html"] = html.text;
  if (text.truncated) result["body_truncated"] = true;
  if (html.truncated) result["body_html_truncated"] = true;
  result["att"] = std::move(att);
  result["parts"] = parts;
  if (!outcome.defects.empty()) {
    Json defects = Json::array();
    for (const std::string& defect : outcome.defects) defects.push_back(utf8(defect));
    result["defects"] = std::move(defects);
  }
  if (!limits_reached.empty()) result["limits_reached"] = std::move(limits_reached);
  return result;
}

}  // namespace stoq::smtp

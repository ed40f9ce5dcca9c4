// MIME and mbox parsing; see mime.hpp. Behaviour follows Python's email.feedparser
// where the RFCs leave room (what counts as a header line, delimiter lines, defects).
#include "mime.hpp"

#include <algorithm>
#include <cctype>
#include <map>

#include "codecs.hpp"

namespace stoq::mime {
namespace {

constexpr std::size_t kMaxDefects = 20;

struct Line {
  std::string_view text;  // without the line ending
  std::size_t start = 0;
  std::size_t next = 0;  // start of the following line
};

// The line starting at `pos` (ending at \n, \r\n or the end of `text`).
Line line_at(std::string_view text, std::size_t pos) {
  std::size_t newline = text.find('\n', pos);
  std::size_t end = newline == std::string_view::npos ? text.size() : newline;
  std::size_t next = newline == std::string_view::npos ? text.size() : newline + 1;
  if (end > pos && text[end - 1] == '\r') --end;
  return {text.substr(pos, end - pos), pos, next};
}

std::string_view trim(std::string_view text) {
  std::size_t first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  std::size_t last = text.find_last_not_of(" \t\r\n");
  return text.substr(first, last - first + 1);
}

// Python's headerRE: a field name of printable characters but ':', then ':'.
bool is_header_line(std::string_view line) {
  for (char c : line) {
    if (c == ':') return true;
    auto byte = static_cast<unsigned char>(c);
    if (byte < 0x21 || byte > 0x7E) return false;
  }
  return false;
}

struct Entity {
  std::vector<std::pair<std::string, std::string>> headers;  // lower-case name, unfolded value
  std::string_view body;
  [[nodiscard]] std::string_view get(std::string_view name) const {
    for (const auto& [key, value] : headers) {
      if (key == name) return value;
    }
    return {};
  }
  [[nodiscard]] bool has(std::string_view name) const {
    return std::any_of(headers.begin(), headers.end(), [&](const auto& field) { return field.first == name; });
  }
};

Entity parse_entity(std::string_view text, bool skip_unix_from) {
  Entity entity;
  std::size_t pos = 0;
  if (skip_unix_from && text.substr(0, 5) == "From ") pos = line_at(text, 0).next;
  while (pos < text.size()) {
    Line line = line_at(text, pos);
    if (line.text.empty()) {
      pos = line.next;
      break;
    }
    if (line.text[0] == ' ' || line.text[0] == '\t') {
      if (!entity.headers.empty()) entity.headers.back().second.append(line.text);
      pos = line.next;
      continue;
    }
    if (!is_header_line(line.text)) break;  // no blank line: the body starts here
    std::size_t colon = line.text.find(':');
    entity.headers.emplace_back(to_lower(trim(line.text.substr(0, colon))), std::string(line.text.substr(colon + 1)));
    pos = line.next;
  }
  for (auto& field : entity.headers) field.second = std::string(trim(field.second));
  entity.body = text.substr(std::min(pos, text.size()));
  return entity;
}

struct Param {
  std::string name;  // lower case, with any RFC 2231 "*N*" suffix
  std::string value;
};

// Splits "main; a=1; b="x;y"" into parameters (quotes removed, backslash escapes).
std::vector<Param> split_params(std::string_view value) {
  std::vector<Param> params;
  std::size_t pos = value.find(';');
  while (pos != std::string_view::npos && pos < value.size()) {
    ++pos;
    std::string name;
    std::string text;
    bool quoted = false;
    bool in_name = true;
    for (; pos < value.size(); ++pos) {
      char c = value[pos];
      if (quoted) {
        if (c == '\\' && pos + 1 < value.size()) {
          text += value[++pos];
        } else if (c == '"') {
          quoted = false;
        } else {
          text += c;
        }
      } else if (c == ';') {
        break;
      } else if (in_name && c == '=') {
        in_name = false;
      } else if (in_name) {
        name += c;
      } else if (c == '"') {
        quoted = true;
      } else {
        text += c;
      }
    }
    std::string key = to_lower(trim(name));
    if (!key.empty()) params.push_back({key, std::string(in_name ? "" : trim(text))});
    if (pos >= value.size()) break;
  }
  return params;
}

std::string percent_decode(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    auto hex = [](char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; };
    if (text[i] == '%' && i + 2 < text.size() && hex(text[i + 1]) && hex(text[i + 2])) {
      out += static_cast<char>(std::stoi(std::string(text.substr(i + 1, 2)), nullptr, 16));
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

std::string content_type_of(const Entity& entity, std::string_view fallback) {
  std::string_view value = entity.get("content-type");
  std::string main = to_lower(trim(value.substr(0, value.find(';'))));
  std::size_t slash = main.find('/');
  if (slash == std::string::npos || slash == 0 || slash + 1 == main.size() ||
      main.find_first_of(" \t") != std::string::npos) {
    return std::string(fallback);
  }
  return main;
}

struct Walker {
  const Settings& settings;
  const PartSink& sink;
  Outcome& outcome;
  std::optional<std::size_t> message;
  bool stop = false;

  void defect(std::string text) {
    if (outcome.defects.size() < kMaxDefects) outcome.defects.push_back(std::move(text));
  }

  void emit(Part&& part) {
    if (stop) return;
    part.index = outcome.parts++;
    part.message = message;
    if (part.data.size() > settings.max_part_bytes) {
      part.data.resize(static_cast<std::size_t>(settings.max_part_bytes));
      part.truncated = true;
    }
    if (!sink(std::move(part))) stop = true;
  }

  void leaf(const Entity& entity, std::string type, std::size_t depth, bool candidate) {
    Part part;
    part.body_candidate = candidate;
    std::string_view content_type = entity.get("content-type");
    std::string_view disposition = entity.get("content-disposition");
    part.content_type = std::move(type);
    bool found = false;
    part.filename = header_param(disposition, "filename", &found);
    if (!found) part.filename = header_param(content_type, "name");
    part.filename = std::string(trim(part.filename));
    part.disposition = to_lower(trim(disposition.substr(0, disposition.find(';'))));
    part.content_id = std::string(entity.get("content-id"));
    part.charset = to_lower(header_param(content_type, "charset"));
    part.transfer_encoding = to_lower(trim(entity.get("content-transfer-encoding")));
    part.depth = depth;
    const std::string& cte = part.transfer_encoding;
    if (cte == "base64") {
      part.data = decode_base64(entity.body);
    } else if (cte == "quoted-printable") {
      part.data = decode_quoted_printable(entity.body);
    } else if (cte == "x-uuencode" || cte == "uuencode" || cte == "uue" || cte == "x-uue") {
      part.data = decode_uuencoded(entity.body);
    } else {
      part.data.assign(entity.body.begin(), entity.body.end());
    }
    bool scan_uu =
        settings.uuencoded_blocks && part.content_type.rfind("text/", 0) == 0 && cte.find("uu") == std::string::npos;
    Bytes text_copy;
    if (scan_uu) text_copy = part.data;
    std::size_t parent = outcome.parts;
    emit(std::move(part));
    if (scan_uu)
      uuencoded_blocks(std::string_view(reinterpret_cast<const char*>(text_copy.data()), text_copy.size()), parent,
                       depth);
  }

  // "begin <octal mode> <name>" ... "end" blocks inside a text body.
  void uuencoded_blocks(std::string_view text, std::size_t parent, std::size_t depth) {
    for (std::size_t pos = 0; pos < text.size() && !stop;) {
      Line line = line_at(text, pos);
      pos = line.next;
      if (line.text.substr(0, 6) != "begin ") continue;
      std::size_t space = line.text.find(' ', 6);
      std::string_view mode = line.text.substr(6, space == std::string_view::npos ? 0 : space - 6);
      if (mode.size() < 3 || mode.size() > 4 || mode.find_first_not_of("01234567") != std::string_view::npos) continue;
      Part block;
      block.content_type = "application/octet-stream";
      block.filename = std::string(trim(line.text.substr(space + 1)));
      block.uuencoded_block = true;
      block.parent = parent;
      block.depth = depth;
      while (pos < text.size()) {
        Line body = line_at(text, pos);
        pos = body.next;
        if (trim(body.text) == "end") break;
        if (!decode_uu_line(body.text, block.data)) {
          defect("uuencoded block " + block.filename + " has an invalid line");
          break;
        }
      }
      emit(std::move(block));
    }
  }

  void entity(std::string_view text, bool top, std::string_view default_type, std::size_t nesting, std::size_t depth,
              bool candidate = true) {
    if (stop) return;
    Entity parsed = parse_entity(text, top);
    std::string type = content_type_of(parsed, default_type);
    std::string_view disposition = parsed.get("content-disposition");
    if (to_lower(trim(disposition.substr(0, disposition.find(';')))) == "attachment") candidate = false;
    if (nesting >= settings.max_nesting) {
      defect("nesting deeper than " + std::to_string(settings.max_nesting) + " levels: kept as one part");
      leaf(parsed, type, depth, candidate);
      return;
    }
    if (type.rfind("multipart/", 0) == 0) {
      std::string_view content_type = parsed.get("content-type");
      std::string boundary = header_param(content_type, "boundary");
      std::optional<std::string> start;
      if (type == "multipart/related") start = header_param(content_type, "start");
      if (!boundary.empty() &&
          multipart(parsed.body, boundary, type == "multipart/digest", nesting, depth, candidate, start)) {
        return;
      }
      defect(boundary.empty() ? "multipart without a boundary" : "multipart start delimiter not found");
    } else if (type.rfind("message/", 0) == 0 && type != "message/delivery-status") {
      std::string cte = to_lower(trim(parsed.get("content-transfer-encoding")));
      if (cte.empty() || cte == "7bit" || cte == "8bit" || cte == "binary") {
        entity(parsed.body, false, "text/plain", nesting + 1, depth + 1, false);
        return;
      }
    }
    leaf(parsed, type, depth, candidate);
  }

  // Returns false when no delimiter line was found (the body is then one leaf). `start`
  // is set for multipart/related: only its root part stays a body candidate.
  bool multipart(std::string_view body, const std::string& boundary, bool digest, std::size_t nesting,
                 std::size_t depth, bool candidate, const std::optional<std::string>& start) {
    const std::string delimiter = "--" + boundary;
    std::optional<std::size_t> part_start;
    bool any = false;
    bool closed = false;
    std::vector<std::string_view> subparts;
    for (std::size_t pos = 0; pos < body.size() && !stop;) {
      Line line = line_at(body, pos);
      pos = line.next;
      if (line.text.substr(0, delimiter.size()) != delimiter) continue;
      std::string_view rest = line.text.substr(delimiter.size());
      bool close = rest.substr(0, 2) == "--";
      if (close) rest.remove_prefix(2);
      if (rest.find_first_not_of(" \t") != std::string_view::npos) continue;
      any = true;
      if (part_start) {
        // The line ending before a delimiter belongs to the delimiter (RFC 2046 5.1.1).
        std::size_t end = line.start;
        if (end > *part_start && body[end - 1] == '\n') --end;
        if (end > *part_start && body[end - 1] == '\r') --end;
        subparts.push_back(body.substr(*part_start, end - *part_start));
      }
      if (close) {
        closed = true;
        break;
      }
      part_start = line.next;
    }
    if (!closed && part_start) subparts.push_back(body.substr(*part_start));
    std::size_t root = 0;  // Python's get_body(): the "start" part of a related, else the first
    if (start && !start->empty()) {
      for (std::size_t i = 0; i < subparts.size(); ++i) {
        if (parse_entity(subparts[i], false).get("content-id") == *start) {
          root = i;
          break;
        }
      }
    }
    for (std::size_t i = 0; i < subparts.size() && !stop; ++i) {
      if (!closed && i + 1 == subparts.size()) defect("multipart close delimiter not found");
      entity(subparts[i], false, digest ? "message/rfc822" : "text/plain", nesting + 1, depth,
             candidate && (!start || i == root));
    }
    return any;
  }
};

}  // namespace

std::string header_param(std::string_view header_value, std::string_view name, bool* found) {
  if (found != nullptr) *found = false;
  // RFC 2231: name*=charset'lang'value, name*0=..., name*1*=...
  std::map<int, std::pair<bool, std::string>> sections;  // section -> (extended, value)
  std::string plain;
  bool has_plain = false;
  for (const Param& param : split_params(header_value)) {
    if (param.name == name) {
      if (!has_plain) plain = param.value;
      has_plain = true;
      continue;
    }
    if (param.name.size() <= name.size() || param.name.compare(0, name.size(), name) != 0 ||
        param.name[name.size()] != '*') {
      continue;
    }
    std::string_view suffix = std::string_view(param.name).substr(name.size() + 1);
    bool extended = !suffix.empty() && suffix.back() == '*';
    if (extended) suffix.remove_suffix(1);
    if (suffix.empty()) {
      sections.emplace(0, std::make_pair(true, param.value));  // name*=
      continue;
    }
    if (suffix.size() > 3 || suffix.find_first_not_of("0123456789") != std::string_view::npos) continue;
    sections.emplace(std::stoi(std::string(suffix)), std::make_pair(extended, param.value));
  }
  if (sections.empty()) {
    if (found != nullptr) *found = has_plain;
    return has_plain ? decode_encoded_words(plain) : "";
  }
  if (found != nullptr) *found = true;
  std::string charset;
  std::string joined;
  bool first = true;
  for (auto& [index, section] : sections) {
    std::string value = section.second;
    if (section.first && first) {
      std::size_t q1 = value.find('\'');
      std::size_t q2 = q1 == std::string::npos ? q1 : value.find('\'', q1 + 1);
      if (q2 != std::string::npos) {
        charset = value.substr(0, q1);
        value = value.substr(q2 + 1);
      }
    }
    joined += section.first ? percent_decode(value) : value;
    first = false;
  }
  return charset.empty() ? joined : to_utf8(joined, charset);
}

bool is_mbox(ByteView data) { return data.starts_with("From "); }

std::vector<std::string_view> split_mbox(std::string_view data) {
  std::vector<std::string_view> messages;
  // As mailbox.mbox: a blank line ("\n") before the next "From " line (or the end)
  // separates messages and belongs to neither.
  auto add = [&](std::size_t start, std::size_t end) {
    std::string_view message = data.substr(start, end - start);
    if (message.size() >= 2 && message.substr(message.size() - 2) == "\n\n") message.remove_suffix(1);
    messages.push_back(message);
  };
  std::size_t start = 0;
  for (std::size_t pos = 0; pos < data.size();) {
    Line line = line_at(data, pos);
    if (line.start > start && line.text.substr(0, 5) == "From ") {
      add(start, line.start);
      start = line.start;
    }
    pos = line.next;
  }
  if (start < data.size()) add(start, data.size());
  return messages;
}

std::vector<HeaderField> parse_headers(std::string_view message, std::size_t* body_offset) {
  Entity entity = parse_entity(message, true);
  if (body_offset != nullptr) *body_offset = static_cast<std::size_t>(entity.body.data() - message.data());
  return std::move(entity.headers);
}

Outcome parse_message(std::string_view message, const Settings& settings, const PartSink& sink) {
  Outcome outcome;
  Walker walker{settings, sink, outcome, std::nullopt};
  walker.entity(message, true, "text/plain", 0, 0);
  outcome.messages = 1;
  outcome.stopped = walker.stop;
  return outcome;
}

Outcome parse(ByteView data, const Settings& settings, const PartSink& sink) {
  Outcome outcome;
  std::string_view text = data.as_string_view();
  Walker walker{settings, sink, outcome, std::nullopt};
  if (is_mbox(data)) {
    std::vector<std::string_view> messages = split_mbox(text);
    for (std::size_t i = 0; i < messages.size() && !walker.stop; ++i) {
      walker.message = i;
      walker.entity(messages[i], true, "text/plain", 0, 0);
    }
    outcome.messages = messages.size();
  } else {
    walker.entity(text, true, "text/plain", 0, 0);
    outcome.messages = 1;
  }
  outcome.stopped = walker.stop;
  return outcome;
}

}  // namespace stoq::mime

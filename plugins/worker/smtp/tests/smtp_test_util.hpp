// Shared by worker:smtp's tests: the plugin harness, messages.
#pragma once

#include <string>

#include "stoq/testing.hpp"

namespace smtp_test {

inline std::string corpus(const std::string& name) { return STOQ_SHARED_DIR "/corpus/strelka-fixtures/" + name; }

using Overrides = std::vector<std::pair<std::string, std::string>>;

/// A worker:smtp instance with `overrides` over its .stoq options, from `plugin_dir`.
class Smtp {
 public:
  explicit Smtp(const Overrides& overrides = {}, const std::string& plugin_dir = STOQ_PLUGIN_DIR)
      : worker_(harness_.activate<stoq::Worker>(plugin_dir, "smtp", overrides)) {}
  stoq::Json scan(std::string_view bytes) {
    return worker_.scan(stoq::testing::payload_of(bytes), stoq::Json::object());
  }
  stoq::Json scan_file(const std::string& path) { return worker_.scan(harness_.get_file(path), stoq::Json::object()); }

 private:
  stoq::testing::TempDir work_;
  stoq::testing::PluginHarness harness_{work_.path()};
  stoq::Worker& worker_;
};

// A multipart message: a text body with a quoted-printable Latin-1 part, an HTML
// alternative, a base64 attachment with an RFC 2231 name, and encoded-word headers.
inline std::string sample_message(const std::string& subject = "=?UTF-8?B?w6l0w6k=?= report") {
  return "From: =?ISO-8859-1?Q?Fran=E7ois?= <francois@example.org>\r\n"
         "To: \"Doe, Jane\" <jane@example.com>, bob@example.com (Bob),\r\n"
         " team: carol@example.com, <dave@example.com>;\r\n"
         "Cc: Eve <eve@example.net>\r\n"
         "Reply-To: replies@example.org\r\n"
         "Subject: " +
         subject +
         "\r\n"
         "Date: Tue, 02 Jan 2024 10:00:00 +0100\r\n"
         "Message-ID: <1234@example.org>\r\n"
         "Received: from a.example by b.example; Tue, 02 Jan 2024 10:00:00 +0100\r\n"
         "Received: from c.example by a.example; Tue, 02 Jan 2024 09:59:59 +0100\r\n"
         "MIME-Version: 1.0\r\n"
         "Content-Type: multipart/mixed; boundary=\"outer\"\r\n"
         "\r\n"
         "--outer\r\n"
         "Content-Type: multipart/alternative; boundary=\"alt\"\r\n"
         "\r\n"
         "--alt\r\n"
         "Content-Type: text/plain; charset=iso-8859-1\r\n"
         "Content-Transfer-Encoding: quoted-printable\r\n"
         "\r\n"
         "Caf=E9 cr=E8me at noon.\r\n"
         ".a line starting with a dot\r\n"
         "--alt\r\n"
         "Content-Type: text/html; charset=utf-8\r\n"
         "Content-Transfer-Encoding: base64\r\n"
         "\r\n"
         "PHA+Q2Fmw6kgY3LDqG1lPC9wPgo=\r\n"
         "--alt--\r\n"
         "--outer\r\n"
         "Content-Type: application/octet-stream\r\n"
         "Content-Disposition: attachment; filename*=utf-8''r%C3%A9sum%C3%A9.bin\r\n"
         "Content-Transfer-Encoding: base64\r\n"
         "\r\n"
         "AAECAwQFBgcICQ==\r\n"
         "--outer--\r\n";
}

/// `message` as an SMTP client sends it after DATA: lines starting with "." doubled.
inline std::string dot_stuffed(const std::string& message) {
  std::string out;
  bool line_start = true;
  for (char c : message) {
    if (line_start && c == '.') out += '.';
    out += c;
    line_start = c == '\n';
  }
  return out;
}

}  // namespace smtp_test

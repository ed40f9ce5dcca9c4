// stoq's Jinja2-compatible template engine, on stoq::Json.
//
// Renders the way the original stoQ configured Jinja2: FileSystemLoader(<dir>) with
// trim_blocks and lstrip_blocks, no autoescaping, the default (lenient) Undefined:
// an undefined name prints as "", while an attribute of an undefined value is an error.
// Output is byte-identical to python3-jinja2 3.1 for the supported language (see
// docs/templates.md); tests/template proves it against the real Jinja2.
//
// Safety contract: templates are data, never code. Nothing outside the template
// directory can be read (include/import names are checked and resolved below it,
// symlinks included), there is no way to call host functions beyond the documented
// filters/tests/methods, and every render is bounded by TemplateLimits.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "stoq/error.hpp"
#include "stoq/json.hpp"

// Exported from libstoq.so (built with hidden visibility): everything declared here.
#pragma GCC visibility push(default)
namespace stoq::templating {

/// Bounds on one render (an include/import/macro call counts toward its caller's render).
struct TemplateLimits {
  std::size_t max_output_bytes = 64U << 20;   // rendered text
  std::uint64_t max_steps = 50'000'000;       // loop iterations + macro calls + filter items
  std::size_t max_depth = 64;                 // nested include/import/macro calls
  std::size_t max_template_bytes = 4U << 20;  // source of one template file
  std::size_t max_value_bytes = 64U << 20;    // one string or list built while rendering
};

struct TemplateOptions {
  bool trim_blocks = true;             // the first newline after a block tag is removed
  bool lstrip_blocks = true;           // spaces/tabs before a block tag on its line are removed
  bool keep_trailing_newline = false;  // Jinja2's default: one trailing newline is dropped
  TemplateLimits limits;
};

/// A syntax or render error. what() reads "<template>:<line>:<column>: <message>"
/// (column 0 when only the line is known).
class TemplateError : public Error {
 public:
  TemplateError(std::string template_name, int line, int column, const std::string& message);
  [[nodiscard]] const std::string& template_name() const { return template_name_; }
  [[nodiscard]] int line() const { return line_; }
  [[nodiscard]] int column() const { return column_; }
  [[nodiscard]] const std::string& message() const { return message_; }

 private:
  std::string template_name_;
  int line_;
  int column_;
  std::string message_;
};

class Environment;
struct ParsedTemplate;  // the syntax tree (src/core/template)

/// A parsed template: immutable, safe to render from many threads at once.
class Template {
 public:
  /// vars: a JSON object; each key becomes a top-level template variable
  /// (stoq passes {"results": <document>}). Throws TemplateError.
  [[nodiscard]] std::string render(const Json& vars) const;
  [[nodiscard]] const std::string& name() const;
  [[nodiscard]] const std::shared_ptr<const ParsedTemplate>& parsed() const { return parsed_; }

  Template(std::shared_ptr<const ParsedTemplate> parsed, const Environment* environment);

 private:
  std::shared_ptr<const ParsedTemplate> parsed_;
  const Environment* environment_;
};

/// Loads templates from one directory, parses each once and keeps it (thread-safe).
/// The Environment must outlive the templates it returns.
class Environment {
 public:
  /// template_dir may be empty: then only from_string() templates exist and any
  /// include/import fails.
  explicit Environment(std::filesystem::path template_dir, TemplateOptions options = {});
  ~Environment();
  Environment(const Environment&) = delete;
  Environment& operator=(const Environment&) = delete;

  /// Loads <template_dir>/<name>. Refuses absolute names, "..", and anything that
  /// resolves outside template_dir. Throws TemplateError (syntax) or Error (missing).
  [[nodiscard]] std::shared_ptr<const Template> get_template(std::string_view name) const;
  /// Like get_template, but nullptr when the file does not exist (include ... ignore missing).
  [[nodiscard]] std::shared_ptr<const Template> find_template(std::string_view name) const;
  /// Parses source (not cached). name is used in error messages.
  [[nodiscard]] std::shared_ptr<const Template> from_string(std::string_view source,
                                                            std::string_view name = "<template>") const;

  [[nodiscard]] const TemplateOptions& options() const { return options_; }
  [[nodiscard]] const std::filesystem::path& template_dir() const { return template_dir_; }

 private:
  std::filesystem::path template_dir_;
  TemplateOptions options_;
  mutable std::mutex mutex_;
  mutable std::map<std::string, std::shared_ptr<const Template>, std::less<>> cache_;
};

/// Convenience: renders `source` against vars with default options (no includes).
[[nodiscard]] std::string render_string(std::string_view source, const Json& vars);

}  // namespace stoq::templating
#pragma GCC visibility pop

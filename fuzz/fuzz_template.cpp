// fuzz_template: stoq's Jinja2-compatible template engine on arbitrary template source
// (templates are user-supplied files; their text is untrusted input to the parser and
// the renderer). Each input is parsed with Environment("").from_string (no template
// directory: includes and imports must fail cleanly) and, when it parses, rendered
// twice against a fixed results document with small limits; the document also holds
// values nested 2,000 deep (results.deep, results.deep_map and an equal twin of each),
// deeper than any walk may recurse, so printing, comparing, sorting, tojson and pprint
// meet the value-nesting bound (docs/templates.md, Limits). Contract: only
// stoq::Error (TemplateError included) may escape; a TemplateError names the template
// and a line within it; output never exceeds max_output_bytes; rendering is
// deterministic (a parsed Template is immutable). Anything else is a finding.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "stoq/error.hpp"
#include "stoq/json.hpp"
#include "stoq/template.hpp"

namespace {

constexpr const char* kName = "fuzz.tpl";

stoq::templating::TemplateOptions fuzz_options() {
  stoq::templating::TemplateOptions options;
  options.limits.max_output_bytes = 1 << 16;
  options.limits.max_steps = 20000;
  options.limits.max_depth = 16;
  options.limits.max_template_bytes = 1 << 16;
  options.limits.max_value_bytes = 1 << 16;
  return options;
}

// [[[...]]] or {"a": {"a": ...}} nested `depth` deep, as JSON text.
std::string deep_json_text(std::size_t depth, bool objects) {
  std::string text;
  for (std::size_t i = 0; i < depth; ++i) text += objects ? "{\"a\": " : "[";
  text += "1";
  for (std::size_t i = 0; i < depth; ++i) text += objects ? "}" : "]";
  return text;
}

// Adds the deep values. Their keys exist first: an ordered_json object that grows copies
// its values (recursively) as its vector of pairs reallocates.
stoq::Json with_deep_values(stoq::Json vars) {
  constexpr std::size_t kDepth = 2000;
  const char* const names[] = {"deep", "deep_twin", "deep_map", "deep_map_twin"};
  for (const char* name : names) vars["results"][name] = nullptr;
  for (const char* name : names) {
    const bool objects = std::string_view(name).rfind("deep_map", 0) == 0;
    vars["results"][name] = stoq::Json::parse(deep_json_text(kDepth, objects));
  }
  return vars;
}

const stoq::Json& fuzz_vars() {
  static const stoq::Json vars = with_deep_values(stoq::Json::parse(R"({"results": {
    "results": [
      {"filename": "a <b> & \"c\".doc", "md5": "9d804f4f0555724ff8a660e59d277cd1", "size": 58368, "payload_id": 0,
       "plugin": "yara", "uuid": ["fdf75a83-cb4e-4119-a80b-dc02c8fc0a0f"], "source_meta": {"k": null, "n": -0.0},
       "scan": [{"rule": "r1", "namespace": "default", "tags": ["t", "T"], "meta": {"severity": 3, "w": 0.1},
                 "strings": [["1024", "$a", "b'AutoOpen'"]], "matches": true}]},
      {"plugin": "hash", "size": 7, "payload_id": 1, "scan": {"md5": "dd11", "big": 12345678901234567890,
       "f": 1e16, "tiny": 1e-07, "s": "\u00e9t\u00e9 \ud83d\ude00"}}
    ],
    "plugins": {"0": "yara", "1": "hash"}, "date": "2019-04-12T08:32:05.114093", "tlp": "amber", "payloads": 2}})"));
  return vars;
}

void check_error(const stoq::templating::TemplateError& error, std::string_view source) {
  if (error.template_name() != kName) std::abort();
  std::size_t lines = 1;
  for (char c : source) lines += (c == '\n' || c == '\r') ? 1 : 0;
  if (error.line() < 0 || static_cast<std::size_t>(error.line()) > lines + 1 || error.column() < 0) std::abort();
}

// The output, or nullopt when the render threw stoq::Error.
std::optional<std::string> render(const stoq::templating::Template& tpl, std::string_view source) {
  try {
    std::string out = tpl.render(fuzz_vars());
    if (out.size() > fuzz_options().limits.max_output_bytes) std::abort();
    return out;
  } catch (const stoq::templating::TemplateError& error) {
    check_error(error, source);
  } catch (const stoq::Error&) {
    // e.g. an include with no template directory: a documented outcome
  }
  return std::nullopt;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const stoq::templating::Environment environment("", fuzz_options());
  std::string_view source(reinterpret_cast<const char*>(data), size);
  std::shared_ptr<const stoq::templating::Template> tpl;
  try {
    tpl = environment.from_string(source, kName);
  } catch (const stoq::templating::TemplateError& error) {
    check_error(error, source);
    return 0;
  } catch (const stoq::Error&) {
    return 0;
  }
  if (!tpl) std::abort();
  std::optional<std::string> first = render(*tpl, source);
  std::optional<std::string> second = render(*tpl, source);
  if (first != second) std::abort();
  return 0;
}

// `stoq render TEMPLATE [RESULTS.json]`: renders a template file against saved results
// documents (a file, or stdin), exactly as `stoq <worker> -T` renders them in a run:
// trim_blocks and lstrip_blocks, one variable `results` holding the document, one
// rendering per document, each printed as the stdout connector prints it. The
// template's own folder is its template directory, so its includes resolve beside it.
//
// Exit status: 0; 1 when the template cannot be read or parsed, or a document is not
// JSON or does not render (every other document still is); 2 for bad arguments.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "cli/json_stream.hpp"
#include "engine/pipeline.hpp"
#include "engine/run_state.hpp"
#include "stoq/error.hpp"
#include "stoq/plugin.hpp"
#include "stoq/template.hpp"

namespace stoq::cli {
namespace {

namespace fs = std::filesystem;

void report(const std::string& message) { std::fprintf(stderr, "stoq render: error: %s\n", message.c_str()); }

}  // namespace

int cmd_render(const std::vector<std::string>& args_in) {
  std::string template_arg;
  std::string results_arg;
  CLI::App app{"Render a template against saved results documents, as -T renders them in a run", "stoq render"};
  app.set_help_flag("-h,--help", "Show this help and exit");
  app.add_option("TEMPLATE", template_arg, "Template file; includes are looked up in its folder")->required();
  app.add_option("RESULTS", results_arg,
                 "Results documents (JSON, one or several one after another); omitted or '-': stdin");
  app.footer(
      "The template sees one variable, `results`: one saved document (as `stoq <worker>` printed\n"
      "or saved it). Each document is rendered and printed followed by a newline, as the stdout\n"
      "connector prints a -T rendering. Example:\n"
      "  stoq hash -F samples/ > results.json\n"
      "  stoq render lib/stoq/plugins/worker/hash/templates/stdout.tpl results.json\n");
  std::vector<std::string> args(args_in.rbegin(), args_in.rend());  // CLI11 takes them reversed
  try {
    app.parse(args);
  } catch (const CLI::CallForHelp&) {
    std::printf("%s", app.help().c_str());
    return 0;
  } catch (const CLI::ParseError& e) {
    std::fprintf(stderr, "stoq render: error: %s (see stoq render -h)\n", e.what());
    return 2;
  }

  fs::path template_path(template_arg);
  std::error_code error;
  // A symlinked template is rendered from where it really is (its includes live there).
  if (fs::is_symlink(template_path, error)) template_path = fs::canonical(template_path, error);
  fs::path dir = template_path.parent_path();
  if (dir.empty()) dir = ".";  // an empty template directory would allow no file at all
  if (!fs::is_regular_file(template_path, error)) {
    report("no template file " + template_arg);
    return 1;
  }
  std::ifstream file;
  std::istream* in = &std::cin;
  std::string input_name = "<stdin>";
  if (!results_arg.empty() && results_arg != "-") {
    input_name = results_arg;
    if (fs::is_directory(results_arg, error)) {
      report(results_arg + " is a directory");
      return 1;
    }
    file.open(results_arg, std::ios::binary);
    if (!file) {
      report("cannot read " + results_arg + ": " + std::strerror(errno));
      return 1;
    }
    in = &file;
  } else {
    std::ios::sync_with_stdio(false);  // stdin is read through iostreams only; stdout stays stdio
  }

  templating::Environment environment(dir);  // the options of -T: trim_blocks, lstrip_blocks
  std::shared_ptr<const templating::Template> parsed;
  try {
    parsed = environment.get_template(template_path.filename().string());
  } catch (const templating::TemplateError& e) {
    report(engine::template_error_text(e, dir));
    return 1;
  } catch (const std::exception& e) {
    report(template_arg + ": " + e.what());
    return 1;
  }

  std::size_t index = 0;
  bool failed = false;
  read_json_documents(
      *in,
      [&](Json& document) {
        ++index;
        std::string where = input_name + ", document " + std::to_string(index) + ": ";
        try {
          write_output(engine::render_results(*parsed, document));
        } catch (const templating::TemplateError& e) {
          report(where + engine::template_error_text(e, dir));
          failed = true;
        } catch (const std::exception& e) {
          report(where + e.what());
          failed = true;
        }
      },
      [&](const std::string& problem) {
        ++index;
        report(input_name + ", " + problem);
        failed = true;
      });
  if (in->bad()) {
    report("cannot read " + input_name);
    return 1;
  }
  return failed ? 1 : 0;
}

}  // namespace stoq::cli

#include "cli/package/skeleton.hpp"

#include <algorithm>
#include <fstream>
#include <iterator>
#include <sstream>

#include "cli/package/locations.hpp"
#include "stoq/error.hpp"

namespace stoq::cli::package {
namespace fs = std::filesystem;
namespace {

struct Example {
  Category category;
  const char* name;        // plugin name, file names, namespace
  const char* class_name;  // the C++ class
};

// The stoQ guide's example of each category, by its name there.
constexpr Example kExamples[] = {
    {Category::Worker, "basicworker", "BasicWorker"},
    {Category::Connector, "basicconnector", "BasicConnector"},
    {Category::Reader, "basicreader", "BasicReader"},
    {Category::Source, "filesource", "FileSource"},
    {Category::Extractor, "exampleextractor", "ExampleExtractor"},
    {Category::Carver, "examplecarver", "ExampleCarver"},
    {Category::Decoder, "exampledecoder", "ExampleDecoder"},
    {Category::Decorator, "exampledecorator", "ExampleDecorator"},
};

bool valid_name(const std::string& name) {
  if (name.empty() || name.size() > 64 || !(name[0] >= 'a' && name[0] <= 'z')) return false;
  return std::all_of(name.begin(), name.end(),
                     [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'; });
}

// snake_case -> CamelCase: my_scanner -> MyScanner.
std::string class_name_of(const std::string& name) {
  std::string out;
  bool upper = true;
  for (char c : name) {
    if (c == '_') {
      upper = true;
      continue;
    }
    out += upper && c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c;
    upper = false;
  }
  return out;
}

std::string replace_all(std::string text, const std::string& from, const std::string& to) {
  for (std::size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
  return text;
}

}  // namespace

void write_skeleton(Category category, const std::string& name, const std::string& directory) {
  if (!valid_name(name)) {
    throw Error("new: the name '" + name +
                "' must start with a lower-case letter and hold only a-z, 0-9 and _ (it names the plugin, its "
                "files and its C++ namespace)");
  }
  const Example& example = *std::find_if(std::begin(kExamples), std::end(kExamples),
                                         [&](const Example& e) { return e.category == category; });
  fs::path from = examples_dir() / (std::string(example.name) + "-plugin");
  if (!fs::is_directory(from)) throw Error("new: the package examples are missing: " + from.string());
  fs::path to = fs::absolute(directory);
  std::error_code error;
  if (fs::exists(to, error) && !fs::is_empty(to, error))
    throw Error("new: " + to.string() + " exists and is not empty");
  // The example's own name gives the example itself, its class name included.
  const std::string class_name = name == example.name ? std::string(example.class_name) : class_name_of(name);
  for (auto it = fs::recursive_directory_iterator(from); it != fs::recursive_directory_iterator(); ++it) {
    fs::path relative = fs::relative(it->path(), from);
    if (relative.begin()->string() == "build") {  // a build tree someone left in the examples
      it.disable_recursion_pending();
      continue;
    }
    fs::path target = to / replace_all(relative.string(), example.name, name);
    if (it->is_directory()) {
      fs::create_directories(target);
      continue;
    }
    if (!it->is_regular_file()) continue;
    std::ifstream in(it->path(), std::ios::binary);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    text = replace_all(replace_all(text, example.class_name, class_name), example.name, name);
    fs::create_directories(target.parent_path());
    std::ofstream out(target, std::ios::binary);
    out << text;
    if (!out) throw Error("new: cannot write " + target.string());
  }
}

}  // namespace stoq::cli::package

#include "cli/package/package.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <regex>
#include <vector>

#include "config/ini.hpp"
#include "loader/manifest.hpp"
#include "stoq/error.hpp"

namespace stoq::cli::package {
namespace fs = std::filesystem;
namespace {

// Folders a package may carry that never hold its .stoq file: build trees, virtual
// environments, version control.
bool skipped_folder(const std::string& name) {
  return name.empty() || name[0] == '.' || name == "build" || name.rfind("build-", 0) == 0 || name == "venv" ||
         name == "__pycache__" || name == "node_modules";
}

std::vector<fs::path> stoq_files_in(const fs::path& folder) {
  std::vector<fs::path> found;
  std::error_code error;
  for (const auto& item : fs::directory_iterator(folder, error)) {
    if (item.path().extension() == ".stoq" && item.is_regular_file(error)) found.push_back(item.path());
  }
  return found;
}

// A name that is one safe path component: it becomes <plugin_dir>/<category>/<name>.
bool safe_name(const std::string& name) {
  if (name.empty() || name[0] == '.' || name.size() > 128) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
           c == '.';
  });
}

// stoq_add_plugin(<category> <name> as written in a CMakeLists.txt (first 1 MiB).
std::optional<Category> category_in_cmake(const fs::path& cmake_lists, const std::string& name) {
  std::ifstream in(cmake_lists);
  std::string text;
  text.resize(1 << 20);
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<std::size_t>(in.gcount()));
  static const std::regex call(R"(stoq_add_plugin\s*\(\s*([a-z]+)\s+([A-Za-z0-9_.-]+))");
  for (auto it = std::sregex_iterator(text.begin(), text.end(), call); it != std::sregex_iterator(); ++it) {
    if ((*it)[2] == name) return parse_category((*it)[1].str());
  }
  return std::nullopt;
}

}  // namespace

Package inspect_package(const std::string& root_text) {
  fs::path root = fs::absolute(root_text).lexically_normal();
  if (!fs::is_directory(root)) throw Error(root_text + ": not a directory");
  std::vector<fs::path> found = stoq_files_in(root);
  std::vector<fs::path> subfolders;
  std::error_code error;
  for (const auto& item : fs::directory_iterator(root, error)) {
    if (item.is_directory(error) && !skipped_folder(item.path().filename().string())) subfolders.push_back(item.path());
  }
  for (const fs::path& folder : subfolders) {
    for (fs::path& file : stoq_files_in(folder)) found.push_back(std::move(file));
  }
  if (found.empty()) {
    throw Error(root.string() +
                ": no .stoq file here or in a subfolder (a package holds <Name>/<Name>.stoq: see "
                "docs/writing-plugins.md#packages)");
  }
  if (found.size() > 1) {
    std::sort(found.begin(), found.end());
    std::string list;
    for (const fs::path& file : found) list += "\n  " + file.string();
    throw Error(root.string() + ": a package holds one plugin, but it has " + std::to_string(found.size()) +
                " .stoq files:" + list);
  }
  Package package;
  package.root = root.string();
  package.stoq_file = found.front().string();
  package.plugin_folder = found.front().parent_path().string();
  loader::Manifest manifest = loader::read_manifest(package.stoq_file, Category::Worker);
  package.name = manifest.info.name;
  package.module = manifest.info.module;
  package.version = manifest.info.version;
  if (!safe_name(package.name)) {
    throw Error(package.stoq_file + ": [Core] Name '" + package.name +
                "' must be a plain name (letters, digits, _ - .) to become a folder");
  }
  if (const config::IniSection* core = manifest.file.find("Core")) {
    if (const config::IniEntry* entry = core->find("category")) {
      package.declared_category = parse_category(entry->value);
      if (!package.declared_category) {
        throw Error(manifest.file.where(entry->line) + ": [Core] Category '" + entry->value +
                    "' is not one of worker, connector, reader, source, extractor, carver, decoder, decorator");
      }
    }
  }
  package.exec = package.module.rfind("exec:", 0) == 0;
  package.has_cmake = fs::is_regular_file(root / "CMakeLists.txt");
  if (package.has_cmake) package.cmake_category = category_in_cmake(root / "CMakeLists.txt", package.name);
  for (const fs::path& candidate : {root / "requirements.txt", fs::path(package.plugin_folder) / "requirements.txt"}) {
    if (fs::is_regular_file(candidate)) {
      package.requirements = candidate.string();
      break;
    }
  }
  return package;
}

}  // namespace stoq::cli::package

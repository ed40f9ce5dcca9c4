#include "cli/package/install.hpp"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <vector>

#include "cli/package/locations.hpp"
#include "cli/package/package.hpp"
#include "cli/package/run.hpp"
#include "cli/package/unpack.hpp"
#include "config/core_config.hpp"
#include "loader/catalog.hpp"
#include "logging/logging.hpp"
#include "stoq/error.hpp"
#include "stoq/testing.hpp"

namespace stoq::cli::package {
namespace fs = std::filesystem;
namespace {

// A step failed after the package was read: said on stderr, nothing changed, exit 1.
struct NotInstalled {
  std::string why;
};

void say(const std::string& line) {
  std::printf("%s\n", line.c_str());
  std::fflush(stdout);
}

/// Removes a directory tree when it goes out of scope.
class ScratchDir {
 public:
  explicit ScratchDir(const fs::path& parent) {
    std::string pattern = (parent / ".stoq-install-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) {
      throw Error("cannot write in " + parent.string() + " (" + std::strerror(errno) +
                  "): choose another plugin directory with --plugin-dir");
    }
    path_ = pattern;
  }
  ~ScratchDir() {
    std::error_code error;
    fs::remove_all(path_, error);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  [[nodiscard]] const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

// Whether `tool` is an executable on PATH (the lookup the oracle checks of the tests use).
bool on_path(const std::string& tool) { return !testing::find_tool(tool).empty(); }

struct Target {
  fs::path plugin_dir;
  bool listed = true;  // stoq finds it (it is in plugin_dir_list)
};

Target choose_plugin_dir(const InstallRequest& request, const CoreConfig& config, const config::Defaults& defaults) {
  std::vector<std::string> configured;
  for (const std::string& dir : config.plugin_dir_list) {
    if (dir != defaults.builtin_plugin_dir) configured.push_back(dir);
  }
  Target target;
  if (request.plugin_dir) {
    target.plugin_dir = fs::absolute(*request.plugin_dir).lexically_normal();
    target.listed = false;
    for (const std::string& dir : config.plugin_dir_list) {
      if (fs::path(dir).lexically_normal() == target.plugin_dir) target.listed = true;
    }
    return target;
  }
  if (configured.size() > 1) {
    std::string list;
    for (const std::string& dir : configured) list += "\n  " + dir;
    throw Error("plugin_dir_list in " + config.source + " has " + std::to_string(configured.size()) +
                " entries; say which one to install into with --plugin-dir DIR:" + list);
  }
  target.plugin_dir = configured.empty() ? defaults.builtin_plugin_dir : configured.front();
  if (target.plugin_dir.empty()) throw Error("no plugin directory: give one with --plugin-dir DIR");
  return target;
}

// The package's directory: itself, or where its archive was unpacked (a single top
// folder of the archive is the package).
fs::path package_root(const InstallRequest& request, const CoreConfig& config, const fs::path& scratch) {
  fs::path given = fs::absolute(request.package);
  if (fs::is_directory(given)) return given;
  if (!fs::is_regular_file(given)) throw Error(request.package + ": no such package");
  if (!is_package_archive(given.string())) {
    throw Error(request.package + ": a package is a directory or a .tar.gz, .tgz, .tar, .tar.xz or .zip archive");
  }
  fs::path unpacked = scratch / "unpacked";
  fs::create_directory(unpacked);
  UnpackLimits limits;
  limits.max_entries = static_cast<std::uint64_t>(config.max_payloads);
  limits.max_file_size = static_cast<std::uint64_t>(config.max_child_size);
  limits.max_total_bytes = static_cast<std::uint64_t>(config.max_extracted_bytes);
  limits.max_ratio = config.max_compression_ratio;
  unpack_archive(given.string(), unpacked.string(), limits);
  std::vector<fs::path> top;
  for (const auto& item : fs::directory_iterator(unpacked)) top.push_back(item.path());
  if (top.size() == 1 && fs::is_directory(top.front())) return top.front();
  return unpacked;
}

// Copies a folder's directories and regular files (not links: a package's program and
// data are plain files), leaving out build trees, virtual environments and caches.
void copy_plugin_folder(const fs::path& from, const fs::path& to) {
  fs::create_directories(to);
  for (const auto& item : fs::directory_iterator(from)) {
    std::string name = item.path().filename().string();
    if (name == "build" || name == "venv" || name == "__pycache__" || name == ".git") continue;
    fs::file_status status = item.symlink_status();
    if (fs::is_directory(status)) {
      copy_plugin_folder(item.path(), to / name);
    } else if (fs::is_regular_file(status)) {
      fs::copy_file(item.path(), to / name);
    } else {
      say("[!] leaving out " + item.path().string() + ": not a regular file or folder");
    }
  }
}

void run_step(const std::vector<std::string>& argv, const fs::path& cwd, const fs::path& log, const std::string& what) {
  if (run_logged(argv, cwd.string(), log.string()) != 0) {
    throw NotInstalled{what + " failed; the end of its log:\n" + tail_of_file(log.string(), 25)};
  }
}

// C++: configure, build and install the package against this stoq's CMake package.
// stoq_add_plugin() installs to <prefix>/<category>/<name>/, so the prefix is the stage.
void build_with_cmake(const Package& package, const fs::path& scratch, const fs::path& stage, const fs::path& log) {
  if (!on_path("cmake")) throw NotInstalled{"building a C++ plugin needs cmake (apt-get install cmake)"};
  fs::path cmake_dir = sdk_cmake_dir();
  if (!fs::is_regular_file(cmake_dir / "stoqConfig.cmake")) {
    throw NotInstalled{"this stoq has no SDK package at " + cmake_dir.string() +
                       " (was it installed with make install?)"};
  }
  fs::path build = scratch / "build";
  std::vector<std::string> configure = {"cmake",
                                        "-S",
                                        package.root,
                                        "-B",
                                        build.string(),
                                        "-DCMAKE_BUILD_TYPE=Release",
                                        "-Dstoq_DIR=" + cmake_dir.string(),
                                        "-DSTOQ_PLUGIN_BUILD_TESTS=OFF"};
  if (on_path("ninja")) configure.insert(configure.begin() + 1, {"-G", "Ninja"});
  say("[+] Building " + package.name + " against the SDK in " + cmake_dir.string() + "...");
  run_step(configure, package.root, log, "configuring " + package.name + " (cmake)");
  run_step({"cmake", "--build", build.string(), "--parallel"}, package.root, log, "building " + package.name);
  run_step({"cmake", "--install", build.string(), "--prefix", stage.string()}, package.root, log,
           "installing " + package.name + " into the staging directory");
}

// The category a build staged the plugin under (<stage>/<category>/<name>).
Category staged_category(const Package& package, const fs::path& stage) {
  std::optional<Category> found;
  for (Category category : kAllCategories) {
    if (!fs::is_directory(stage / category_name(category) / package.name)) continue;
    if (found) throw NotInstalled{"the build staged " + package.name + " under two categories"};
    found = category;
  }
  if (!found) {
    throw NotInstalled{"the build installed no <category>/" + package.name +
                       "/ folder: does CMakeLists.txt call stoq_add_plugin(<category> " + package.name + " ...)?"};
  }
  return *found;
}

// exec: plugins written in Python get their requirements in a virtual environment of
// their own (<plugin>/venv), which stoq puts first on the program's PATH.
void install_requirements(const Package& package, const fs::path& staged, const fs::path& log) {
  if (package.requirements.empty()) return;
  if (!package.exec) {
    say("[!] " + package.requirements + " is left out: only exec: plugins (Python) get a virtual environment");
    return;
  }
  if (!on_path("python3")) {
    throw NotInstalled{"requirements.txt needs python3 with venv and pip (apt-get install python3-venv python3-pip)"};
  }
  fs::path venv = staged / "venv";
  say("[+] Installing " + package.requirements + " into " + package.name + "'s own virtual environment...");
  run_step({"python3", "-m", "venv", venv.string()}, staged, log,
           "creating a Python virtual environment (apt-get install python3-venv)");
  fs::path requirements_dir = fs::path(package.requirements).parent_path();
  run_step({(venv / "bin" / "python3").string(), "-m", "pip", "install", "--disable-pip-version-check", "--no-input",
            "-r", package.requirements},
           requirements_dir, log, "pip install -r requirements.txt");
}

// Replaces (or creates) `target` with `staged`; on any failure the old plugin stays.
void move_into_place(const fs::path& staged, const fs::path& target, const fs::path& scratch) {
  fs::create_directories(target.parent_path());
  std::error_code error;
  if (!fs::exists(target, error)) {
    fs::rename(staged, target);
    return;
  }
  fs::path old = scratch / "previous";
  fs::rename(target, old);
  try {
    fs::rename(staged, target);
  } catch (...) {
    fs::rename(old, target, error);
    throw;
  }
}

}  // namespace

int install(const InstallRequest& request) {
  config::Defaults defaults = config::default_locations();
  CoreConfig config = config::load_core_config(request.config_path, defaults);
  logging::setup(config, "", false);
  Target target = choose_plugin_dir(request, config, defaults);
  fs::create_directories(target.plugin_dir);
  ScratchDir scratch(target.plugin_dir);  // beside the target: the final rename stays on one file system

  say("[+] Looking for plugin in " + request.package + "...");
  Package package = inspect_package(package_root(request, config, scratch.path()).string());
  say("[+] Found " + package.name + " " + package.version + " (" + package.stoq_file + ", Module = " + package.module +
      ")");

  fs::path log = scratch.path() / "install.log";
  fs::path stage = scratch.path() / "stage";
  auto already_there = [&](Category category) {
    fs::path destination = target.plugin_dir / category_name(category) / package.name;
    if (request.upgrade || !fs::exists(destination)) return false;
    std::fprintf(stderr,
                 "[!] %s already exists: %s was not installed. Remove or rename it, or run stoq install with "
                 "--upgrade.\n",
                 destination.c_str(), package.name.c_str());
    return true;
  };
  try {
    Category category = Category::Worker;
    if (package.has_cmake) {
      std::optional<Category> expected = package.declared_category ? package.declared_category : package.cmake_category;
      if (expected && already_there(*expected)) return 1;
      build_with_cmake(package, scratch.path(), stage, log);
      category = staged_category(package, stage);
      if (package.declared_category && *package.declared_category != category) {
        throw NotInstalled{"the .stoq file says Category = " + std::string(category_name(*package.declared_category)) +
                           " but the build made a " + category_name(category)};
      }
    } else if (package.exec) {
      if (!package.declared_category) {
        throw Error(package.stoq_file +
                    ": an exec: plugin must say its category in [Core] (Category = worker, "
                    "connector, reader, extractor, carver, decoder or decorator)");
      }
      category = *package.declared_category;
      if (already_there(category)) return 1;
      copy_plugin_folder(package.plugin_folder, stage / category_name(category) / package.name);
    } else {
      throw Error(package.root +
                  ": no CMakeLists.txt to build the C++ module with (stoq new writes one), and the "
                  "module is not an exec: program");
    }
    fs::path staged = stage / category_name(category) / package.name;
    install_requirements(package, staged, log);
    try {
      loader::Catalog catalog({stage.string()});
      catalog.load(category, package.name);
    } catch (const Error& e) {
      throw NotInstalled{std::string(category_name(category)) + ":" + package.name + " does not load: " + e.what()};
    }
    if (already_there(category)) return 1;
    fs::path destination = target.plugin_dir / category_name(category) / package.name;
    say("[+] Installing " + package.name + " plugin into " + (target.plugin_dir / category_name(category)).string() +
        "...");
    move_into_place(staged, destination, scratch.path());
    say("[+] Install complete.");
    if (!target.listed) {
      say("[!] " + target.plugin_dir.string() + " is not in plugin_dir_list (" + config.source +
          "): add it there for stoq to find " + package.name);
    }
    return 0;
  } catch (const NotInstalled& failure) {
    std::fprintf(stderr, "[-] %s\n[-] %s was not installed; nothing changed.\n", failure.why.c_str(),
                 package.name.c_str());
    // The scratch directory goes; the whole log stays for the user to read.
    std::error_code error;
    fs::path kept = fs::temp_directory_path(error) / ("stoq-install-" + package.name + ".log");
    if (fs::exists(log) && fs::copy_file(log, kept, fs::copy_options::overwrite_existing, error)) {
      std::fprintf(stderr, "[-] the whole log: %s\n", kept.c_str());
    }
    return 1;
  }
}

}  // namespace stoq::cli::package

#include "engine/host_services.hpp"

#include <algorithm>
#include <filesystem>

#include "stoq/error.hpp"

namespace stoq::engine {
namespace fs = std::filesystem;

std::string archive_path(const std::string& archive_base, std::string_view sha1) {
  bool hex = sha1.size() == 40 && std::all_of(sha1.begin(), sha1.end(),
                                              [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
  if (!hex) throw Error("not a sha1: '" + std::string(sha1.substr(0, 64)) + "'");
  std::string path = archive_base;
  for (std::size_t i = 0; i < 5; ++i) (path += '/') += sha1[i];
  (path += '/') += sha1;
  return path;
}

Payload read_local_file(const CoreConfig& config, const std::string& path) {
  const std::size_t max_size = static_cast<std::size_t>(config.max_payload_size);
  if (config.source_base_tuple.empty()) return read_file_payload(path, max_size);  // no prefix to enforce
  std::error_code error;
  fs::path resolved = fs::weakly_canonical(fs::absolute(path, error), error);
  if (error) throw Error("cannot resolve " + path + ": " + error.message());
  const auto& allowed = config.source_base_tuple;
  bool inside = std::any_of(allowed.begin(), allowed.end(), [&](const std::string& base) {
    fs::path relative = resolved.lexically_relative(fs::weakly_canonical(base, error));
    return !relative.empty() && *relative.begin() != "..";
  });
  if (!inside) throw Error("refusing to read " + resolved.string() + ": outside source_base_tuple");
  return read_file_payload(resolved.string(), max_size);
}

std::string current_exception_text() {
  try {
    throw;
  } catch (const std::exception& e) {
    std::string text = e.what();
    return text.empty() ? "unknown error" : text;
  } catch (...) {
    return "unknown exception (not a std::exception)";
  }
}

}  // namespace stoq::engine

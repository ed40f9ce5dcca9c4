// Framework services behind stoq::Stoq that do not depend on a run: shared by the
// engine's PluginSet and the plugin test harness, so both behave the same.
#pragma once

#include <string>
#include <string_view>

#include "stoq/config.hpp"
#include "stoq/payload.hpp"

namespace stoq::engine {

/// archive_base/a/b/c/d/e/<sha1>; throws stoq::Error unless sha1 is 40 lower-case hex.
std::string archive_path(const std::string& archive_base, std::string_view sha1);

/// Reads a local file, refused outside source_base_tuple (after resolving symlinks
/// and "..") and above max_payload_size. Throws stoq::Error with the reason.
Payload read_local_file(const CoreConfig& config, const std::string& path);

/// The message of the exception being handled, whatever its type: plugins may throw
/// anything, and nothing a plugin throws may end the run. Call inside a catch block.
std::string current_exception_text();

}  // namespace stoq::engine

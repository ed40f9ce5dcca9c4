#pragma once

#include <string_view>

// Exported from libstoq.so (built with hidden visibility): everything declared here.
#pragma GCC visibility push(default)
namespace stoq {

/// The running stoq version; plugins' min_stoq_version/max_stoq_version compare against it.
inline constexpr std::string_view kVersion = "1.1.0";

/// Compares dotted versions numerically, component by component ("0.10.3" > "0.9").
/// Non-numeric suffixes compare as text. Returns <0, 0 or >0.
int compare_versions(std::string_view a, std::string_view b);

}  // namespace stoq
#pragma GCC visibility pop

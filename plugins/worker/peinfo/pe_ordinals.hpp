// pefile's ordlookup: names of the functions that ws2_32.dll, wsock32.dll and
// oleaut32.dll export by ordinal, used to name ordinal imports and in the imphash.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace stoq::plugins::worker::peinfo {

/// For a DLL with a known table (name lower-cased, with its extension): the function's
/// name, or "" when the table lacks the ordinal. nullopt for any other DLL.
std::optional<std::string_view> known_ordinal_table(std::string_view dll_lower, std::uint16_t ordinal);

/// pefile's ordLookup(dll, ordinal, make_name=True): the known name, else "ord<N>".
std::string ordinal_lookup(std::string_view dll_lower, std::uint16_t ordinal);

}  // namespace stoq::plugins::worker::peinfo

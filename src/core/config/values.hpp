// Typing of option values. Two sets of rules:
//  * infer_value: the original stoQ's, for keys nobody declared (stoq.cfg extras):
//    a boolean first, else by key suffix (_list, _tuple -> list; _dict -> JSON
//    object; _int -> integer), else a string. Unlike the original, a value its
//    suffix cannot take is an error, not a string nobody expects.
//  * parse_typed: for declared options, parse the raw text as the declared type
//    and fail with a message that names the option and what was expected.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "stoq/abi.h"
#include "stoq/json.hpp"

namespace stoq::config {

/// configparser's booleans: 1/yes/true/on and 0/no/false/off, any case.
std::optional<bool> parse_bool(std::string_view text);
std::optional<long long> parse_int(std::string_view text);
/// "a, b, c", "[a, b]" or a JSON array; blanks dropped.
Json parse_list(std::string_view text);

/// Throws stoq::Error("<where>: option '<key>' ...") when the key's suffix demands a
/// type the value is not (`headers_dict = {not json`).
Json infer_value(std::string_view key, std::string_view raw, const std::string& where);

/// Throws stoq::Error("<where>: option '<name>' ...") when `raw` is not a `type`.
Json parse_typed(stoq_option_type type, std::string_view name, std::string_view raw, const std::string& where);

/// The type a key's suffix demands (_list/_tuple -> LIST, _dict -> DICT, _int -> INT).
std::optional<stoq_option_type> type_from_suffix(std::string_view key);

const char* type_name(stoq_option_type type);

}  // namespace stoq::config

// reader:stix: STIX 2.1 objects for the indicators reader:iocregex finds and for the
// payload itself. No stoq state: shared by the plugin, its tests and the libFuzzer target
// fuzz_stix_pattern.
//
// Determinism: the same input gives the same bundle, byte for byte.
//   * The `file` observable's id is the UUIDv5 the STIX 2.1 specification gives SCOs
//     (section 2.9): namespace 00abedb4-aa42-466c-9c01-fed23315a9b7, name the canonical
//     JSON (RFC 8785) of its ID contributing properties: `hashes` reduced to the first of
//     MD5, SHA-1, SHA-256, SHA-512, and `name` when there is one.
//   * An indicator's id is a UUIDv5 under kIndicatorNamespace (stoq's own, itself
//     uuid5(NAMESPACE_URL, "https://github.com/PUNCH-Cyber/stoq/stix-indicator")) of
//     its pattern and timestamp; the bundle's id one of the ids it holds, in order.
//   * created, modified and valid_from are one timestamp given by the caller (the
//     reader's `timestamp` option, a fixed value by default), never the wall clock
//     unless asked for.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "stoq/json.hpp"
#include "stoq/payload.hpp"

namespace stoq::plugins::reader::stix {

/// The SCO namespace of the STIX 2.1 specification, and stoq's for indicators.
inline constexpr std::string_view kScoNamespace = "00abedb4-aa42-466c-9c01-fed23315a9b7";
inline constexpr std::string_view kIndicatorNamespace = "a5cf27d9-b5c6-5cd3-bbc6-cc68348def5b";

/// The RFC 4122 version 5 UUID of `name` in `namespace_uuid` (canonical text form).
std::string uuid5(std::string_view namespace_uuid, std::string_view name);

/// `value` as a STIX pattern string literal: quoted, with ' and \ escaped.
std::string pattern_literal(std::string_view value);

/// The STIX pattern of one iocregex indicator ("ipv4", "domain", "url", "email", "md5",
/// ..., "mac_address"), e.g. [ipv4-addr:value = '1.2.3.4']; nullopt for an unknown type
/// or a value that is not well-formed UTF-8 or is empty.
std::optional<std::string> indicator_pattern(std::string_view ioc_type, std::string_view value);

/// A STIX timestamp with milliseconds ("2024-01-02T03:04:05.000Z") from one with or without
/// fractional seconds; nullopt when `text` is not an RFC 3339 UTC timestamp of that shape.
std::optional<std::string> normalize_timestamp(std::string_view text);

struct BundleInput {
  const Json* indicators = nullptr;  // iocregex's result: {"ipv4": [...], ...}; may be null
  Hashes hashes;                     // the payload's
  std::string filename;              // "" when unknown
  std::string timestamp;             // created/modified/valid_from, normalized
  bool payload_indicator = false;    // an indicator for the payload's SHA-256 too
};

/// {"type": "bundle", "id": ..., "objects": [file, indicator, ...]}; indicators in the
/// order of their types and values, duplicates (same pattern) once.
Json build_bundle(const BundleInput& input);

}  // namespace stoq::plugins::reader::stix

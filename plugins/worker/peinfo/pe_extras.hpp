// worker:peinfo: the smaller structures: rich header, debug directory (CodeView PDB
// path), TLS callbacks, overlay, and the Authenticode signature (security directory).
#pragma once

#include "pe_image.hpp"

namespace stoq::plugins::worker::peinfo {

/// The rich header as pefile's parse_rich_header() reads it; null when there is none.
Json parse_rich_header(PeImage& pe);
/// The debug directory's entries, with the CodeView record (PDB path, GUID, age).
Json parse_debug(PeImage& pe);
/// The TLS directory and its callbacks (as virtual addresses); null when there is none.
Json parse_tls(PeImage& pe);
/// Data past everything the headers describe (pefile's get_overlay_data_start_offset()).
Json parse_overlay(PeImage& pe);
/// The security directory: WIN_CERTIFICATE entries and the certificates of the PKCS#7
/// SignedData (subject, issuer, serial, validity). Not verified. null when unsigned.
Json parse_signature(PeImage& pe);

}  // namespace stoq::plugins::worker::peinfo

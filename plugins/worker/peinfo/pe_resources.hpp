// worker:peinfo: the resource tree (type / name / language -> data) and the version
// information resource (VS_VERSIONINFO).
#pragma once

#include <cstdint>

#include "pe_image.hpp"

namespace stoq::plugins::worker::peinfo {

struct ResourceScan {
  Json resources = Json::array();  // one entry per data leaf
  Json version_info = nullptr;     // from the first RT_VERSION leaf that parses
};

/// Walks the resource directory: depth, entry count and revisits (loops) are capped.
ResourceScan parse_resources(PeImage& pe);

/// Parses a VS_VERSIONINFO block at `rva` of `size` bytes; null when it is not one.
Json parse_version_info(PeImage& pe, std::uint32_t rva, std::uint32_t size);

}  // namespace stoq::plugins::worker::peinfo

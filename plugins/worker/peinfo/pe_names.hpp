// Names of PE constants (machine, subsystem, flags, resource and debug types,
// languages) as pefile spells them, so results read like pefile's.
#pragma once

#include <cstdint>
#include <string>

#include "stoq/json.hpp"

namespace stoq::plugins::worker::peinfo {

std::string machine_name(std::uint16_t machine);      // IMAGE_FILE_MACHINE_AMD64
std::string subsystem_name(std::uint16_t subsystem);  // IMAGE_SUBSYSTEM_WINDOWS_CUI
std::string resource_type_name(std::uint32_t type);   // RT_VERSION; "" when unknown
std::string debug_type_name(std::uint32_t type);      // IMAGE_DEBUG_TYPE_CODEVIEW
std::string language_name(std::uint32_t language);    // LANG_ENGLISH
Json file_flags(std::uint16_t characteristics);       // ["IMAGE_FILE_EXECUTABLE_IMAGE", ...]
Json dll_flags(std::uint16_t characteristics);        // ["IMAGE_DLLCHARACTERISTICS_NX_COMPAT", ...]
Json section_flags(std::uint32_t characteristics);    // ["IMAGE_SCN_MEM_READ", ..., "IMAGE_SCN_ALIGN_16BYTES"]

}  // namespace stoq::plugins::worker::peinfo

// Names of PE constants, as pefile spells them (pefile 2023.2.7).
#include "pe_names.hpp"

#include <array>
#include <string_view>

namespace stoq::plugins::worker::peinfo {
namespace {

struct Named {
  std::uint32_t value;
  std::string_view name;
};

constexpr std::array<Named, 35> kMachines{{
    {0x0, "IMAGE_FILE_MACHINE_UNKNOWN"},        {0x14c, "IMAGE_FILE_MACHINE_I386"},
    {0x162, "IMAGE_FILE_MACHINE_R3000"},        {0x166, "IMAGE_FILE_MACHINE_R4000"},
    {0x168, "IMAGE_FILE_MACHINE_R10000"},       {0x169, "IMAGE_FILE_MACHINE_WCEMIPSV2"},
    {0x184, "IMAGE_FILE_MACHINE_ALPHA"},        {0x1a2, "IMAGE_FILE_MACHINE_SH3"},
    {0x1a3, "IMAGE_FILE_MACHINE_SH3DSP"},       {0x1a4, "IMAGE_FILE_MACHINE_SH3E"},
    {0x1a6, "IMAGE_FILE_MACHINE_SH4"},          {0x1a8, "IMAGE_FILE_MACHINE_SH5"},
    {0x1c0, "IMAGE_FILE_MACHINE_ARM"},          {0x1c2, "IMAGE_FILE_MACHINE_THUMB"},
    {0x1c4, "IMAGE_FILE_MACHINE_ARMNT"},        {0x1d3, "IMAGE_FILE_MACHINE_AM33"},
    {0x1f0, "IMAGE_FILE_MACHINE_POWERPC"},      {0x1f1, "IMAGE_FILE_MACHINE_POWERPCFP"},
    {0x200, "IMAGE_FILE_MACHINE_IA64"},         {0x266, "IMAGE_FILE_MACHINE_MIPS16"},
    {0x284, "IMAGE_FILE_MACHINE_ALPHA64"},      {0x366, "IMAGE_FILE_MACHINE_MIPSFPU"},
    {0x466, "IMAGE_FILE_MACHINE_MIPSFPU16"},    {0x520, "IMAGE_FILE_MACHINE_TRICORE"},
    {0xcef, "IMAGE_FILE_MACHINE_CEF"},          {0xebc, "IMAGE_FILE_MACHINE_EBC"},
    {0x5032, "IMAGE_FILE_MACHINE_RISCV32"},     {0x5064, "IMAGE_FILE_MACHINE_RISCV64"},
    {0x5128, "IMAGE_FILE_MACHINE_RISCV128"},    {0x6232, "IMAGE_FILE_MACHINE_LOONGARCH32"},
    {0x6264, "IMAGE_FILE_MACHINE_LOONGARCH64"}, {0x8664, "IMAGE_FILE_MACHINE_AMD64"},
    {0x9041, "IMAGE_FILE_MACHINE_M32R"},        {0xaa64, "IMAGE_FILE_MACHINE_ARM64"},
    {0xc0ee, "IMAGE_FILE_MACHINE_CEE"},
}};

constexpr std::array<Named, 14> kSubsystems{{
    {0x0, "IMAGE_SUBSYSTEM_UNKNOWN"},
    {0x1, "IMAGE_SUBSYSTEM_NATIVE"},
    {0x2, "IMAGE_SUBSYSTEM_WINDOWS_GUI"},
    {0x3, "IMAGE_SUBSYSTEM_WINDOWS_CUI"},
    {0x5, "IMAGE_SUBSYSTEM_OS2_CUI"},
    {0x7, "IMAGE_SUBSYSTEM_POSIX_CUI"},
    {0x8, "IMAGE_SUBSYSTEM_NATIVE_WINDOWS"},
    {0x9, "IMAGE_SUBSYSTEM_WINDOWS_CE_GUI"},
    {0xa, "IMAGE_SUBSYSTEM_EFI_APPLICATION"},
    {0xb, "IMAGE_SUBSYSTEM_EFI_BOOT_SERVICE_DRIVER"},
    {0xc, "IMAGE_SUBSYSTEM_EFI_RUNTIME_DRIVER"},
    {0xd, "IMAGE_SUBSYSTEM_EFI_ROM"},
    {0xe, "IMAGE_SUBSYSTEM_XBOX"},
    {0x10, "IMAGE_SUBSYSTEM_WINDOWS_BOOT_APPLICATION"},
}};

constexpr std::array<Named, 16> kFileFlags{{
    {0x1, "IMAGE_FILE_RELOCS_STRIPPED"},
    {0x2, "IMAGE_FILE_EXECUTABLE_IMAGE"},
    {0x4, "IMAGE_FILE_LINE_NUMS_STRIPPED"},
    {0x8, "IMAGE_FILE_LOCAL_SYMS_STRIPPED"},
    {0x10, "IMAGE_FILE_AGGRESIVE_WS_TRIM"},
    {0x20, "IMAGE_FILE_LARGE_ADDRESS_AWARE"},
    {0x40, "IMAGE_FILE_16BIT_MACHINE"},
    {0x80, "IMAGE_FILE_BYTES_REVERSED_LO"},
    {0x100, "IMAGE_FILE_32BIT_MACHINE"},
    {0x200, "IMAGE_FILE_DEBUG_STRIPPED"},
    {0x400, "IMAGE_FILE_REMOVABLE_RUN_FROM_SWAP"},
    {0x800, "IMAGE_FILE_NET_RUN_FROM_SWAP"},
    {0x1000, "IMAGE_FILE_SYSTEM"},
    {0x2000, "IMAGE_FILE_DLL"},
    {0x4000, "IMAGE_FILE_UP_SYSTEM_ONLY"},
    {0x8000, "IMAGE_FILE_BYTES_REVERSED_HI"},
}};

constexpr std::array<Named, 15> kDllFlags{{
    {0x1, "IMAGE_LIBRARY_PROCESS_INIT"},
    {0x2, "IMAGE_LIBRARY_PROCESS_TERM"},
    {0x4, "IMAGE_LIBRARY_THREAD_INIT"},
    {0x8, "IMAGE_LIBRARY_THREAD_TERM"},
    {0x20, "IMAGE_DLLCHARACTERISTICS_HIGH_ENTROPY_VA"},
    {0x40, "IMAGE_DLLCHARACTERISTICS_DYNAMIC_BASE"},
    {0x80, "IMAGE_DLLCHARACTERISTICS_FORCE_INTEGRITY"},
    {0x100, "IMAGE_DLLCHARACTERISTICS_NX_COMPAT"},
    {0x200, "IMAGE_DLLCHARACTERISTICS_NO_ISOLATION"},
    {0x400, "IMAGE_DLLCHARACTERISTICS_NO_SEH"},
    {0x800, "IMAGE_DLLCHARACTERISTICS_NO_BIND"},
    {0x1000, "IMAGE_DLLCHARACTERISTICS_APPCONTAINER"},
    {0x2000, "IMAGE_DLLCHARACTERISTICS_WDM_DRIVER"},
    {0x4000, "IMAGE_DLLCHARACTERISTICS_GUARD_CF"},
    {0x8000, "IMAGE_DLLCHARACTERISTICS_TERMINAL_SERVER_AWARE"},
}};

constexpr std::array<Named, 27> kSectionFlags{{
    {0x1, "IMAGE_SCN_TYPE_DSECT"},
    {0x2, "IMAGE_SCN_TYPE_NOLOAD"},
    {0x4, "IMAGE_SCN_TYPE_GROUP"},
    {0x8, "IMAGE_SCN_TYPE_NO_PAD"},
    {0x10, "IMAGE_SCN_TYPE_COPY"},
    {0x20, "IMAGE_SCN_CNT_CODE"},
    {0x40, "IMAGE_SCN_CNT_INITIALIZED_DATA"},
    {0x80, "IMAGE_SCN_CNT_UNINITIALIZED_DATA"},
    {0x100, "IMAGE_SCN_LNK_OTHER"},
    {0x200, "IMAGE_SCN_LNK_INFO"},
    {0x400, "IMAGE_SCN_LNK_OVER"},
    {0x800, "IMAGE_SCN_LNK_REMOVE"},
    {0x1000, "IMAGE_SCN_LNK_COMDAT"},
    {0x4000, "IMAGE_SCN_MEM_PROTECTED"},
    {0x8000, "IMAGE_SCN_GPREL"},
    {0x10000, "IMAGE_SCN_MEM_SYSHEAP"},
    {0x20000, "IMAGE_SCN_MEM_PURGEABLE"},
    {0x40000, "IMAGE_SCN_MEM_LOCKED"},
    {0x80000, "IMAGE_SCN_MEM_PRELOAD"},
    {0x1000000, "IMAGE_SCN_LNK_NRELOC_OVFL"},
    {0x2000000, "IMAGE_SCN_MEM_DISCARDABLE"},
    {0x4000000, "IMAGE_SCN_MEM_NOT_CACHED"},
    {0x8000000, "IMAGE_SCN_MEM_NOT_PAGED"},
    {0x10000000, "IMAGE_SCN_MEM_SHARED"},
    {0x20000000, "IMAGE_SCN_MEM_EXECUTE"},
    {0x40000000, "IMAGE_SCN_MEM_READ"},
    {0x80000000, "IMAGE_SCN_MEM_WRITE"},
}};

constexpr std::array<Named, 15> kSectionAlign{{
    {0x100000, "IMAGE_SCN_ALIGN_1BYTES"},
    {0x200000, "IMAGE_SCN_ALIGN_2BYTES"},
    {0x300000, "IMAGE_SCN_ALIGN_4BYTES"},
    {0x400000, "IMAGE_SCN_ALIGN_8BYTES"},
    {0x500000, "IMAGE_SCN_ALIGN_16BYTES"},
    {0x600000, "IMAGE_SCN_ALIGN_32BYTES"},
    {0x700000, "IMAGE_SCN_ALIGN_64BYTES"},
    {0x800000, "IMAGE_SCN_ALIGN_128BYTES"},
    {0x900000, "IMAGE_SCN_ALIGN_256BYTES"},
    {0xa00000, "IMAGE_SCN_ALIGN_512BYTES"},
    {0xb00000, "IMAGE_SCN_ALIGN_1024BYTES"},
    {0xc00000, "IMAGE_SCN_ALIGN_2048BYTES"},
    {0xd00000, "IMAGE_SCN_ALIGN_4096BYTES"},
    {0xe00000, "IMAGE_SCN_ALIGN_8192BYTES"},
    {0xf00000, "IMAGE_SCN_ALIGN_MASK"},
}};

constexpr std::array<Named, 21> kResourceTypes{{
    {0x1, "RT_CURSOR"},      {0x2, "RT_BITMAP"},     {0x3, "RT_ICON"},         {0x4, "RT_MENU"},
    {0x5, "RT_DIALOG"},      {0x6, "RT_STRING"},     {0x7, "RT_FONTDIR"},      {0x8, "RT_FONT"},
    {0x9, "RT_ACCELERATOR"}, {0xa, "RT_RCDATA"},     {0xb, "RT_MESSAGETABLE"}, {0xc, "RT_GROUP_CURSOR"},
    {0xe, "RT_GROUP_ICON"},  {0x10, "RT_VERSION"},   {0x11, "RT_DLGINCLUDE"},  {0x13, "RT_PLUGPLAY"},
    {0x14, "RT_VXD"},        {0x15, "RT_ANICURSOR"}, {0x16, "RT_ANIICON"},     {0x17, "RT_HTML"},
    {0x18, "RT_MANIFEST"},
}};

constexpr std::array<Named, 18> kDebugTypes{{
    {0x0, "IMAGE_DEBUG_TYPE_UNKNOWN"},
    {0x1, "IMAGE_DEBUG_TYPE_COFF"},
    {0x2, "IMAGE_DEBUG_TYPE_CODEVIEW"},
    {0x3, "IMAGE_DEBUG_TYPE_FPO"},
    {0x4, "IMAGE_DEBUG_TYPE_MISC"},
    {0x5, "IMAGE_DEBUG_TYPE_EXCEPTION"},
    {0x6, "IMAGE_DEBUG_TYPE_FIXUP"},
    {0x7, "IMAGE_DEBUG_TYPE_OMAP_TO_SRC"},
    {0x8, "IMAGE_DEBUG_TYPE_OMAP_FROM_SRC"},
    {0x9, "IMAGE_DEBUG_TYPE_BORLAND"},
    {0xa, "IMAGE_DEBUG_TYPE_RESERVED10"},
    {0xb, "IMAGE_DEBUG_TYPE_CLSID"},
    {0xc, "IMAGE_DEBUG_TYPE_VC_FEATURE"},
    {0xd, "IMAGE_DEBUG_TYPE_POGO"},
    {0xe, "IMAGE_DEBUG_TYPE_ILTCG"},
    {0xf, "IMAGE_DEBUG_TYPE_MPX"},
    {0x10, "IMAGE_DEBUG_TYPE_REPRO"},
    {0x14, "IMAGE_DEBUG_TYPE_EX_DLLCHARACTERISTICS"},
}};

constexpr std::array<Named, 93> kLanguages{{
    {0x0, "LANG_NEUTRAL"},    {0x1, "LANG_ARABIC"},      {0x2, "LANG_BULGARIAN"},   {0x3, "LANG_CATALAN"},
    {0x4, "LANG_CHINESE"},    {0x5, "LANG_CZECH"},       {0x6, "LANG_DANISH"},      {0x7, "LANG_GERMAN"},
    {0x8, "LANG_GREEK"},      {0x9, "LANG_ENGLISH"},     {0xa, "LANG_SPANISH"},     {0xb, "LANG_FINNISH"},
    {0xc, "LANG_FRENCH"},     {0xd, "LANG_HEBREW"},      {0xe, "LANG_HUNGARIAN"},   {0xf, "LANG_ICELANDIC"},
    {0x10, "LANG_ITALIAN"},   {0x11, "LANG_JAPANESE"},   {0x12, "LANG_KOREAN"},     {0x13, "LANG_DUTCH"},
    {0x14, "LANG_NORWEGIAN"}, {0x15, "LANG_POLISH"},     {0x16, "LANG_PORTUGUESE"}, {0x17, "LANG_RHAETO_ROMANCE"},
    {0x18, "LANG_ROMANIAN"},  {0x19, "LANG_RUSSIAN"},    {0x1a, "LANG_CROATIAN"},   {0x1b, "LANG_SLOVAK"},
    {0x1c, "LANG_ALBANIAN"},  {0x1d, "LANG_SWEDISH"},    {0x1e, "LANG_THAI"},       {0x1f, "LANG_TURKISH"},
    {0x20, "LANG_URDU"},      {0x21, "LANG_INDONESIAN"}, {0x22, "LANG_UKRAINIAN"},  {0x23, "LANG_BELARUSIAN"},
    {0x24, "LANG_SLOVENIAN"}, {0x25, "LANG_ESTONIAN"},   {0x26, "LANG_LATVIAN"},    {0x27, "LANG_LITHUANIAN"},
    {0x28, "LANG_MAORI"},     {0x29, "LANG_FARSI"},      {0x2a, "LANG_VIETNAMESE"}, {0x2b, "LANG_ARMENIAN"},
    {0x2c, "LANG_AZERI"},     {0x2d, "LANG_BASQUE"},     {0x2e, "LANG_SORBIAN"},    {0x2f, "LANG_MACEDONIAN"},
    {0x30, "LANG_SUTU"},      {0x31, "LANG_TSONGA"},     {0x32, "LANG_TSWANA"},     {0x33, "LANG_VENDA"},
    {0x34, "LANG_XHOSA"},     {0x35, "LANG_ZULU"},       {0x36, "LANG_AFRIKAANS"},  {0x37, "LANG_GEORGIAN"},
    {0x38, "LANG_FAEROESE"},  {0x39, "LANG_HINDI"},      {0x3a, "LANG_MALTESE"},    {0x3b, "LANG_SAAMI"},
    {0x3c, "LANG_GAELIC"},    {0x3e, "LANG_MALAY"},      {0x3f, "LANG_KAZAK"},      {0x40, "LANG_KYRGYZ"},
    {0x41, "LANG_SWAHILI"},   {0x43, "LANG_UZBEK"},      {0x44, "LANG_TATAR"},      {0x45, "LANG_BENGALI"},
    {0x46, "LANG_PUNJABI"},   {0x47, "LANG_GUJARATI"},   {0x48, "LANG_ORIYA"},      {0x49, "LANG_TAMIL"},
    {0x4a, "LANG_TELUGU"},    {0x4b, "LANG_KANNADA"},    {0x4c, "LANG_MALAYALAM"},  {0x4d, "LANG_ASSAMESE"},
    {0x4e, "LANG_MARATHI"},   {0x4f, "LANG_SANSKRIT"},   {0x50, "LANG_MONGOLIAN"},  {0x56, "LANG_GALICIAN"},
    {0x57, "LANG_KONKANI"},   {0x58, "LANG_MANIPURI"},   {0x59, "LANG_SINDHI"},     {0x5a, "LANG_SYRIAC"},
    {0x60, "LANG_KASHMIRI"},  {0x61, "LANG_NEPALI"},     {0x65, "LANG_DIVEHI"},     {0x7f, "LANG_INVARIANT"},
    {0x8f, "LANG_ESPERANTO"}, {0x90, "LANG_WALON"},      {0x91, "LANG_CORNISH"},    {0x92, "LANG_WELSH"},
    {0x93, "LANG_BRETON"},
}};

template <std::size_t N>
std::string lookup(const std::array<Named, N>& table, std::uint32_t value, std::string_view unknown) {
  for (const Named& entry : table) {
    if (entry.value == value) return std::string(entry.name);
  }
  return std::string(unknown) + std::to_string(value);
}

template <std::size_t N>
Json flags(const std::array<Named, N>& table, std::uint32_t value) {
  Json names = Json::array();
  for (const Named& entry : table) {
    if (entry.value != 0 && (value & entry.value) == entry.value) names.push_back(entry.name);
  }
  return names;
}

}  // namespace

std::string machine_name(std::uint16_t machine) { return lookup(kMachines, machine, "UNKNOWN_"); }
std::string subsystem_name(std::uint16_t subsystem) { return lookup(kSubsystems, subsystem, "UNKNOWN_"); }
std::string resource_type_name(std::uint32_t type) { return lookup(kResourceTypes, type, ""); }
std::string debug_type_name(std::uint32_t type) { return lookup(kDebugTypes, type, "UNKNOWN_"); }
std::string language_name(std::uint32_t language) { return lookup(kLanguages, language, "LANG_"); }
Json file_flags(std::uint16_t characteristics) { return flags(kFileFlags, characteristics); }
Json dll_flags(std::uint16_t characteristics) { return flags(kDllFlags, characteristics); }

Json section_flags(std::uint32_t characteristics) {
  Json names = flags(kSectionFlags, characteristics);
  const std::uint32_t alignment = characteristics & 0x00F00000U;
  if (alignment != 0) names.push_back(lookup(kSectionAlign, alignment, "IMAGE_SCN_ALIGN_"));
  return names;
}

}  // namespace stoq::plugins::worker::peinfo

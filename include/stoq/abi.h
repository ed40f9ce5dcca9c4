/* stoq plugin ABI: the only symbol the loader looks up in a plugin module.
 *
 * A plugin module is a shared object exporting `stoq_plugin_entry`, which returns
 * a pointer to a static descriptor. The host reads `abi_major` and `struct_size`
 * first (they never move), refuses any module whose `abi_major` or `abi_tag`
 * differs from its own, and only then touches the rest.
 *
 * C++ objects (stoq::Plugin and the SDK types) do cross this boundary: the tag
 * pins the SDK ABI and the C++ runtime identity, so host and plugin share one
 * libstoq and one libstdc++ (Zeek's "same build" rule, enforced with a message
 * instead of an unresolved symbol). Plugin authors never write this by hand:
 * STOQ_PLUGIN in <stoq/plugin.hpp> does. */
#ifndef STOQ_ABI_H
#define STOQ_ABI_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Bump MAJOR on any change to the descriptor layout or to a class in include/stoq/. */
#define STOQ_ABI_VERSION_MAJOR 5
#define STOQ_ABI_VERSION_MINOR 0

#define STOQ_ABI_STR2(x) #x
#define STOQ_ABI_STR(x) STOQ_ABI_STR2(x)

#if defined(__GLIBCXX__)
#define STOQ_ABI_STDLIB "libstdc++-cxx11abi" STOQ_ABI_STR(_GLIBCXX_USE_CXX11_ABI)
#elif defined(_LIBCPP_VERSION)
#define STOQ_ABI_STDLIB "libc++" STOQ_ABI_STR(_LIBCPP_ABI_VERSION)
#else
#define STOQ_ABI_STDLIB "unknown-stdlib"
#endif

#if defined(__GXX_ABI_VERSION)
#define STOQ_ABI_CXX "itanium" STOQ_ABI_STR(__GXX_ABI_VERSION)
#else
#define STOQ_ABI_CXX "unknown-cxxabi"
#endif

/* Identity of the build a module was compiled against; must equal the host's. */
#define STOQ_ABI_TAG "stoq-abi-" STOQ_ABI_STR(STOQ_ABI_VERSION_MAJOR) ";" STOQ_ABI_CXX ";" STOQ_ABI_STDLIB

/* Option value types of a plugin's option table. */
typedef enum stoq_option_type {
  STOQ_OPTION_BOOL = 1,
  STOQ_OPTION_INT = 2,
  STOQ_OPTION_STRING = 3,
  STOQ_OPTION_LIST = 4, /* comma-separated in .stoq files, or a [a, b] list */
  STOQ_OPTION_DICT = 5, /* a JSON object */
  STOQ_OPTION_PATH = 6  /* a string; relative paths resolve against the plugin folder */
} stoq_option_type;

/* One entry of a plugin's option table. All strings are static and owned by the module. */
typedef struct stoq_option_spec {
  const char* name; /* snake_case key as written in [options] */
  stoq_option_type type;
  const char* default_value; /* as a user would type it in .stoq; NULL = no default */
  const char* doc;           /* one sentence, shown by `stoq <worker> -h` */
  char short_flag;           /* workers: optional one-letter CLI flag, 0 for none */
} stoq_option_spec;

typedef struct stoq_plugin_descriptor {
  uint32_t abi_major;   /* never moves */
  uint32_t struct_size; /* never moves: sizeof(stoq_plugin_descriptor) of the module */
  uint32_t abi_minor;
  const char* abi_tag; /* STOQ_BUILD_TAG (plugin.hpp) of the module's build */
  /* name, version, description: NULL (the short STOQ_PLUGIN form) means "as the .stoq file
   * beside the module says" ([Core] Name, [Documentation] Version and Description), the one
   * place they are written. A non-NULL name must equal [Core] Name. */
  const char* name;
  const char* category; /* worker, connector, ...: must match the category folder it lives in */
  const char* version;
  const char* description;
  const stoq_option_spec* options; /* OWNERSHIP: static, module-owned */
  uint32_t option_count;
  /* OWNERSHIP: returns a new stoq::Plugin* (as void*); only `destroy` may free it. */
  void* (*create)(void);
  void (*destroy)(void* plugin);
} stoq_plugin_descriptor;

#define STOQ_PLUGIN_ENTRY_SYMBOL "stoq_plugin_entry"
typedef const stoq_plugin_descriptor* (*stoq_plugin_entry_fn)(void);

#ifdef __cplusplus
}
#endif

#endif /* STOQ_ABI_H */

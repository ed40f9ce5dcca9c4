// A module whose stoq_plugin_entry is written by hand and returns a descriptor that
// is wrong in exactly one way, chosen by TEST_BROKEN at compile time. Everything
// else is what STOQ_PLUGIN would produce, so the loader must find that one fault.
#include <cstddef>
#include <cstdint>
#include <stoq/plugin.hpp>

#ifndef TEST_PLUGIN_NAME
#error "TEST_PLUGIN_NAME must be defined"
#endif

// The tag the host compares; the SDK may pin more than STOQ_ABI_TAG (plugin.hpp).
#ifdef STOQ_BUILD_TAG
#define TEST_GOOD_TAG STOQ_BUILD_TAG
#else
#define TEST_GOOD_TAG STOQ_ABI_TAG
#endif

#define BROKEN_ABI_MAJOR 1
#define BROKEN_STRUCT_SIZE 2
#define BROKEN_ABI_TAG 3
#define BROKEN_NULL_TAG 4
#define BROKEN_NULL_DESCRIPTOR 5
#define BROKEN_NO_CREATE 6

namespace stoq_test {

class Worker final : public stoq::Worker {
 public:
  stoq::Json scan(const stoq::Payload& /*payload*/, const stoq::Json& /*kwargs*/) override {
    return stoq::Json::object();
  }
};

void* create() { return static_cast<stoq::Plugin*>(new Worker()); }
void destroy(void* plugin) { delete static_cast<stoq::Plugin*>(plugin); }

// What an older SDK's descriptor looked like: the two fields that never move, then less
// than today's layout. The host must stop after reading struct_size.
struct OldDescriptor {
  uint32_t abi_major;
  uint32_t struct_size;
  uint32_t abi_minor;
  const char* abi_tag;
};

}  // namespace stoq_test

extern "C" __attribute__((visibility("default"))) const stoq_plugin_descriptor* stoq_plugin_entry(void) {
#if TEST_BROKEN == BROKEN_STRUCT_SIZE
  static const stoq_test::OldDescriptor old = {STOQ_ABI_VERSION_MAJOR,
                                               static_cast<uint32_t>(sizeof(stoq_test::OldDescriptor)),
                                               STOQ_ABI_VERSION_MINOR, TEST_GOOD_TAG};
  return reinterpret_cast<const stoq_plugin_descriptor*>(&old);
#elif TEST_BROKEN == BROKEN_NULL_DESCRIPTOR
  return nullptr;
#else
  static const stoq_plugin_descriptor descriptor = {
#if TEST_BROKEN == BROKEN_ABI_MAJOR
    STOQ_ABI_VERSION_MAJOR + 98,
#else
    STOQ_ABI_VERSION_MAJOR,
#endif
    static_cast<uint32_t>(sizeof(stoq_plugin_descriptor)),
    STOQ_ABI_VERSION_MINOR,
#if TEST_BROKEN == BROKEN_ABI_TAG
    "stoq-abi-1;itanium9999;libc++-from-another-toolchain",
#elif TEST_BROKEN == BROKEN_NULL_TAG
    nullptr,
#else
    TEST_GOOD_TAG,
#endif
    TEST_PLUGIN_NAME,
    "worker",
    "1.0",
    "A plugin with a broken descriptor",
    nullptr,
    0,
#if TEST_BROKEN == BROKEN_NO_CREATE
    nullptr,
#else
    &stoq_test::create,
#endif
    &stoq_test::destroy
  };
  return &descriptor;
#endif
}

#include "isolation/call_policy.hpp"

namespace stoq::isolation {

CallPolicy CallPolicy::from(const Options& options) {
  CallPolicy policy;
  if (!options.has("isolation")) return policy;
  policy.isolation = options.get_bool("isolation");
  policy.timeout = std::chrono::seconds(options.has("call_timeout") ? options.get_int("call_timeout") : 0);
  policy.memory_limit = static_cast<std::uint64_t>(options.has("memory_limit") ? options.get_int("memory_limit") : 0);
  policy.cpu_limit = std::chrono::seconds(options.has("cpu_limit") ? options.get_int("cpu_limit") : 0);
  return policy;
}

}  // namespace stoq::isolation

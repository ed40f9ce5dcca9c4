// RFC 5322 address lists ("From", "To", "Cc", "Bcc", "Reply-To") as Python's email
// package (policy.default) reads them: display names unquoted, comments dropped,
// RFC 2047 encoded words decoded, groups ("team: a@x, b@y;") flattened into their
// members. Tolerant: never fails, bounded by `max_addresses`.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace stoq::smtp {

struct Address {
  std::string name;     // display name, UTF-8 ("" when none)
  std::string address;  // addr-spec: local@domain ("" when the mailbox had none)
  std::string group;    // the group it was listed in ("" when none)
};

std::vector<Address> parse_address_list(std::string_view value, std::size_t max_addresses = 1000);

}  // namespace stoq::smtp

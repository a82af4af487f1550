// A 64-bit hash as the 16 lowercase hex digits every cache key, token and checksum of the project
// spells it with.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>

namespace hr {

inline std::string hex64(std::uint64_t v) {
  char out[17];
  std::snprintf(out, sizeof out, "%016llx", static_cast<unsigned long long>(v));
  return out;
}

}  // namespace hr

// Turns a request target into the one path every lookup and access check sees, or refuses it.
// Refused with 400: targets not starting with '/', `#`, `\` (raw or encoded), NUL, encoded `/`,
// dot segments written percent-encoded, `::$DATA`-style colons, broken percent-encoding. Refused
// with 403: a path that climbs above the root after decoding and normalising. The query string
// is cut off before anything is decoded, so `?` tricks never change the path that is checked
// (the query still travels to the backend untouched). Model: Vite's fs-serve checks.
#pragma once

#include <string>
#include <string_view>

namespace hr::server {

struct CheckedPath {
  int status = 0;      // 0: allowed; else 400 or 403
  std::string path;    // decoded, normalised, starts with '/'
  std::string reason;  // why it was refused, for the error page
};

CheckedPath check_target(std::string_view target);

}  // namespace hr::server

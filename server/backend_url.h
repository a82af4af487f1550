// The backend's address, parsed once from Options::backend ("http://host:port"). Only plain
// http: the backend is the framework's dev process on the same machine.
#pragma once

#include <string>
#include <string_view>

#include "common/result.h"

namespace hr::server {

struct BackendUrl {
  std::string text;  // as configured, for the 502 page
  std::string host;
  std::string port;
};

hr::Result<BackendUrl> parse_backend_url(std::string_view url);

}  // namespace hr::server

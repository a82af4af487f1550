// What both ends of the control socket must agree on and the quick call (quick_call.cc) needs
// without Boost: the protocol's version and the escaping of a string inside a JSON request.
#pragma once

#include <cstdio>
#include <string>
#include <string_view>

namespace hr::orch {

// The control protocol version requests carry in "protocol"; a request without it is version 1
// (docs/control-protocol.md).
inline constexpr int kControlProtocol = 1;

// Where the server of an app keeps its state (beside the manifest) and where it listens there.
inline constexpr std::string_view kStateDirName = ".hr";
inline constexpr std::string_view kControlSocketName = "control.sock";

// `s` as the inside of a JSON string: quotes, backslashes and control characters escaped; other
// bytes (UTF-8 included) as they are.
inline std::string json_escape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20) {
      char u[8];
      std::snprintf(u, sizeof u, "\\u%04x", c);
      out += u;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

}  // namespace hr::orch

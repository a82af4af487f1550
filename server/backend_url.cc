#include "server/backend_url.h"

namespace hr::server {

hr::Result<BackendUrl> parse_backend_url(std::string_view url) {
  constexpr std::string_view kScheme = "http://";
  if (url.substr(0, kScheme.size()) != kScheme) {
    return hr::fail("backend URL '" + std::string(url) + "': expected http://host:port");
  }
  std::string_view rest = url.substr(kScheme.size());
  while (!rest.empty() && rest.back() == '/') rest.remove_suffix(1);
  if (rest.empty() || rest.find('/') != std::string_view::npos) {
    return hr::fail("backend URL '" + std::string(url) + "': expected http://host:port (no path)");
  }
  BackendUrl out{std::string(url), std::string(rest), "80"};
  std::size_t colon = rest.rfind(':');
  bool bracketed_v6 = rest.front() == '[';
  if (colon != std::string_view::npos && (!bracketed_v6 || rest[colon - 1] == ']')) {
    out.host.assign(rest.substr(0, colon));
    out.port.assign(rest.substr(colon + 1));
    if (out.port.empty() || out.port.find_first_not_of("0123456789") != std::string::npos) {
      return hr::fail("backend URL '" + std::string(url) + "': bad port");
    }
  }
  if (bracketed_v6 && out.host.size() > 2) out.host = out.host.substr(1, out.host.size() - 2);
  if (out.host.empty()) return hr::fail("backend URL '" + std::string(url) + "': no host");
  return out;
}

}  // namespace hr::server

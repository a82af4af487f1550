// Who may talk to the dev server. A page on any website can make the browser send requests to
// 127.0.0.1; two checks stop it from reading the answers (known dev-server CVE classes):
// - DNS rebinding: the attacker's name resolves to 127.0.0.1, so the Host header carries their
//   name. Only localhost, *.localhost, IP literals and configured names are accepted (403 else).
// - Cross-site WebSocket hijacking: WebSockets ignore the same-origin policy, so an upgrade must
//   carry an Origin whose authority is the Host it was sent to (or no Origin: not a browser).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace hr::server {

class HostCheck {
 public:
  // `extra`: configured names; a leading dot ("`.example.test`") also allows subdomains.
  explicit HostCheck(std::vector<std::string> extra) : extra_(std::move(extra)) {}

  // The Host header's value (name or literal, optional port).
  bool host_allowed(std::string_view host_header) const;
  // The Origin header's value (may be empty) against the request's Host header.
  bool origin_allowed(std::string_view origin, std::string_view host_header) const;

 private:
  std::vector<std::string> extra_;
};

// Host part of "name:port" / "[v6]:port", lower-cased, without a trailing dot; empty if malformed.
std::string host_name(std::string_view host_header);
bool is_ipv4_literal(std::string_view name);

}  // namespace hr::server

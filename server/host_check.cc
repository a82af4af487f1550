#include "server/host_check.h"

#include <boost/asio/ip/address_v6.hpp>

#include "server/request.h"

namespace hr::server {

namespace {

bool valid_port(std::string_view p) {
  if (p.empty() || p.size() > 5) return false;
  for (char c : p) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

bool is_ipv6_literal(std::string_view bracketed) {
  if (bracketed.size() < 3 || bracketed.front() != '[' || bracketed.back() != ']') return false;
  boost::system::error_code ec;
  boost::asio::ip::make_address_v6(std::string(bracketed.substr(1, bracketed.size() - 2)), ec);
  return !ec;
}

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

std::string lowered(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  return out;
}

}  // namespace

bool is_ipv4_literal(std::string_view name) {
  int parts = 0;
  while (true) {
    std::size_t dot = name.find('.');
    std::string_view part = name.substr(0, dot);
    if (part.empty() || part.size() > 3 || (part.size() > 1 && part[0] == '0')) return false;
    int value = 0;
    for (char c : part) {
      if (c < '0' || c > '9') return false;
      value = value * 10 + (c - '0');
    }
    if (value > 255 || ++parts > 4) return false;
    if (dot == std::string_view::npos) break;
    name.remove_prefix(dot + 1);
  }
  return parts == 4;
}

std::string host_name(std::string_view h) {
  std::string_view name = h;
  if (!h.empty() && h.front() == '[') {
    std::size_t close = h.find(']');
    if (close == std::string_view::npos) return {};
    name = h.substr(0, close + 1);
    std::string_view rest = h.substr(close + 1);
    if (!rest.empty() && (rest[0] != ':' || !valid_port(rest.substr(1)))) return {};
    return is_ipv6_literal(name) ? lowered(name) : std::string{};
  }
  std::size_t colon = h.find(':');
  if (colon != std::string_view::npos) {
    if (!valid_port(h.substr(colon + 1))) return {};
    name = h.substr(0, colon);
  }
  if (!name.empty() && name.back() == '.') name.remove_suffix(1);
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '.' || c == '_';
    if (!ok) return {};
  }
  return lowered(name);
}

bool HostCheck::host_allowed(std::string_view host_header) const {
  std::string name = host_name(host_header);
  if (name.empty()) return false;
  if (name == "localhost" || ends_with(name, ".localhost")) return true;
  if (name.front() == '[' || is_ipv4_literal(name)) return true;
  for (const std::string& allowed : extra_) {
    std::string a = lowered(allowed);
    if (a == name) return true;
    if (!a.empty() && a.front() == '.' && (ends_with(name, a) || name == a.substr(1))) return true;
  }
  return false;
}

bool HostCheck::origin_allowed(std::string_view origin, std::string_view host_header) const {
  if (origin.empty()) return true;  // not sent by a browser: nothing to hijack
  std::size_t scheme_end = origin.find("://");
  if (scheme_end == std::string_view::npos) return false;  // includes "null"
  std::string_view scheme = origin.substr(0, scheme_end);
  if (!iequals(scheme, "http") && !iequals(scheme, "https")) return false;
  std::string_view authority = origin.substr(scheme_end + 3);
  if (authority.empty() || authority.find('/') != std::string_view::npos) return false;
  return iequals(authority, host_header) && host_allowed(authority);
}

}  // namespace hr::server

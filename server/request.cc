#include "server/request.h"

namespace hr::server {

namespace {
char lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}
}  // namespace

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

bool list_has_token(std::string_view list, std::string_view token) {
  while (!list.empty()) {
    std::size_t comma = list.find(',');
    std::string_view item = trim(list.substr(0, comma));
    if (iequals(item, token)) return true;
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  return false;
}

std::string_view first_header(const std::vector<Header>& headers, std::string_view name) {
  for (const Header& h : headers) {
    if (iequals(h.name, name)) return h.value;
  }
  return {};
}

std::string joined_header(const std::vector<Header>& headers, std::string_view name) {
  std::string out;
  for (const Header& h : headers) {
    if (!iequals(h.name, name)) continue;
    if (!out.empty()) out += ", ";
    out += h.value;
  }
  return out;
}

std::string_view Request::header(std::string_view name) const {
  return first_header(headers, name);
}

bool Request::has_header(std::string_view name) const {
  for (const Header& h : headers) {
    if (iequals(h.name, name)) return true;
  }
  return false;
}

std::string Request::header_list(std::string_view name) const {
  return joined_header(headers, name);
}

bool Request::keep_alive() const {
  std::string connection = header_list("Connection");
  if (list_has_token(connection, "close")) return false;
  if (version_minor == 0) return list_has_token(connection, "keep-alive");
  return true;
}

std::string_view Request::path() const {
  std::string_view t = target;
  return t.substr(0, t.find('?'));
}

bool Request::is_websocket_upgrade() const {
  return list_has_token(header_list("Upgrade"), "websocket") &&
         list_has_token(header_list("Connection"), "upgrade");
}

}  // namespace hr::server

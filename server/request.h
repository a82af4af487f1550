// A parsed HTTP/1.1 request head, as the request parser produces it and the router, proxy and
// WebSocket handshake read it. Header names keep their spelling; lookups are case-insensitive.
// The body is not held here: `body` says how it is framed on the wire so the connection (which
// discards it) or the proxy (which streams it) can find where the next request starts.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace hr::server {

struct Header {
  std::string name;
  std::string value;
};

enum class BodyKind { none, length, chunked };

// ASCII case-insensitive comparison (header names, tokens).
bool iequals(std::string_view a, std::string_view b);
// Whether a comma-separated header value contains `token` (case-insensitive), e.g. Connection.
bool list_has_token(std::string_view list, std::string_view token);

// Header lookups shared by requests and responses: the first value of `name` ("" if absent), and
// every value of `name` joined with ", " (how a repeated list header reads as one).
std::string_view first_header(const std::vector<Header>& headers, std::string_view name);
std::string joined_header(const std::vector<Header>& headers, std::string_view name);

struct Request {
  std::string method;
  std::string target;
  int version_minor = 1;
  std::vector<Header> headers;
  BodyKind body = BodyKind::none;
  std::uint64_t content_length = 0;
  std::size_t head_size = 0;  // bytes of the head on the wire, final CRLF included

  // First value of a header, empty when absent.
  std::string_view header(std::string_view name) const;
  bool has_header(std::string_view name) const;
  // Every value of the header joined with ", " (RFC 9110 list semantics).
  std::string header_list(std::string_view name) const;
  bool keep_alive() const;
  // The target without its query string.
  std::string_view path() const;
  // An `Upgrade: websocket` request with `Connection: upgrade`.
  bool is_websocket_upgrade() const;
};

}  // namespace hr::server

// Parses the head of a response from the backend (status line and header fields) so the proxy
// can rewrite hop-by-hop headers and learn how the body is framed. Pure, like the request parser.
#pragma once

#include <string_view>

#include "server/parse_result.h"
#include "server/request.h"

namespace hr::server {

struct Response {
  int status = 0;
  int version_minor = 1;
  std::string reason;
  std::vector<Header> headers;
  std::size_t head_size = 0;

  std::string_view header(std::string_view name) const;
  std::string header_list(std::string_view name) const;
};

// `bad` carries 502: a backend speaking malformed HTTP is a bad gateway.
ParseResult parse_response(std::string_view input, Response& out);

}  // namespace hr::server

// Parses the header-field block shared by requests and (proxied) responses: `name: value` lines
// after the start line, up to the empty line. Strict where leniency enables request smuggling:
// no whitespace before the colon, no obs-fold, no bare CR or LF, CTLs rejected. Limits on the
// block's bytes and lines give the caller's status (431 for requests, 502 for responses).
#pragma once

#include <string_view>
#include <vector>

#include "server/parse_result.h"
#include "server/request.h"

namespace hr::server {

struct FieldLimits {
  std::size_t max_bytes = 16 * 1024;
  std::size_t max_lines = 100;
  int too_large_status = 431;
};

// Parses fields starting at `input[start]`. `good` carries the offset just past the final CRLF.
ParseResult parse_fields(std::string_view input, std::size_t start, const FieldLimits& limits,
                         std::vector<Header>& out);

// RFC 9110 token characters (method names, header names).
bool is_token_char(unsigned char c);

}  // namespace hr::server

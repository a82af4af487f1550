// Turns the bytes a client sent into a Request head, or says why not. Pure and stateless: the
// connection calls it on everything buffered so far, so a head that trickles in byte by byte is
// simply re-parsed (bounded by the limits, 24 KiB at most). The answers are those of a real
// server: request line over 8 KiB -> 414, header block over 16 KiB or 100 lines -> 431, unknown
// method -> 501, Content-Length with Transfer-Encoding -> 400, a transfer coding other than
// `chunked` -> 501, HTTP/1.1 without Host -> 400, other HTTP versions -> 505, anything malformed
// -> 400. The body is not read here; Request::body says how it is framed.
#pragma once

#include <string_view>

#include "server/parse_result.h"
#include "server/request.h"

namespace hr::server {

struct RequestLimits {
  std::size_t max_request_line = 8 * 1024;
  std::size_t max_header_bytes = 16 * 1024;
  std::size_t max_header_lines = 100;
};

// `good` sets out.head_size (== consumed) to the bytes of the head, leading blank lines included.
ParseResult parse_request(std::string_view input, Request& out, const RequestLimits& limits = {});

// Methods this server (or its proxy) knows; anything else gets 501.
bool is_known_method(std::string_view method);

}  // namespace hr::server

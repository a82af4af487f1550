#include "server/request_parser.h"

#include <charconv>

#include "server/header_fields.h"

namespace hr::server {

bool is_known_method(std::string_view m) {
  return m == "GET" || m == "HEAD" || m == "POST" || m == "PUT" || m == "DELETE" ||
         m == "OPTIONS" || m == "PATCH";
}

namespace {

// "HTTP/1.1" -> 1, "HTTP/1.0" -> 0; -505 for another well-formed version; -400 otherwise.
int parse_version(std::string_view v) {
  if (v.size() != 8 || v.substr(0, 5) != "HTTP/" || v[6] != '.') return -400;
  if (v[5] < '0' || v[5] > '9' || v[7] < '0' || v[7] > '9') return -400;
  if (v[5] != '1' || (v[7] != '0' && v[7] != '1')) return -505;
  return v[7] - '0';
}

bool valid_target(std::string_view t) {
  if (t.empty()) return false;
  for (char c : t) {
    auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7f) return false;
  }
  return true;
}

// Fills method/target/version from the request line; returns 0 or an HTTP status.
int parse_request_line(std::string_view line, Request& out) {
  std::size_t sp1 = line.find(' ');
  if (sp1 == std::string_view::npos || sp1 == 0) return 400;
  std::size_t sp2 = line.find(' ', sp1 + 1);
  if (sp2 == std::string_view::npos || line.find(' ', sp2 + 1) != std::string_view::npos)
    return 400;
  std::string_view method = line.substr(0, sp1);
  for (char c : method) {
    if (!is_token_char(static_cast<unsigned char>(c))) return 400;
  }
  std::string_view target = line.substr(sp1 + 1, sp2 - sp1 - 1);
  if (!valid_target(target)) return 400;
  int version = parse_version(line.substr(sp2 + 1));
  if (version < 0) return -version;
  if (!is_known_method(method)) return 501;
  out.method.assign(method);
  out.target.assign(target);
  out.version_minor = version;
  return 0;
}

// Decides body framing and checks Host; returns 0 or an HTTP status.
int check_framing(Request& r) {
  std::size_t hosts = 0;
  std::size_t lengths = 0;
  std::size_t encodings = 0;
  for (const Header& h : r.headers) {
    hosts += iequals(h.name, "Host");
    lengths += iequals(h.name, "Content-Length");
    encodings += iequals(h.name, "Transfer-Encoding");
  }
  if (hosts > 1 || (r.version_minor == 1 && hosts == 0)) return 400;
  if (hosts == 1 && r.header("Host").empty()) return 400;
  if (lengths > 0 && encodings > 0) return 400;
  if (encodings > 0) {
    if (r.version_minor == 0) return 400;
    if (!iequals(r.header_list("Transfer-Encoding"), "chunked")) return 501;
    r.body = BodyKind::chunked;
    return 0;
  }
  if (lengths > 0) {
    std::string_view first = r.header("Content-Length");
    for (const Header& h : r.headers) {
      if (iequals(h.name, "Content-Length") && h.value != first) return 400;
    }
    if (first.empty() || first.size() > 18) return 400;
    std::uint64_t n = 0;
    auto [end, ec] = std::from_chars(first.data(), first.data() + first.size(), n);
    if (ec != std::errc() || end != first.data() + first.size()) return 400;
    r.content_length = n;
    r.body = n > 0 ? BodyKind::length : BodyKind::none;
  }
  return 0;
}

}  // namespace

ParseResult parse_request(std::string_view input, Request& out, const RequestLimits& limits) {
  out = Request{};
  std::size_t start = 0;
  // RFC 9112 2.2: ignore at least one empty line before a request (clients add one after a body).
  while (start + 1 < input.size() && input[start] == '\r' && input[start + 1] == '\n' && start < 8)
    start += 2;
  std::size_t eol = input.find("\r\n", start);
  if (eol == std::string_view::npos) {
    // Answer non-HTTP bytes (a TLS hello, a stray protocol) at once, not after the timeout.
    for (std::size_t i = start; i < input.size() && input[i] != ' '; ++i) {
      if (!is_token_char(static_cast<unsigned char>(input[i]))) return ParseResult::bad(400);
    }
    if (input.size() - start > limits.max_request_line) return ParseResult::bad(414);
    return ParseResult::more();
  }
  if (eol - start > limits.max_request_line) return ParseResult::bad(414);
  if (int status = parse_request_line(input.substr(start, eol - start), out)) {
    return ParseResult::bad(status);
  }
  FieldLimits field_limits{limits.max_header_bytes, limits.max_header_lines, 431};
  ParseResult fields = parse_fields(input, eol + 2, field_limits, out.headers);
  if (fields.status != ParseStatus::good) return fields;
  if (int status = check_framing(out)) return ParseResult::bad(status);
  out.head_size = fields.consumed;
  return fields;
}

}  // namespace hr::server

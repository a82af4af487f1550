#include "server/response_parser.h"

#include "server/header_fields.h"

namespace hr::server {

std::string_view Response::header(std::string_view name) const {
  return first_header(headers, name);
}

std::string Response::header_list(std::string_view name) const {
  return joined_header(headers, name);
}

ParseResult parse_response(std::string_view input, Response& out) {
  constexpr std::size_t kMaxStatusLine = 8 * 1024;
  out = Response{};
  std::size_t eol = input.find("\r\n");
  if (eol == std::string_view::npos) {
    return input.size() > kMaxStatusLine ? ParseResult::bad(502) : ParseResult::more();
  }
  std::string_view line = input.substr(0, eol);
  // "HTTP/1.1 200 OK": version, space, three digits, then an optional reason.
  if (line.size() < 12 || line.substr(0, 7) != "HTTP/1." || line[8] != ' ') {
    return ParseResult::bad(502);
  }
  int status = 0;
  for (std::size_t i = 9; i < 12; ++i) {
    if (line[i] < '0' || line[i] > '9') return ParseResult::bad(502);
    status = status * 10 + (line[i] - '0');
  }
  if (status < 100 || (line.size() > 12 && line[12] != ' ')) return ParseResult::bad(502);
  out.status = status;
  out.version_minor = line[7] == '0' ? 0 : 1;
  out.reason.assign(line.size() > 13 ? line.substr(13) : std::string_view{});
  FieldLimits limits{64 * 1024, 200, 502};
  ParseResult fields = parse_fields(input, eol + 2, limits, out.headers);
  if (fields.status == ParseStatus::bad) return ParseResult::bad(502);
  out.head_size = fields.consumed;
  return fields;
}

}  // namespace hr::server

#include "server/header_fields.h"

namespace hr::server {

bool is_token_char(unsigned char c) {
  if (c >= '0' && c <= '9') return true;
  if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') return true;
  switch (c) {
    case '!':
    case '#':
    case '$':
    case '%':
    case '&':
    case '\'':
    case '*':
    case '+':
    case '-':
    case '.':
    case '^':
    case '_':
    case '`':
    case '|':
    case '~':
      return true;
    default:
      return false;
  }
}

namespace {

bool valid_value_char(unsigned char c) {
  return c == '\t' || (c >= 0x20 && c != 0x7f);
}

// One `name: value` line without its CRLF; false when malformed.
bool parse_line(std::string_view line, std::vector<Header>& out) {
  std::size_t colon = line.find(':');
  if (colon == 0 || colon == std::string_view::npos) return false;
  for (std::size_t i = 0; i < colon; ++i) {
    if (!is_token_char(static_cast<unsigned char>(line[i]))) return false;
  }
  std::string_view value = line.substr(colon + 1);
  for (char c : value) {
    if (!valid_value_char(static_cast<unsigned char>(c))) return false;
  }
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
  out.push_back(Header{std::string(line.substr(0, colon)), std::string(value)});
  return true;
}

}  // namespace

ParseResult parse_fields(std::string_view input, std::size_t start, const FieldLimits& limits,
                         std::vector<Header>& out) {
  out.clear();
  std::size_t pos = start;
  std::size_t lines = 0;
  for (;;) {
    std::size_t eol = input.find("\r\n", pos);
    if (eol == std::string_view::npos) {
      if (input.size() - start > limits.max_bytes) return ParseResult::bad(limits.too_large_status);
      return ParseResult::more();
    }
    if (eol + 2 - start > limits.max_bytes) return ParseResult::bad(limits.too_large_status);
    if (eol == pos) return ParseResult::good(eol + 2);
    if (++lines > limits.max_lines) return ParseResult::bad(limits.too_large_status);
    std::string_view line = input.substr(pos, eol - pos);
    if (line.front() == ' ' || line.front() == '\t') return ParseResult::bad(400);  // obs-fold
    if (!parse_line(line, out)) return ParseResult::bad(400);
    pos = eol + 2;
  }
}

}  // namespace hr::server

#include "server/chunked_parser.h"

#include <algorithm>

namespace hr::server {

namespace {
constexpr std::size_t kMaxLine = 4096;
constexpr std::size_t kMaxTrailers = 16 * 1024;

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
}  // namespace

bool ChunkedParser::step(char c) {
  switch (state_) {
    case State::size:
      if (int v = hex_value(c); v >= 0) {
        if (++digits_ > 15) return false;
        size_ = size_ * 16 + static_cast<std::uint64_t>(v);
        return true;
      }
      if (digits_ == 0) return false;
      if (c == '\r') return state_ = State::size_lf, true;
      if (c == ';' || c == ' ' || c == '\t') return state_ = State::ext, line_bytes_ = 0, true;
      return false;
    case State::ext:
      if (c == '\r') return state_ = State::size_lf, true;
      return c != '\n' && ++line_bytes_ <= kMaxLine;
    case State::size_lf:
      if (c != '\n') return false;
      state_ = size_ == 0 ? State::trailer_start : State::data;
      return true;
    case State::data_cr:
      return c == '\r' && (state_ = State::data_lf, true);
    case State::data_lf:
      if (c != '\n') return false;
      state_ = State::size, size_ = 0, digits_ = 0;
      return true;
    case State::trailer_start:
      if (c == '\r') return state_ = State::end_lf, true;
      state_ = State::trailer;
      [[fallthrough]];
    case State::trailer:
      if (++trailer_bytes_ > kMaxTrailers || c == '\n') return false;
      if (c == '\r') state_ = State::trailer_lf;
      return true;
    case State::trailer_lf:
      return c == '\n' && (state_ = State::trailer_start, true);
    case State::end_lf:
      return c == '\n' && (state_ = State::done, true);
    case State::data:
    case State::done:
      return false;
  }
  return false;
}

ParseResult ChunkedParser::feed(std::string_view input) {
  std::size_t i = 0;
  while (i < input.size()) {
    if (state_ == State::done) return ParseResult::good(i);
    if (state_ == State::data) {
      std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(size_, input.size() - i));
      i += n;
      size_ -= n;
      if (size_ == 0) state_ = State::data_cr;
      continue;
    }
    if (!step(input[i])) return ParseResult::bad(400);
    ++i;
  }
  if (state_ == State::done) return ParseResult::good(i);
  ParseResult r = ParseResult::more();
  r.consumed = i;
  return r;
}

}  // namespace hr::server

// The answer every incremental parser in this folder gives: the input holds a complete item
// (`good`, with how many bytes it used), is malformed (`bad`, with the HTTP status or WebSocket
// close code that names the fault), or is a valid prefix (`need_more`). Parsers are pure
// functions of their input so the fuzz targets can drive them directly.
#pragma once

#include <cstddef>

namespace hr::server {

enum class ParseStatus { good, bad, need_more };

struct ParseResult {
  ParseStatus status = ParseStatus::need_more;
  int error = 0;             // HTTP status (or WebSocket close code) when bad
  std::size_t consumed = 0;  // bytes used when good

  static ParseResult good(std::size_t n) { return {ParseStatus::good, 0, n}; }
  static ParseResult bad(int code) { return {ParseStatus::bad, code, 0}; }
  static ParseResult more() { return {}; }
};

}  // namespace hr::server

// Finds where a chunked body ends, without decoding it: the proxy relays chunked uploads and
// chunked responses byte for byte and only needs to know which bytes belong to the body (what
// follows is the next pipelined request, or nothing). A small state machine fed any split of the
// input; each call says how many bytes it took and whether the last chunk and trailers are done.
#pragma once

#include <cstdint>
#include <string_view>

#include "server/parse_result.h"

namespace hr::server {

class ChunkedParser {
 public:
  // `good`: the body ended; `consumed` bytes of this input were its tail. `need_more`: all of the
  // input was body (consumed == input.size()). `bad`: malformed chunk framing.
  ParseResult feed(std::string_view input);
  bool done() const { return state_ == State::done; }

 private:
  enum class State {
    size,
    ext,
    size_lf,
    data,
    data_cr,
    data_lf,
    trailer_start,
    trailer,
    trailer_lf,
    end_lf,
    done
  };
  bool step(char c);  // one byte outside chunk data; false when malformed

  State state_ = State::size;
  std::uint64_t size_ = 0;
  int digits_ = 0;
  std::size_t line_bytes_ = 0;
  std::size_t trailer_bytes_ = 0;
};

}  // namespace hr::server

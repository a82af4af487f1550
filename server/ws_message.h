// Reassembles WebSocket messages from data frames: a text or binary frame starts a message,
// continuation frames extend it, FIN ends it. Control frames may arrive between fragments and are
// not handled here. Faults carry their close code: continuation without a start or a new message
// inside a fragmented one -> 1002, a message over the size limit -> 1009, text that is not UTF-8
// -> 1007. Pure, so the fuzz target drives it together with the frame decoder.
#pragma once

#include <string>
#include <string_view>

#include "server/ws_frame.h"

namespace hr::server {

bool valid_utf8(std::string_view s);

class WsMessageAssembler {
 public:
  explicit WsMessageAssembler(std::size_t max_message) : max_(max_message) {}

  enum class Outcome { partial, message, error };
  // Feeds one data frame. On `message`, message()/is_text() hold the complete message; on
  // `error`, close_code() says why.
  Outcome add(WsFrame&& frame);
  const std::string& message() const { return buffer_; }
  bool is_text() const { return text_; }
  int close_code() const { return close_code_; }

 private:
  Outcome fail(int code) { return close_code_ = code, Outcome::error; }

  std::size_t max_;
  std::string buffer_;
  bool in_message_ = false;
  bool text_ = false;
  int close_code_ = 0;
};

}  // namespace hr::server

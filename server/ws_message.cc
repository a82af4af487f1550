#include "server/ws_message.h"

#include <cstdint>

namespace hr::server {

bool valid_utf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<std::uint8_t>(s[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    int extra = 0;
    std::uint32_t cp = 0;
    if ((c & 0xE0) == 0xC0)
      extra = 1, cp = c & 0x1F;
    else if ((c & 0xF0) == 0xE0)
      extra = 2, cp = c & 0x0F;
    else if ((c & 0xF8) == 0xF0)
      extra = 3, cp = c & 0x07;
    else
      return false;
    if (i + static_cast<std::size_t>(extra) >= s.size()) return false;
    for (int k = 1; k <= extra; ++k) {
      auto cc = static_cast<std::uint8_t>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    static constexpr std::uint32_t kMin[] = {0, 0x80, 0x800, 0x10000};
    if (cp < kMin[extra] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += static_cast<std::size_t>(extra) + 1;
  }
  return true;
}

WsMessageAssembler::Outcome WsMessageAssembler::add(WsFrame&& frame) {
  if (frame.opcode == WsOpcode::continuation) {
    if (!in_message_) return fail(1002);
    if (buffer_.size() + frame.payload.size() > max_) return fail(1009);
    buffer_ += frame.payload;
  } else {
    if (in_message_) return fail(1002);
    if (frame.payload.size() > max_) return fail(1009);
    text_ = frame.opcode == WsOpcode::text;
    buffer_ = std::move(frame.payload);
    in_message_ = true;
  }
  if (!frame.fin) return Outcome::partial;
  in_message_ = false;
  if (text_ && !valid_utf8(buffer_)) return fail(1007);
  return Outcome::message;
}

}  // namespace hr::server

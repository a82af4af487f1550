// RFC 6455 framing: decoding the frames a client sends and encoding the frames the server sends.
// The decoder is pure (fuzz target fuzz_ws_frame): given the buffered bytes it returns one frame,
// `need_more`, or `bad` with the close code to send (1002 protocol error, 1009 too big). Client
// frames must be masked (RFC 6455 5.1: a server MUST close on an unmasked frame). Server frames
// are never masked and never fragmented.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "server/parse_result.h"

namespace hr::server {

enum class WsOpcode : std::uint8_t {
  continuation = 0x0,
  text = 0x1,
  binary = 0x2,
  close = 0x8,
  ping = 0x9,
  pong = 0xA,
};

struct WsFrame {
  bool fin = true;
  WsOpcode opcode = WsOpcode::text;
  std::string payload;  // unmasked
};

bool is_control(WsOpcode op);

// `max_payload`: frames declaring more get 1009 before their payload is read.
ParseResult decode_ws_frame(std::string_view input, std::size_t max_payload, WsFrame& out,
                            bool require_mask = true);

// An unmasked server frame with FIN set.
std::string encode_ws_frame(WsOpcode op, std::string_view payload);
// A close frame carrying `code` (and no reason).
std::string encode_ws_close(std::uint16_t code);

// base64(SHA-1(key + RFC 6455 GUID)), the Sec-WebSocket-Accept value.
std::string ws_accept_key(std::string_view client_key);
// Whether a Sec-WebSocket-Key is base64 of 16 bytes.
bool valid_ws_key(std::string_view client_key);

}  // namespace hr::server

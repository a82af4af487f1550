#include "server/ws_handshake.h"

#include "server/ws_frame.h"

namespace hr::server {

Handshake websocket_handshake(const Request& req) {
  Handshake h;
  if (req.method != "GET" || req.version_minor != 1 || req.body != BodyKind::none) {
    h.refusal = Reply::error(400, "a WebSocket handshake is a GET over HTTP/1.1 without a body");
    return h;
  }
  if (req.header("Sec-WebSocket-Version") != "13") {
    h.refusal = Reply::error(426, "WebSocket version 13 required");
    h.refusal.add("Sec-WebSocket-Version", "13");
    return h;
  }
  std::string_view key = req.header("Sec-WebSocket-Key");
  if (!valid_ws_key(key)) {
    h.refusal = Reply::error(400, "bad Sec-WebSocket-Key");
    return h;
  }
  h.ok = true;
  h.response = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n";
  h.response += "Sec-WebSocket-Accept: " + ws_accept_key(key) + "\r\n";
  std::string protocols = req.header_list("Sec-WebSocket-Protocol");
  if (!protocols.empty()) {
    std::string_view first = std::string_view(protocols).substr(0, protocols.find(','));
    while (!first.empty() && first.back() == ' ') first.remove_suffix(1);
    h.response += "Sec-WebSocket-Protocol: " + std::string(first) + "\r\n";
  }
  h.response += "\r\n";
  return h;
}

}  // namespace hr::server

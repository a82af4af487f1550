// The server side of the RFC 6455 opening handshake for the HMR endpoint: checks the upgrade
// request (GET, HTTP/1.1, version 13, a well-formed key) and builds the 101 response. Host and
// Origin were already checked by the router. If the client offers subprotocols, the first one is
// echoed (browsers fail a handshake that ignores an offered protocol).
#pragma once

#include <string>

#include "server/reply.h"
#include "server/request.h"

namespace hr::server {

struct Handshake {
  bool ok = false;
  std::string response;  // the 101 head when ok
  Reply refusal;         // otherwise
};

Handshake websocket_handshake(const Request& req);

}  // namespace hr::server

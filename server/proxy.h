// Relays one request the server does not serve itself to the framework's backend, streaming both
// ways: the request body (Content-Length or chunked, passed through as framed) goes up while the
// response comes down, relayed as it arrives (chunked responses and server-sent streams included).
// A WebSocket upgrade that the backend accepts with 101 turns the exchange into a byte tunnel
// until either side closes. Hop-by-hop headers are removed, `Upgrade` re-set on upgrades, and
// X-Forwarded-For/Proto/Host overwritten (never appended: a client cannot forge them). Backend
// connections are kept alive and pooled (backend_pool.h). A backend that is down or answers
// garbage gets a 502 page naming its URL.
#pragma once

#include <array>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <memory>
#include <string>

#include "server/backend_pool.h"
#include "server/backend_url.h"
#include "server/chunked_parser.h"
#include "server/request.h"
#include "server/response_parser.h"

namespace hr::server {

class Connection;

// The head sent upstream (exposed for tests).
std::string upstream_request_head(const Request& req, std::string_view client_ip);
// The head relayed to the client; `close`: add Connection: close.
std::string downstream_response_head(const Response& resp, bool upgrade, bool close);

class Proxy : public std::enable_shared_from_this<Proxy> {
 public:
  Proxy(std::shared_ptr<Connection> conn, Request req, BackendUrl backend,
        std::chrono::milliseconds connect_timeout, BackendPool& pool);
  void start();
  void stop();

 private:
  enum class Framing { none, length, chunked, until_close };

  void connect();
  // A pooled connection failed before any answer: reconnect once. False when not applicable.
  bool retry_fresh();
  void on_connected();
  void fail(std::string why);
  void pump_upload();
  void read_client_body();
  void read_response_head();
  void on_response_head(Response resp);
  void relay_body();
  void read_upstream_body();
  void start_tunnel();
  void tunnel_read(bool from_client);
  void finish(bool keep_alive);
  std::size_t take_upload_bytes();
  std::size_t take_response_bytes();

  std::shared_ptr<Connection> conn_;
  boost::asio::ip::tcp::socket& client_;
  std::string& client_in_;
  Request req_;
  BackendUrl backend_;
  std::chrono::milliseconds connect_timeout_;
  boost::asio::ip::tcp::resolver resolver_;
  boost::asio::ip::tcp::socket upstream_;
  boost::asio::steady_timer timer_;
  std::string up_in_;
  std::array<char, 16 * 1024> up_chunk_;
  std::array<char, 16 * 1024> client_chunk_;
  std::uint64_t upload_left_ = 0;
  ChunkedParser upload_chunked_;
  bool upload_done_ = false;
  Framing framing_ = Framing::none;
  std::uint64_t response_left_ = 0;
  ChunkedParser response_chunked_;
  bool response_started_ = false;
  bool response_complete_ = false;
  bool close_after_ = false;
  bool finished_ = false;
  BackendPool& pool_;
  bool reused_ = false;
  bool backend_keep_alive_ = false;
};

}  // namespace hr::server

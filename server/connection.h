// One client TCP connection speaking HTTP/1.1: reads and parses request heads (408 if a head
// does not arrive within the header timeout, against slowloris), routes each request, and writes
// replies strictly in order (one request is handled at a time, so pipelined requests are answered
// in the order sent). Hands the socket over to a WsSession for the HMR endpoint, or lends it to a
// Proxy for the duration of a proxied exchange. Error replies end with a lingering close so the
// client reads the status instead of a reset.
#pragma once

#include <array>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <memory>
#include <string>

#include "server/reply.h"
#include "server/request.h"

namespace hr::server {

namespace detail {
struct Context;
}
class Proxy;

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(boost::asio::ip::tcp::socket socket, std::shared_ptr<detail::Context> ctx,
             std::uint64_t id);
  ~Connection();

  void start();
  void stop();

  // --- for the proxy, which borrows the socket and the bytes read past the request head -------
  boost::asio::ip::tcp::socket& socket() { return socket_; }
  std::string& buffer() { return in_; }
  // The exchange is over; keep_alive: the connection may read the next request.
  void proxy_finished(bool keep_alive);
  // The proxy could not get a response head (backend down, malformed answer): reply instead.
  void proxy_failed(Reply reply);

 private:
  void wait_for_request();
  void arm_header_timer();
  void on_header_timeout();
  void do_read();
  void process();
  void handle(Request&& req, bool after_build = false);
  void start_websocket(const Request& req);
  void start_proxy(Request&& req);
  void build_then_handle(Request&& req, std::string path);
  void write_reply(Reply reply);
  void linger_close();
  void close_now();

  enum class State { reading, busy, lingering, closed };
  boost::asio::ip::tcp::socket socket_;
  boost::asio::steady_timer timer_;
  std::shared_ptr<detail::Context> ctx_;
  std::uint64_t id_;
  std::string in_;
  std::array<char, 16 * 1024> chunk_;
  State state_ = State::reading;
  bool reading_ = false;
  std::uint64_t timer_generation_ = 0;
  std::weak_ptr<Proxy> proxy_;
};

}  // namespace hr::server

// Helpers for the dev server's socket tests: a server running on its own thread on an ephemeral
// 127.0.0.1 port, and a raw, bounded test client (every read has a deadline, so a server that
// hangs fails the test instead of hanging it). The client parses just enough HTTP/1.1 to assert
// status lines, headers and bodies, and speaks client-side WebSocket frames.
#pragma once

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include "server/server.h"

namespace hr::server::test {

using namespace std::chrono_literals;

class ServerFixture {
 public:
  explicit ServerFixture(Options options = {});
  ~ServerFixture();
  std::uint16_t port() const { return port_; }
  Server& server() { return *server_; }
  // Runs `fn` on the server's thread, as a handler of its own.
  void post(std::function<void()> fn);

 private:
  boost::asio::io_context io_;
  std::unique_ptr<Server> server_;
  std::uint16_t port_ = 0;
  std::thread thread_;
};

struct HttpResponse {
  std::string status_line;  // "HTTP/1.1 200 OK"
  int status = 0;
  std::multimap<std::string, std::string> headers;  // names lower-cased
  std::string body;
  bool ok = false;  // a complete response was read before the deadline

  std::string header(const std::string& lower_name) const;
  bool has_header(const std::string& lower_name) const { return headers.count(lower_name) > 0; }
};

class Client {
 public:
  explicit Client(std::uint16_t port);
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  bool send(std::string_view bytes);
  // Reads one response (Content-Length, chunked, or until close); `head_only` for HEAD/304.
  HttpResponse read_response(std::chrono::milliseconds timeout = 3000ms, bool head_only = false);
  // Reads until the peer closes or the deadline passes; returns what arrived.
  std::string read_until_close(std::chrono::milliseconds timeout = 3000ms);
  // True if the peer closed (EOF or reset) within the timeout.
  bool closed_within(std::chrono::milliseconds timeout);
  // Reads at most `n` bytes that are available within the timeout.
  std::string read_some(std::chrono::milliseconds timeout);

  // --- WebSocket ---------------------------------------------------------------------------
  // Sends a frame; masked unless told otherwise.
  bool send_frame(int opcode, std::string_view payload, bool fin = true, bool masked = true);
  struct Frame {
    int opcode = -1;  // -1: none before the deadline / connection closed
    bool fin = false;
    std::string payload;
  };
  Frame read_frame(std::chrono::milliseconds timeout = 3000ms);

  int fd() const { return fd_; }

 private:
  bool fill(std::chrono::steady_clock::time_point deadline);  // false on close or timeout
  int fd_ = -1;
  std::string buf_;
  bool eof_ = false;
};

// One request, one response on a fresh connection.
HttpResponse http(std::uint16_t port, std::string_view raw, bool head_only = false);
// "GET <target> HTTP/1.1" with Host: localhost and the extra header lines given.
std::string get(std::string_view target, std::string_view extra_headers = {});

// A WebSocket client upgraded on `path`; nullopt-like (fd -1 response) when refused.
struct WsOpen {
  std::unique_ptr<Client> client;
  HttpResponse handshake;
};
WsOpen ws_connect(std::uint16_t port, std::string_view path, std::string_view extra_headers = {});

}  // namespace hr::server::test

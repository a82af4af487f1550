// One HMR WebSocket client after the handshake: writes the 101 response and Vite's
// `{"type":"connected"}`, then reads frames (masked, possibly fragmented, with pings and the
// close handshake) and hands complete text messages to the hub's callback. Outgoing frames are
// written at once while the socket takes them, and otherwise wait in a queue bounded in bytes; a
// client whose queue overflows is dropped on the spot so a stalled tab never holds back the others
// or grows the server's memory.
#pragma once

#include <array>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <deque>
#include <memory>
#include <string>

#include "server/ws_message.h"

namespace hr::server {

class HmrHub;

class WsSession : public std::enable_shared_from_this<WsSession> {
 public:
  struct Limits {
    std::size_t max_message = 1 << 20;
    std::size_t max_queue_bytes = 8 << 20;
  };
  // `hub` must outlive the session's handlers (the server keeps it in its shared context).
  WsSession(boost::asio::ip::tcp::socket socket, std::string leftover, HmrHub& hub,
            std::shared_ptr<void> keep_alive, Limits limits);

  // Registers with the hub, sends the handshake response and `connected`, starts reading.
  void start(std::string handshake_response);
  void send(std::shared_ptr<const std::string> frame);
  // Starts the close handshake; the socket closes when the client answers or after 1 s.
  void close(std::uint16_t code);
  // Closes the socket at once (I/O error, end of the close handshake; `abortive`: slow client).
  void drop(bool abortive = false);

 private:
  void do_read();
  void process_input();
  void handle_frame(WsFrame&& frame);
  void do_write();
  void consume(std::size_t n);
  void wait_writable();
  void on_close_sent();

  boost::asio::ip::tcp::socket socket_;
  boost::asio::steady_timer close_timer_;
  std::string in_;
  std::array<char, 16 * 1024> chunk_;
  HmrHub& hub_;
  std::shared_ptr<void> keep_alive_;  // the server context the hub lives in
  Limits limits_;
  WsMessageAssembler assembler_;
  std::deque<std::shared_ptr<const std::string>> queue_;
  std::size_t queued_bytes_ = 0;
  std::size_t front_written_ = 0;  // bytes of queue_.front() already written
  std::uint64_t id_ = 0;
  bool waiting_for_socket_ = false;  // full: the queue waits for wait_writable()
  bool close_sent_ = false;
  bool close_received_ = false;
  bool dropped_ = false;
};

}  // namespace hr::server

// The set of connected HMR clients. A broadcast encodes the frame once and hands the same bytes
// to every session, which writes them at once or queues them while its socket is full; each
// session bounds its own queue, so a client that stops reading is dropped instead of slowing the
// others. Lives on the io_context thread, except count() and the message callback setter, which
// the Server's public API calls from any thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

namespace hr::server {

class WsSession;

class HmrHub {
 public:
  using Callback = std::function<void(std::uint64_t client, const std::string& text)>;
  using ConnectCallback = std::function<void(std::uint64_t client)>;

  std::uint64_t add(const std::shared_ptr<WsSession>& session);
  void remove(std::uint64_t id);
  void broadcast(const std::shared_ptr<const std::string>& frame);
  // To one client; false if it is gone.
  bool send_to(std::uint64_t id, const std::shared_ptr<const std::string>& frame);
  // Closes every session with `code` (1001 when the server stops).
  void close_all(std::uint16_t code);

  void set_callback(Callback cb);
  void deliver(std::uint64_t id, const std::string& text) const;
  void set_connect_callback(ConnectCallback cb);
  void connected(std::uint64_t id) const;
  // Called from remove(): the client's session ended (closed, dropped, or the server stopping).
  void set_disconnect_callback(ConnectCallback cb);
  std::size_t count() const { return count_.load(); }

 private:
  std::unordered_map<std::uint64_t, std::weak_ptr<WsSession>> sessions_;
  std::uint64_t next_id_ = 1;
  std::atomic<std::size_t> count_{0};
  mutable std::mutex callback_mutex_;
  Callback callback_;
  ConnectCallback connect_callback_, disconnect_callback_;
};

}  // namespace hr::server

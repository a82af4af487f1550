#include "server/hmr_hub.h"

#include <vector>

#include "server/ws_session.h"

namespace hr::server {

std::uint64_t HmrHub::add(const std::shared_ptr<WsSession>& session) {
  std::uint64_t id = next_id_++;
  sessions_.emplace(id, session);
  count_.store(sessions_.size());
  return id;
}

void HmrHub::remove(std::uint64_t id) {
  if (!sessions_.erase(id)) return;
  count_.store(sessions_.size());
  ConnectCallback cb;
  {
    std::lock_guard lock(callback_mutex_);
    cb = disconnect_callback_;
  }
  if (cb) cb(id);
}

void HmrHub::broadcast(const std::shared_ptr<const std::string>& frame) {
  // Collect first: a send may drop its session, which calls remove() and edits the map.
  std::vector<std::shared_ptr<WsSession>> live;
  live.reserve(sessions_.size());
  for (auto& [id, weak] : sessions_) {
    if (auto s = weak.lock()) live.push_back(std::move(s));
  }
  for (auto& s : live) s->send(frame);
}

bool HmrHub::send_to(std::uint64_t id, const std::shared_ptr<const std::string>& frame) {
  auto it = sessions_.find(id);
  if (it == sessions_.end()) return false;
  std::shared_ptr<WsSession> session = it->second.lock();
  if (!session) return false;
  session->send(frame);
  return true;
}

void HmrHub::close_all(std::uint16_t code) {
  std::vector<std::shared_ptr<WsSession>> live;
  for (auto& [id, weak] : sessions_) {
    if (auto s = weak.lock()) live.push_back(std::move(s));
  }
  for (auto& s : live) s->close(code);
}

void HmrHub::set_callback(Callback cb) {
  std::lock_guard lock(callback_mutex_);
  callback_ = std::move(cb);
}

void HmrHub::deliver(std::uint64_t id, const std::string& text) const {
  Callback cb;
  {
    std::lock_guard lock(callback_mutex_);
    cb = callback_;
  }
  if (cb) cb(id, text);
}

void HmrHub::set_connect_callback(ConnectCallback cb) {
  std::lock_guard lock(callback_mutex_);
  connect_callback_ = std::move(cb);
}

void HmrHub::set_disconnect_callback(ConnectCallback cb) {
  std::lock_guard lock(callback_mutex_);
  disconnect_callback_ = std::move(cb);
}

void HmrHub::connected(std::uint64_t id) const {
  ConnectCallback cb;
  {
    std::lock_guard lock(callback_mutex_);
    cb = connect_callback_;
  }
  if (cb) cb(id);
}

}  // namespace hr::server

#include "server/backend_pool.h"

namespace hr::server {

namespace asio = boost::asio;

namespace {

// An idle HTTP connection must have nothing to read: EOF, an error or stray bytes mean the
// backend closed it (or broke framing) while it sat in the pool.
bool still_open(asio::ip::tcp::socket& s) {
  boost::system::error_code ec;
  char byte;
  s.non_blocking(true, ec);
  if (ec) return false;
  s.receive(asio::buffer(&byte, 1), asio::socket_base::message_peek, ec);
  bool open = ec == asio::error::would_block;
  s.non_blocking(false, ec);
  return open && !ec;
}

}  // namespace

std::optional<asio::ip::tcp::socket> BackendPool::take() {
  while (!idle_.empty()) {
    asio::ip::tcp::socket s = std::move(idle_.back());
    idle_.pop_back();
    if (still_open(s)) return s;
    boost::system::error_code ignored;
    s.close(ignored);
  }
  return std::nullopt;
}

void BackendPool::give(asio::ip::tcp::socket socket) {
  if (idle_.size() >= max_idle_ || !socket.is_open()) return;
  idle_.push_back(std::move(socket));
}

void BackendPool::clear() {
  for (auto& s : idle_) {
    boost::system::error_code ignored;
    s.close(ignored);
  }
  idle_.clear();
}

}  // namespace hr::server

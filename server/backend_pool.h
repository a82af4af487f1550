// Idle keep-alive connections to the backend, so proxied requests skip a TCP handshake (and the
// backend an accept) each time. A connection goes back only after a complete, cleanly framed
// exchange the backend did not mark `Connection: close`. One the backend has closed meanwhile is
// spotted when taken (a peek sees EOF) or, failing that, by the proxy's single retry of a
// bodiless request on a fresh connection. Used on the io_context thread only.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <optional>
#include <vector>

namespace hr::server {

class BackendPool {
 public:
  explicit BackendPool(std::size_t max_idle = 64) : max_idle_(max_idle) {}

  // A live idle connection, if there is one.
  std::optional<boost::asio::ip::tcp::socket> take();
  void give(boost::asio::ip::tcp::socket socket);
  // Closes every idle connection (the backend changed, or the server stops).
  void clear();
  std::size_t idle() const { return idle_.size(); }

 private:
  std::size_t max_idle_;
  std::vector<boost::asio::ip::tcp::socket> idle_;
};

}  // namespace hr::server

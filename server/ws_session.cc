#include "server/ws_session.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <vector>

#include "server/hmr_hub.h"

namespace hr::server {

namespace asio = boost::asio;

WsSession::WsSession(asio::ip::tcp::socket socket, std::string leftover, HmrHub& hub,
                     std::shared_ptr<void> keep_alive, Limits limits)
    : socket_(std::move(socket)),
      close_timer_(socket_.get_executor()),
      in_(std::move(leftover)),
      hub_(hub),
      keep_alive_(std::move(keep_alive)),
      limits_(limits),
      assembler_(limits.max_message) {}

void WsSession::start(std::string handshake_response) {
  boost::system::error_code ec;
  socket_.non_blocking(true, ec);  // do_write's writes return would_block instead of waiting
  if (ec) return drop();
  id_ = hub_.add(shared_from_this());
  spdlog::debug("hmr: client {} connected ({} total)", id_, hub_.count());
  send(std::make_shared<const std::string>(std::move(handshake_response)));
  send(std::make_shared<const std::string>(
      encode_ws_frame(WsOpcode::text, R"({"type":"connected"})")));
  if (dropped_) return;  // the writes failed: the hub already heard it is gone
  hub_.connected(id_);
  process_input();
}

void WsSession::send(std::shared_ptr<const std::string> frame) {
  if (dropped_ || close_sent_) return;
  if (queued_bytes_ + frame->size() > limits_.max_queue_bytes) {
    spdlog::warn("hmr: client {} is not reading ({} bytes queued); dropping it", id_,
                 queued_bytes_);
    drop(true);
    return;
  }
  queued_bytes_ += frame->size();
  queue_.push_back(std::move(frame));
  if (!waiting_for_socket_) do_write();
}

void WsSession::close(std::uint16_t code) {
  if (dropped_ || close_sent_) return;
  queue_.push_back(std::make_shared<const std::string>(encode_ws_close(code)));
  queued_bytes_ += queue_.back()->size();
  close_sent_ = true;
  if (!waiting_for_socket_) do_write();
}

void WsSession::drop(bool abortive) {
  if (dropped_) return;
  dropped_ = true;
  boost::system::error_code ignored;
  // Abortive close for a client that stopped reading: what the kernel still buffers for it is
  // thrown away at once instead of lingering. Otherwise a graceful FIN.
  if (abortive) socket_.set_option(asio::socket_base::linger(true, 0), ignored);
  socket_.shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
  socket_.close(ignored);
  close_timer_.cancel();
  queue_.clear();
  queued_bytes_ = 0;
  hub_.remove(id_);
}

// Writes what the socket takes now, in the caller's handler, and waits for the socket only when
// it is full. With an asynchronous write per batch, a message sent right after another (an
// update after its hr:urls, once) waited for the first write's completion, which ran after every
// handler queued before it: the server's work that follows a push, about 0.4 ms of a
// 2,000-component edit.
void WsSession::do_write() {
  while (!queue_.empty() && !dropped_) {
    // Gather what is queued into one write: what piled up while the socket was full goes in one
    // syscall, not many.
    constexpr std::size_t kMaxGather = 64;
    std::vector<asio::const_buffer> buffers;
    buffers.reserve(std::min(kMaxGather, queue_.size()));
    for (const auto& frame : queue_) {
      if (buffers.size() == kMaxGather) break;
      buffers.push_back(asio::buffer(*frame) + (buffers.empty() ? front_written_ : 0));
    }
    boost::system::error_code ec;
    std::size_t n = socket_.write_some(buffers, ec);
    if (ec == asio::error::would_block || ec == asio::error::try_again) return wait_writable();
    if (ec) return drop();
    consume(n);
  }
  waiting_for_socket_ = false;
  if (close_sent_ && !dropped_) on_close_sent();
}

// Drops `n` written bytes from the front of the queue.
void WsSession::consume(std::size_t n) {
  queued_bytes_ -= n;
  while (n > 0) {
    const std::size_t left = queue_.front()->size() - front_written_;
    if (n < left) {
      front_written_ += n;
      return;
    }
    n -= left;
    front_written_ = 0;
    queue_.pop_front();
  }
}

void WsSession::wait_writable() {
  waiting_for_socket_ = true;
  socket_.async_wait(asio::ip::tcp::socket::wait_write,
                     [self = shared_from_this()](boost::system::error_code ec) {
                       if (self->dropped_) return;
                       if (ec) return self->drop();
                       self->do_write();
                     });
}

void WsSession::on_close_sent() {
  if (close_received_) return drop();
  close_timer_.expires_after(std::chrono::seconds(1));
  close_timer_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
    if (!ec) self->drop();
  });
}

void WsSession::do_read() {
  socket_.async_read_some(asio::buffer(chunk_),
                          [self = shared_from_this()](boost::system::error_code ec, std::size_t n) {
                            if (self->dropped_) return;
                            if (ec) return self->drop();
                            self->in_.append(self->chunk_.data(), n);
                            self->process_input();
                          });
}

void WsSession::process_input() {
  std::size_t offset = 0;
  while (!dropped_ && !close_received_) {
    WsFrame frame;
    ParseResult r =
        decode_ws_frame(std::string_view(in_).substr(offset), limits_.max_message, frame);
    if (r.status == ParseStatus::need_more) break;
    if (r.status == ParseStatus::bad) {
      spdlog::debug("hmr: client {} protocol error, closing with {}", id_, r.error);
      in_.clear();
      close(static_cast<std::uint16_t>(r.error));
      return do_read();
    }
    offset += r.consumed;
    handle_frame(std::move(frame));
  }
  in_.erase(0, offset);
  if (!dropped_) do_read();
}

void WsSession::handle_frame(WsFrame&& frame) {
  switch (frame.opcode) {
    case WsOpcode::ping:
      if (!close_sent_) {
        send(std::make_shared<const std::string>(encode_ws_frame(WsOpcode::pong, frame.payload)));
      }
      return;
    case WsOpcode::pong:
      return;
    case WsOpcode::close:
      close_received_ = true;
      if (close_sent_) {
        if (!waiting_for_socket_) drop();
        return;
      }
      close(1000);
      return;
    default:
      break;
  }
  if (close_sent_) return;
  switch (assembler_.add(std::move(frame))) {
    case WsMessageAssembler::Outcome::partial:
      return;
    case WsMessageAssembler::Outcome::error:
      close(static_cast<std::uint16_t>(assembler_.close_code()));
      return;
    case WsMessageAssembler::Outcome::message:
      if (assembler_.is_text()) hub_.deliver(id_, assembler_.message());
      return;
  }
}

}  // namespace hr::server

#include "server/connection.h"

#include <spdlog/spdlog.h>
#include <boost/asio/write.hpp>

#include "server/context.h"
#include "server/proxy.h"
#include "server/request_parser.h"
#include "server/router.h"
#include "server/ws_handshake.h"
#include "server/ws_session.h"

namespace hr::server {

namespace asio = boost::asio;

namespace {
constexpr auto kLingerTime = std::chrono::seconds(1);

// Connection semantics of the request decide whether this reply ends the connection.
void fit_to_request(Reply& r, const Request& req) {
  if (!req.keep_alive() || req.body != BodyKind::none) r.close = true;
  if (!r.close && req.version_minor == 0) r.keep_alive_10 = true;
  if (req.method == "HEAD") r.head_only = true;
}
}  // namespace

Connection::Connection(asio::ip::tcp::socket socket, std::shared_ptr<detail::Context> ctx,
                       std::uint64_t id)
    : socket_(std::move(socket)), timer_(socket_.get_executor()), ctx_(std::move(ctx)), id_(id) {}

Connection::~Connection() {
  ctx_->connections.erase(id_);
}

void Connection::start() {
  wait_for_request();
}

void Connection::stop() {
  if (auto p = proxy_.lock()) p->stop();
  close_now();
}

void Connection::wait_for_request() {
  state_ = State::reading;
  arm_header_timer();
  process();
}

void Connection::arm_header_timer() {
  std::uint64_t generation = ++timer_generation_;
  timer_.expires_after(ctx_->options.header_timeout);
  timer_.async_wait([self = shared_from_this(), generation](boost::system::error_code ec) {
    if (ec || generation != self->timer_generation_ || self->state_ != State::reading) return;
    self->on_header_timeout();
  });
}

void Connection::on_header_timeout() {
  if (in_.empty()) return close_now();  // an idle keep-alive connection: just close it
  Reply r = Reply::error(408, "the request head did not arrive in time");
  r.close = true;
  write_reply(std::move(r));
}

void Connection::do_read() {
  if (reading_ || state_ == State::closed) return;
  reading_ = true;
  socket_.async_read_some(asio::buffer(chunk_),
                          [self = shared_from_this()](boost::system::error_code ec, std::size_t n) {
                            self->reading_ = false;
                            if (self->state_ == State::closed) return;
                            if (self->state_ == State::lingering) {
                              return ec ? self->close_now() : self->do_read();
                            }
                            if (ec) {
                              if (self->state_ == State::reading) self->close_now();
                              return;
                            }
                            self->in_.append(self->chunk_.data(), n);
                            if (self->state_ == State::reading) self->process();
                          });
}

void Connection::process() {
  Request req;
  ParseResult r = parse_request(in_, req);
  if (r.status == ParseStatus::need_more) return do_read();
  ++timer_generation_;
  timer_.cancel();
  if (r.status == ParseStatus::bad) {
    spdlog::debug("http: connection {}: malformed request -> {}", id_, r.error);
    Reply e = Reply::error(r.error);
    e.close = true;
    return write_reply(std::move(e));
  }
  in_.erase(0, r.consumed);
  handle(std::move(req));
}

void Connection::handle(Request&& req, bool after_build) {
  Route route = route_request(req, *ctx_, after_build);
  switch (route.kind) {
    case Route::Kind::reply:
      fit_to_request(route.reply, req);
      return write_reply(std::move(route.reply));
    case Route::Kind::hmr:
      return start_websocket(req);
    case Route::Kind::proxy:
      return start_proxy(std::move(req));
    case Route::Kind::build:
      return build_then_handle(std::move(req), std::move(route.path));
  }
}

void Connection::build_then_handle(Request&& req, std::string path) {
  state_ = State::busy;
  auto request = std::make_shared<Request>(std::move(req));
  ctx_->on_demand.build(path, [self = shared_from_this(), request, path] {
    if (self->state_ != State::busy) return;  // closed meanwhile
    self->state_ = State::reading;
    if (self->ctx_->on_demand.unbuilt(path)) {
      // The builder could not be asked (esbuild is down): say so rather than ask again.
      Reply r = Reply::error(503, "hr-orchestrate could not build " + path + " (see its log)");
      fit_to_request(r, *request);
      return self->write_reply(std::move(r));
    }
    // Built or failed: routed again, it is served, or falls through to what follows.
    self->handle(std::move(*request), true);
  });
}

void Connection::start_websocket(const Request& req) {
  Handshake h = websocket_handshake(req);
  if (!h.ok) {
    fit_to_request(h.refusal, req);
    return write_reply(std::move(h.refusal));
  }
  state_ = State::closed;
  WsSession::Limits limits{ctx_->options.ws_max_message, ctx_->options.ws_max_queue_bytes};
  auto session =
      std::make_shared<WsSession>(std::move(socket_), std::move(in_), ctx_->hub, ctx_, limits);
  session->start(std::move(h.response));
}

void Connection::start_proxy(Request&& req) {
  if (!ctx_->backend) {
    Reply r = Reply::error(502,
                           "No backend is configured, so this request cannot be proxied "
                           "(set the manifest's \"backend\" or --backend).");
    fit_to_request(r, req);
    return write_reply(std::move(r));
  }
  state_ = State::busy;
  auto proxy = std::make_shared<Proxy>(shared_from_this(), std::move(req), *ctx_->backend,
                                       ctx_->options.backend_connect_timeout, ctx_->backend_pool);
  proxy_ = proxy;
  proxy->start();
}

void Connection::proxy_finished(bool keep_alive) {
  proxy_.reset();
  if (state_ == State::closed) return;
  if (keep_alive) return wait_for_request();
  linger_close();
}

void Connection::proxy_failed(Reply reply) {
  proxy_.reset();
  if (state_ == State::closed) return;
  write_reply(std::move(reply));
}

void Connection::write_reply(Reply reply) {
  state_ = State::busy;
  auto head = std::make_shared<const std::string>(reply.serialize_head());
  std::shared_ptr<const std::string> body;
  if (!reply.head_only && reply.status != 304) body = reply.body;
  std::array<asio::const_buffer, 2> buffers{asio::buffer(*head),
                                            body ? asio::buffer(*body) : asio::const_buffer()};
  asio::async_write(socket_, buffers,
                    [self = shared_from_this(), head, body, close = reply.close](
                        boost::system::error_code ec, std::size_t) {
                      if (self->state_ == State::closed) return;
                      if (ec) return self->close_now();
                      if (close) return self->linger_close();
                      self->wait_for_request();
                    });
}

void Connection::linger_close() {
  // Closing with unread input makes the kernel send RST, which can destroy the reply we just
  // wrote before the client reads it; so half-close, drain briefly, then close.
  state_ = State::lingering;
  boost::system::error_code ignored;
  socket_.shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
  std::uint64_t generation = ++timer_generation_;
  timer_.expires_after(kLingerTime);
  timer_.async_wait([self = shared_from_this(), generation](boost::system::error_code ec) {
    if (!ec && generation == self->timer_generation_) self->close_now();
  });
  do_read();
}

void Connection::close_now() {
  state_ = State::closed;
  ++timer_generation_;
  timer_.cancel();
  boost::system::error_code ignored;
  socket_.shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
  socket_.close(ignored);
}

}  // namespace hr::server

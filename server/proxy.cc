#include "server/proxy.h"

#include <spdlog/spdlog.h>
#include <boost/asio/connect.hpp>
#include <boost/asio/write.hpp>
#include <charconv>
#include <limits>

#include "server/connection.h"
#include "server/reply.h"

namespace hr::server {

namespace asio = boost::asio;

namespace {

constexpr std::size_t kBadFraming = std::numeric_limits<std::size_t>::max();

bool is_framing_or_host(std::string_view name) {
  return iequals(name, "Content-Length") || iequals(name, "Transfer-Encoding") ||
         iequals(name, "Host");
}

// Hop-by-hop (RFC 9110 7.6.1) plus whatever Connection names, except the headers that frame the
// body or name the host: letting a client drop those would desynchronise the two connections.
bool is_hop_by_hop(std::string_view name, std::string_view connection_list) {
  static constexpr std::string_view kHop[] = {
      "Connection", "Keep-Alive", "Proxy-Connection",   "TE",
      "Trailer",    "Upgrade",    "Proxy-Authenticate", "Proxy-Authorization"};
  for (std::string_view h : kHop) {
    if (iequals(name, h)) return true;
  }
  return !is_framing_or_host(name) && list_has_token(connection_list, name);
}

bool is_forwarded(std::string_view name) {
  return iequals(name, "X-Forwarded-For") || iequals(name, "X-Forwarded-Proto") ||
         iequals(name, "X-Forwarded-Host");
}

void append_header(std::string& out, std::string_view name, std::string_view value) {
  out.append(name).append(": ").append(value).append("\r\n");
}

}  // namespace

std::string upstream_request_head(const Request& req, std::string_view client_ip) {
  std::string connection = req.header_list("Connection");
  std::string out = req.method + " " + req.target + " HTTP/1.1\r\n";
  for (const Header& h : req.headers) {
    if (is_hop_by_hop(h.name, connection) || is_forwarded(h.name)) continue;
    append_header(out, h.name, h.value);
  }
  if (req.is_websocket_upgrade()) {
    append_header(out, "Connection", "Upgrade");
    append_header(out, "Upgrade", "websocket");
  }  // otherwise HTTP/1.1's default keep-alive: the connection may go back to the pool
  append_header(out, "X-Forwarded-For", client_ip);
  append_header(out, "X-Forwarded-Proto", "http");
  append_header(out, "X-Forwarded-Host", req.header("Host"));
  out += "\r\n";
  return out;
}

std::string downstream_response_head(const Response& resp, bool upgrade, bool close) {
  std::string connection = resp.header_list("Connection");
  std::string out = "HTTP/1.1 " + std::to_string(resp.status) + " ";
  out += resp.reason.empty() ? std::string(reason_phrase(resp.status)) : resp.reason;
  out += "\r\n";
  for (const Header& h : resp.headers) {
    if (!is_hop_by_hop(h.name, connection)) append_header(out, h.name, h.value);
  }
  if (upgrade) {
    append_header(out, "Connection", "Upgrade");
    std::string_view proto = resp.header("Upgrade");
    append_header(out, "Upgrade", proto.empty() ? "websocket" : proto);
  } else if (close) {
    append_header(out, "Connection", "close");
  }
  out += "\r\n";
  return out;
}

Proxy::Proxy(std::shared_ptr<Connection> conn, Request req, BackendUrl backend,
             std::chrono::milliseconds connect_timeout, BackendPool& pool)
    : conn_(std::move(conn)),
      client_(conn_->socket()),
      client_in_(conn_->buffer()),
      req_(std::move(req)),
      backend_(std::move(backend)),
      connect_timeout_(connect_timeout),
      resolver_(client_.get_executor()),
      upstream_(client_.get_executor()),
      timer_(client_.get_executor()),
      pool_(pool) {}

void Proxy::start() {
  upload_left_ = req_.body == BodyKind::length ? req_.content_length : 0;
  // Only bodiless requests ride a pooled connection: they can be retried if it turns out stale.
  if (req_.body == BodyKind::none && !req_.is_websocket_upgrade()) {
    if (auto idle = pool_.take()) {
      upstream_ = std::move(*idle);
      reused_ = true;
      return on_connected();
    }
  }
  connect();
}

bool Proxy::retry_fresh() {
  if (!reused_ || finished_ || response_started_ || !up_in_.empty()) return false;
  reused_ = false;
  boost::system::error_code ignored;
  upstream_.close(ignored);
  upstream_ = asio::ip::tcp::socket(client_.get_executor());
  connect();
  return true;
}

void Proxy::connect() {
  timer_.expires_after(connect_timeout_);
  timer_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
    if (ec || self->finished_) return;
    self->fail("The backend at " + self->backend_.text + " did not accept a connection in time.");
  });
  resolver_.async_resolve(
      backend_.host, backend_.port,
      [self = shared_from_this()](boost::system::error_code ec,
                                  asio::ip::tcp::resolver::results_type results) {
        if (self->finished_) return;
        if (ec)
          return self->fail("The backend at " + self->backend_.text + " cannot be resolved (" +
                            ec.message() + ").");
        asio::async_connect(self->upstream_, results,
                            [self](boost::system::error_code ec, const asio::ip::tcp::endpoint&) {
                              if (self->finished_) return;
                              self->timer_.cancel();
                              if (ec) {
                                return self->fail("The backend at " + self->backend_.text +
                                                  " is not reachable (" + ec.message() +
                                                  "). Is the framework's backend running?");
                              }
                              self->on_connected();
                            });
      });
}

void Proxy::stop() {
  if (finished_) return;
  finished_ = true;
  boost::system::error_code ignored;
  timer_.cancel();
  resolver_.cancel();
  upstream_.close(ignored);
}

void Proxy::fail(std::string why) {
  if (finished_) return;
  spdlog::warn("proxy: {} {}: {}", req_.method, req_.target, why);
  bool started = response_started_;
  stop();
  client_.cancel();
  if (started) return conn_->proxy_finished(false);
  Reply r = Reply::error(502, why);
  r.close = !req_.keep_alive() || (req_.body != BodyKind::none && !upload_done_) ||
            req_.is_websocket_upgrade();
  if (req_.method == "HEAD") r.head_only = true;
  conn_->proxy_failed(std::move(r));
}

void Proxy::finish(bool keep_alive) {
  if (finished_) return;
  stop();
  if (!keep_alive) client_.cancel();  // a pending upload or tunnel read must not outlive us
  conn_->proxy_finished(keep_alive);
}

void Proxy::on_connected() {
  boost::system::error_code ec;
  std::string ip = client_.remote_endpoint(ec).address().to_string();
  auto head = std::make_shared<const std::string>(upstream_request_head(req_, ec ? "" : ip));
  asio::async_write(
      upstream_, asio::buffer(*head),
      [self = shared_from_this(), head](boost::system::error_code ec, std::size_t) {
        if (self->finished_) return;
        if (ec) {
          if (self->retry_fresh()) return;
          return self->fail("The backend at " + self->backend_.text + " closed the connection.");
        }
        self->read_response_head();
        self->pump_upload();
      });
}

std::size_t Proxy::take_upload_bytes() {
  if (req_.body == BodyKind::length) {
    std::size_t n =
        static_cast<std::size_t>(std::min<std::uint64_t>(upload_left_, client_in_.size()));
    upload_left_ -= n;
    if (upload_left_ == 0) upload_done_ = true;
    return n;
  }
  ParseResult r = upload_chunked_.feed(client_in_);
  if (r.status == ParseStatus::bad) return kBadFraming;
  if (r.status == ParseStatus::good) upload_done_ = true;
  return r.consumed;
}

void Proxy::pump_upload() {
  if (req_.body == BodyKind::none || req_.is_websocket_upgrade()) {
    upload_done_ = true;
    return;
  }
  std::size_t n = take_upload_bytes();
  if (n == kBadFraming) return finish(false);
  if (n > 0) {
    auto chunk = std::make_shared<const std::string>(client_in_.substr(0, n));
    client_in_.erase(0, n);
    asio::async_write(
        upstream_, asio::buffer(*chunk),
        [self = shared_from_this(), chunk](boost::system::error_code ec, std::size_t) {
          if (self->finished_ || ec) return;  // the response side reports failures
          self->pump_upload();
        });
    return;
  }
  if (!upload_done_) read_client_body();
}

void Proxy::read_client_body() {
  client_.async_read_some(asio::buffer(client_chunk_),
                          [self = shared_from_this()](boost::system::error_code ec, std::size_t n) {
                            if (self->finished_) return;
                            if (ec) return self->finish(false);  // the client went away mid-upload
                            self->client_in_.append(self->client_chunk_.data(), n);
                            self->pump_upload();
                          });
}

void Proxy::read_response_head() {
  upstream_.async_read_some(asio::buffer(up_chunk_), [self = shared_from_this()](
                                                         boost::system::error_code ec,
                                                         std::size_t n) {
    if (self->finished_) return;
    if (ec) {
      if (self->retry_fresh()) return;
      return self->fail("The backend at " + self->backend_.text +
                        " closed the connection without answering (" + ec.message() + ").");
    }
    self->up_in_.append(self->up_chunk_.data(), n);
    Response resp;
    ParseResult r = parse_response(self->up_in_, resp);
    if (r.status == ParseStatus::need_more) return self->read_response_head();
    if (r.status == ParseStatus::bad) {
      return self->fail("The backend at " + self->backend_.text + " sent a malformed response.");
    }
    self->up_in_.erase(0, r.consumed);
    self->on_response_head(std::move(resp));
  });
}

void Proxy::on_response_head(Response resp) {
  bool upgrade = req_.is_websocket_upgrade();
  bool interim = resp.status >= 100 && resp.status < 200 && resp.status != 101;
  if (resp.status == 101 && !upgrade) {
    return fail("The backend at " + backend_.text + " switched protocols without being asked.");
  }
  std::string_view te = resp.header("Transfer-Encoding");
  std::string_view cl = resp.header("Content-Length");
  if (req_.method == "HEAD" || resp.status == 204 || resp.status == 304 || interim) {
    framing_ = Framing::none;
  } else if (!te.empty()) {
    std::string codings = resp.header_list("Transfer-Encoding");
    bool chunked_last = codings.size() >= 7 &&
                        iequals(std::string_view(codings).substr(codings.size() - 7), "chunked");
    framing_ = chunked_last ? Framing::chunked : Framing::until_close;
  } else if (!cl.empty()) {
    auto [end, ec] = std::from_chars(cl.data(), cl.data() + cl.size(), response_left_);
    if (ec != std::errc() || end != cl.data() + cl.size()) {
      return fail("The backend at " + backend_.text + " sent a bad Content-Length.");
    }
    framing_ = response_left_ > 0 ? Framing::length : Framing::none;
  } else {
    framing_ = resp.status == 101 ? Framing::none : Framing::until_close;
  }
  close_after_ = !req_.keep_alive() || framing_ == Framing::until_close || upgrade;
  backend_keep_alive_ = resp.version_minor == 1 && framing_ != Framing::until_close &&
                        !list_has_token(resp.header_list("Connection"), "close");
  response_started_ = true;
  auto head = std::make_shared<const std::string>(
      downstream_response_head(resp, resp.status == 101, close_after_ && !interim));
  asio::async_write(client_, asio::buffer(*head),
                    [self = shared_from_this(), head, interim, status = resp.status](
                        boost::system::error_code ec, std::size_t) {
                      if (self->finished_) return;
                      if (ec) return self->finish(false);
                      if (status == 101) return self->start_tunnel();
                      if (interim) return self->read_response_head();
                      self->relay_body();
                    });
}

std::size_t Proxy::take_response_bytes() {
  switch (framing_) {
    case Framing::none:
      response_complete_ = true;
      return 0;
    case Framing::length: {
      std::size_t n =
          static_cast<std::size_t>(std::min<std::uint64_t>(response_left_, up_in_.size()));
      response_left_ -= n;
      if (response_left_ == 0) response_complete_ = true;
      return n;
    }
    case Framing::chunked: {
      ParseResult r = response_chunked_.feed(up_in_);
      if (r.status == ParseStatus::bad) return kBadFraming;
      if (r.status == ParseStatus::good) response_complete_ = true;
      return r.consumed;
    }
    case Framing::until_close:
      return up_in_.size();
  }
  return 0;
}

void Proxy::relay_body() {
  std::size_t n = take_response_bytes();
  if (n == kBadFraming) return finish(false);
  if (n > 0) {
    auto chunk = std::make_shared<const std::string>(up_in_.substr(0, n));
    up_in_.erase(0, n);
    asio::async_write(
        client_, asio::buffer(*chunk),
        [self = shared_from_this(), chunk](boost::system::error_code ec, std::size_t) {
          if (self->finished_) return;
          if (ec) return self->finish(false);
          self->relay_body();
        });
    return;
  }
  if (response_complete_) {
    if (backend_keep_alive_ && upload_done_ && up_in_.empty()) pool_.give(std::move(upstream_));
    return finish(!close_after_ && upload_done_);
  }
  read_upstream_body();
}

void Proxy::read_upstream_body() {
  upstream_.async_read_some(
      asio::buffer(up_chunk_),
      [self = shared_from_this()](boost::system::error_code ec, std::size_t n) {
        if (self->finished_) return;
        if (ec) {
          // A body delimited by the close has ended; any other framing was cut short.
          if (self->framing_ == Framing::until_close && ec == asio::error::eof) {
            self->response_complete_ = true;
            self->framing_ = Framing::none;
            return self->relay_body();
          }
          return self->finish(false);
        }
        self->up_in_.append(self->up_chunk_.data(), n);
        self->relay_body();
      });
}

void Proxy::start_tunnel() {
  // Bytes that arrived with the heads belong to the tunnel: forward them first.
  auto to_upstream = std::make_shared<const std::string>(std::move(client_in_));
  auto to_client = std::make_shared<const std::string>(std::move(up_in_));
  client_in_.clear();
  up_in_.clear();
  asio::async_write(
      upstream_, asio::buffer(*to_upstream),
      [self = shared_from_this(), to_upstream](boost::system::error_code ec, std::size_t) {
        if (self->finished_) return;
        if (ec) return self->finish(false);
        self->tunnel_read(true);
      });
  asio::async_write(
      client_, asio::buffer(*to_client),
      [self = shared_from_this(), to_client](boost::system::error_code ec, std::size_t) {
        if (self->finished_) return;
        if (ec) return self->finish(false);
        self->tunnel_read(false);
      });
}

void Proxy::tunnel_read(bool from_client) {
  asio::ip::tcp::socket& from = from_client ? client_ : upstream_;
  auto& buf = from_client ? client_chunk_ : up_chunk_;
  from.async_read_some(asio::buffer(buf), [self = shared_from_this(), from_client](
                                              boost::system::error_code ec, std::size_t n) {
    if (self->finished_) return;
    if (ec) return self->finish(false);
    asio::ip::tcp::socket& to = from_client ? self->upstream_ : self->client_;
    auto& data = from_client ? self->client_chunk_ : self->up_chunk_;
    asio::async_write(to, asio::buffer(data.data(), n),
                      [self, from_client](boost::system::error_code ec, std::size_t) {
                        if (self->finished_) return;
                        if (ec) return self->finish(false);
                        self->tunnel_read(from_client);
                      });
  });
}

}  // namespace hr::server

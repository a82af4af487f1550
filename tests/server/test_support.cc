#include "test_support.h"

#include <boost/asio/post.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <random>
#include <stdexcept>

namespace hr::server::test {

ServerFixture::ServerFixture(Options options) {
  options.host = "127.0.0.1";
  options.port = 0;
  server_ = std::make_unique<Server>(io_, std::move(options));
  auto port = server_->start();
  if (!port) throw std::runtime_error(port.error().message);
  port_ = *port;
  thread_ = std::thread([this] { io_.run(); });
}

void ServerFixture::post(std::function<void()> fn) {
  boost::asio::post(io_, std::move(fn));
}

ServerFixture::~ServerFixture() {
  io_.stop();
  thread_.join();
  server_.reset();
}

std::string HttpResponse::header(const std::string& lower_name) const {
  auto it = headers.find(lower_name);
  return it == headers.end() ? std::string() : it->second;
}

Client::Client(std::uint16_t port) {
  fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd_);
    fd_ = -1;
  }
  int one = 1;
  if (fd_ >= 0) ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

Client::~Client() {
  if (fd_ >= 0) ::close(fd_);
}

bool Client::send(std::string_view bytes) {
  while (!bytes.empty()) {
    pollfd p{fd_, POLLOUT, 0};
    if (::poll(&p, 1, 3000) <= 0) return false;
    ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n <= 0) return false;
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

bool Client::fill(std::chrono::steady_clock::time_point deadline) {
  if (eof_ || fd_ < 0) return false;
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      deadline - std::chrono::steady_clock::now());
  if (left.count() <= 0) return false;
  pollfd p{fd_, POLLIN, 0};
  if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) return false;
  char tmp[16384];
  ssize_t n = ::recv(fd_, tmp, sizeof tmp, 0);
  if (n <= 0) {
    eof_ = true;
    return false;
  }
  buf_.append(tmp, static_cast<std::size_t>(n));
  return true;
}

namespace {

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string trim(std::string s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.erase(0, 1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.pop_back();
  return s;
}

void parse_head(const std::string& head, HttpResponse& r) {
  std::size_t eol = head.find("\r\n");
  r.status_line = head.substr(0, eol);
  if (r.status_line.size() >= 12) r.status = std::atoi(r.status_line.substr(9, 3).c_str());
  std::size_t pos = eol + 2;
  while (pos < head.size()) {
    std::size_t e = head.find("\r\n", pos);
    if (e == std::string::npos || e == pos) break;
    std::string line = head.substr(pos, e - pos);
    std::size_t colon = line.find(':');
    if (colon != std::string::npos) {
      r.headers.emplace(lower(line.substr(0, colon)), trim(line.substr(colon + 1)));
    }
    pos = e + 2;
  }
}

}  // namespace

HttpResponse Client::read_response(std::chrono::milliseconds timeout, bool head_only) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  HttpResponse r;
  std::size_t end;
  while ((end = buf_.find("\r\n\r\n")) == std::string::npos) {
    if (!fill(deadline)) return r;
  }
  parse_head(buf_.substr(0, end + 2), r);
  buf_.erase(0, end + 4);
  if (head_only || r.status == 101 || r.status == 204 || r.status == 304 || r.status < 200) {
    r.ok = true;
    return r;
  }
  if (lower(r.header("transfer-encoding")) == "chunked") {
    for (;;) {
      std::size_t eol;
      while ((eol = buf_.find("\r\n")) == std::string::npos) {
        if (!fill(deadline)) return r;
      }
      std::size_t size = std::stoul(buf_.substr(0, eol), nullptr, 16);
      while (buf_.size() < eol + 2 + size + 2) {
        if (!fill(deadline)) return r;
      }
      r.body += buf_.substr(eol + 2, size);
      buf_.erase(0, eol + 2 + size + 2);
      if (size == 0) break;
    }
    r.ok = true;
    return r;
  }
  if (r.has_header("content-length")) {
    std::size_t n = std::stoul(r.header("content-length"));
    while (buf_.size() < n) {
      if (!fill(deadline)) return r;
    }
    r.body = buf_.substr(0, n);
    buf_.erase(0, n);
    r.ok = true;
    return r;
  }
  while (fill(deadline)) {
  }
  r.body = std::move(buf_);
  buf_.clear();
  r.ok = eof_;
  return r;
}

std::string Client::read_until_close(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (fill(deadline)) {
  }
  std::string out = std::move(buf_);
  buf_.clear();
  return out;
}

bool Client::closed_within(std::chrono::milliseconds timeout) {
  read_until_close(timeout);
  return eof_;
}

std::string Client::read_some(std::chrono::milliseconds timeout) {
  if (buf_.empty()) fill(std::chrono::steady_clock::now() + timeout);
  std::string out = std::move(buf_);
  buf_.clear();
  return out;
}

bool Client::send_frame(int opcode, std::string_view payload, bool fin, bool masked) {
  std::string f;
  f += static_cast<char>((fin ? 0x80 : 0) | opcode);
  char mask_bit = masked ? static_cast<char>(0x80) : 0;
  if (payload.size() < 126) {
    f += static_cast<char>(mask_bit | static_cast<char>(payload.size()));
  } else if (payload.size() <= 0xFFFF) {
    f += static_cast<char>(mask_bit | 126);
    f += static_cast<char>(payload.size() >> 8);
    f += static_cast<char>(payload.size() & 0xFF);
  } else {
    f += static_cast<char>(mask_bit | 127);
    for (int s = 56; s >= 0; s -= 8) f += static_cast<char>((payload.size() >> s) & 0xFF);
  }
  static std::mt19937 rng(42);
  char key[4];
  for (char& k : key) k = static_cast<char>(rng() & 0xFF);
  if (masked) f.append(key, 4);
  for (std::size_t i = 0; i < payload.size(); ++i) {
    f += masked ? static_cast<char>(payload[i] ^ key[i & 3]) : payload[i];
  }
  return send(f);
}

Client::Frame Client::read_frame(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  Frame out;
  for (;;) {
    if (buf_.size() >= 2) {
      auto b0 = static_cast<unsigned char>(buf_[0]);
      auto b1 = static_cast<unsigned char>(buf_[1]);
      std::size_t len = b1 & 0x7F;
      std::size_t pos = 2;
      bool have = true;
      if (len == 126) {
        have = buf_.size() >= 4;
        if (have)
          len = (static_cast<unsigned char>(buf_[2]) << 8) | static_cast<unsigned char>(buf_[3]);
        pos = 4;
      } else if (len == 127) {
        have = buf_.size() >= 10;
        if (have) {
          len = 0;
          for (int i = 0; i < 8; ++i) len = (len << 8) | static_cast<unsigned char>(buf_[2 + i]);
        }
        pos = 10;
      }
      if (have && buf_.size() >= pos + len) {
        out.opcode = b0 & 0x0F;
        out.fin = (b0 & 0x80) != 0;
        out.payload = buf_.substr(pos, len);
        buf_.erase(0, pos + len);
        return out;
      }
    }
    if (!fill(deadline)) return out;
  }
}

HttpResponse http(std::uint16_t port, std::string_view raw, bool head_only) {
  Client c(port);
  c.send(raw);
  return c.read_response(3000ms, head_only);
}

std::string get(std::string_view target, std::string_view extra_headers) {
  std::string out = "GET " + std::string(target) + " HTTP/1.1\r\nHost: localhost\r\n";
  out += extra_headers;
  out += "\r\n";
  return out;
}

WsOpen ws_connect(std::uint16_t port, std::string_view path, std::string_view extra_headers) {
  WsOpen out;
  out.client = std::make_unique<Client>(port);
  std::string req = "GET " + std::string(path) +
                    " HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n";
  req += extra_headers;
  req += "\r\n";
  out.client->send(req);
  out.handshake = out.client->read_response();
  return out;
}

}  // namespace hr::server::test

#include "orchestrator/control.h"

#include <spdlog/spdlog.h>

#include <optional>

#include <boost/asio/read_until.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>
#include <boost/json/serialize.hpp>

namespace hr::orch {

namespace asio = boost::asio;
using local = asio::local::stream_protocol;

namespace {

// One connection: read a line, hand it over, write the reply, close.
struct Session : std::enable_shared_from_this<Session> {
  explicit Session(local::socket s) : socket(std::move(s)) {}
  local::socket socket;
  asio::streambuf in{1 << 20};  // a request is a path and a few flags; 1 MiB is generous
  std::string out;

  void start(const ControlServer::Handler& handler) {
    asio::async_read_until(
        socket, in, '\n', [self = shared_from_this(), handler](auto ec, size_t n) {
          if (ec) return;
          std::string line(asio::buffers_begin(self->in.data()),
                           asio::buffers_begin(self->in.data()) + n);
          line.pop_back();
          handler(line, [self](std::string reply) {
            self->out = std::move(reply) + "\n";
            asio::async_write(self->socket, asio::buffer(self->out), [self](auto, size_t) {
              boost::system::error_code ignored;
              self->socket.shutdown(local::socket::shutdown_both, ignored);
            });
          });
        });
  }
};

}  // namespace

ControlServer::ControlServer(asio::io_context& io, Handler handler)
    : io_(io), handler_(std::move(handler)), acceptor_(io) {}

Result<void> ControlServer::listen(const std::filesystem::path& path) {
  if (control_alive(path)) return fail("another hr-orchestrate already serves " + path.string());
  std::error_code ignored;
  std::filesystem::remove(path, ignored);
  boost::system::error_code ec;
  acceptor_.open(local(), ec);
  if (!ec) acceptor_.bind(local::endpoint(path.string()), ec);
  if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return fail("cannot listen on " + path.string() + ": " + ec.message());
  path_ = path;
  accept();
  return {};
}

void ControlServer::accept() {
  acceptor_.async_accept([this](boost::system::error_code ec, local::socket s) {
    if (ec == asio::error::operation_aborted) return;
    if (!ec) std::make_shared<Session>(std::move(s))->start(handler_);
    accept();
  });
}

void ControlServer::close() {
  boost::system::error_code ec;
  acceptor_.close(ec);
  if (!path_.empty()) {
    std::error_code ignored;
    std::filesystem::remove(path_, ignored);
  }
}

bool control_alive(const std::filesystem::path& socket) {
  asio::io_context io;
  local::socket s(io);
  boost::system::error_code ec;
  s.connect(local::endpoint(socket.string()), ec);
  return !ec;
}

Result<std::string> control_call(const std::filesystem::path& socket,
                                 const std::string& request_line,
                                 std::chrono::milliseconds timeout) {
  asio::io_context io;
  local::socket s(io);
  boost::system::error_code ec;
  s.connect(local::endpoint(socket.string()), ec);
  if (ec)
    return fail("cannot reach the hr-orchestrate server at " + socket.string() + ": " +
                ec.message());
  std::string out = request_line + "\n";
  asio::write(s, asio::buffer(out), ec);
  if (ec) return fail("sending to the hr-orchestrate server failed: " + ec.message());
  asio::streambuf in;
  std::optional<boost::system::error_code> read_ec;
  size_t n = 0;
  asio::async_read_until(s, in, '\n', [&](auto e, size_t len) {
    read_ec = e;
    n = len;
  });
  io.run_for(timeout);
  if (!read_ec)
    return fail("the hr-orchestrate server did not answer within " +
                std::to_string(timeout.count()) + " ms");
  if (*read_ec)
    return fail("the hr-orchestrate server closed the connection: " + read_ec->message());
  std::string line(asio::buffers_begin(in.data()), asio::buffers_begin(in.data()) + n);
  line.pop_back();
  return line;
}

std::optional<std::string> protocol_mismatch(const boost::json::object& request,
                                             const std::filesystem::path& manifest) {
  namespace json = boost::json;
  const json::value* v = request.if_contains("protocol");
  if (!v || (v->is_int64() && v->as_int64() == kControlProtocol)) return std::nullopt;
  const std::string theirs = v->is_int64() ? std::to_string(v->as_int64()) : json::serialize(*v);
  const std::string ours = std::to_string(kControlProtocol);
  return json::serialize(json::object{
      {"action", "error"},
      {"error", "protocol"},
      {"protocol", kControlProtocol},
      {"reason", "control protocol mismatch: this hr-orchestrate server speaks version " + ours +
                     ", the request version " + theirs +
                     "; stop the server (hr-orchestrate stop --manifest " + manifest.string() +
                     ") and let the client start one of its own version"}});
}

std::chrono::steady_clock::time_point call_started(const boost::json::object& request) {
  using Clock = std::chrono::steady_clock;
  const auto now = Clock::now();
  const boost::json::value* sent = request.if_contains("sent_at_ns");
  if (!sent || !sent->is_int64()) return now;
  const Clock::time_point at{std::chrono::nanoseconds(sent->as_int64())};
  return at <= now && now - at < std::chrono::seconds(60) ? at : now;
}

}  // namespace hr::orch

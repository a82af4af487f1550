// The single-port proxy against a real backend process (node, tests/server/backend.js): HTTP,
// chunked responses, uploads (Content-Length and chunked), WebSocket echo through the tunnel,
// header rewriting, Reflex's backend paths, and a backend that is down.
#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <thread>

#include "test_support.h"

extern char** environ;

using namespace hr::server;
using namespace hr::server::test;

namespace {

// The node backend, alive for the test case that created it.
class Backend {
 public:
  Backend() {
    int in[2], out[2];
    REQUIRE(::pipe(in) == 0);
    REQUIRE(::pipe(out) == 0);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, in[0], 0);
    posix_spawn_file_actions_adddup2(&actions, out[1], 1);
    posix_spawn_file_actions_addclose(&actions, in[1]);
    posix_spawn_file_actions_addclose(&actions, out[0]);
    const char* argv[] = {HR_NODE, HR_BACKEND_JS, nullptr};
    REQUIRE(posix_spawn(&pid_, HR_NODE, &actions, nullptr, const_cast<char**>(argv), environ) == 0);
    posix_spawn_file_actions_destroy(&actions);
    ::close(in[0]);
    ::close(out[1]);
    stdin_ = in[1];
    stdout_ = out[0];
    std::string line;
    pollfd p{stdout_, POLLIN, 0};
    while (line.find('\n') == std::string::npos && ::poll(&p, 1, 10000) > 0) {
      char buf[64];
      ssize_t n = ::read(stdout_, buf, sizeof buf);
      if (n <= 0) break;
      line.append(buf, static_cast<std::size_t>(n));
    }
    REQUIRE(line.find('\n') != std::string::npos);
    port_ = static_cast<std::uint16_t>(std::stoi(line));
  }
  ~Backend() {
    ::close(stdin_);
    ::kill(pid_, SIGTERM);
    ::waitpid(pid_, nullptr, 0);
    ::close(stdout_);
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

 private:
  pid_t pid_ = 0;
  int stdin_ = -1, stdout_ = -1;
  std::uint16_t port_ = 0;
};

Options with_backend(const std::string& url) {
  Options o;
  o.backend = url;
  return o;
}

// A port nothing listens on: bind, read the port, close.
std::uint16_t dead_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

boost::json::object seen_headers(const HttpResponse& r) {
  return boost::json::parse(r.body).as_object().at("headers").as_object();
}

}  // namespace

TEST_CASE("proxy: requests the server does not serve reach the backend") {
  Backend backend;
  ServerFixture s(with_backend(backend.url()));
  HttpResponse r = http(s.port(), get("/hello"));
  CHECK(r.status_line == "HTTP/1.1 200 OK");
  CHECK(r.body == "hello from backend");
  CHECK(r.header("x-backend") == "yes");
  HttpResponse missing = http(s.port(), get("/api/nothing?x=1"));
  CHECK(missing.status_line == "HTTP/1.1 404 Not Found");
  CHECK(missing.body == "backend 404 /api/nothing?x=1");
}

TEST_CASE("proxy: X-Forwarded-* are overwritten and hop-by-hop headers removed") {
  Backend backend;
  ServerFixture s(with_backend(backend.url()));
  HttpResponse r =
      http(s.port(), get("/headers",
                         "X-Forwarded-For: 6.6.6.6\r\nX-Forwarded-Host: evil.com\r\n"
                         "X-Forwarded-Proto: https\r\nConnection: keep-alive, X-Secret-Hop\r\n"
                         "X-Secret-Hop: 1\r\nKeep-Alive: 300\r\nTE: trailers\r\n"
                         "X-End-To-End: kept\r\n"));
  REQUIRE(r.status == 200);
  auto h = seen_headers(r);
  CHECK(h.at("x-forwarded-for").as_string() == "127.0.0.1");
  CHECK(h.at("x-forwarded-host").as_string() == "localhost");
  CHECK(h.at("x-forwarded-proto").as_string() == "http");
  CHECK(h.at("x-end-to-end").as_string() == "kept");
  CHECK(h.at("host").as_string() == "localhost");
  CHECK_FALSE(h.contains("connection"));  // the client's Connection list is hop-by-hop
  CHECK_FALSE(h.contains("x-secret-hop"));
  CHECK_FALSE(h.contains("keep-alive"));
  CHECK_FALSE(h.contains("te"));
}

TEST_CASE("proxy: backend connections are kept alive and reused") {
  Backend backend;
  ServerFixture s(with_backend(backend.url()));
  HttpResponse first = http(s.port(), get("/headers"));
  HttpResponse second = http(s.port(), get("/headers"));  // another client connection
  REQUIRE(first.status == 200);
  REQUIRE(second.status == 200);
  auto port = [](const HttpResponse& r) {
    return boost::json::parse(r.body).as_object().at("remotePort").as_int64();
  };
  CHECK(port(first) == port(second));
}

TEST_CASE("proxy: a pooled connection the backend closed is not used; the request still works") {
  Backend backend;
  ServerFixture s(with_backend(backend.url()));
  CHECK(http(s.port(), get("/short-lived")).body == "short");
  std::this_thread::sleep_for(300ms);  // the backend has closed it by now
  for (int i = 0; i < 3; ++i) CHECK(http(s.port(), get("/hello")).body == "hello from backend");
}

TEST_CASE("proxy: a chunked response streams through, without the backend's hop-by-hop headers") {
  Backend backend;
  ServerFixture s(with_backend(backend.url()));
  Client c(s.port());
  c.send(get("/chunked"));
  HttpResponse r = c.read_response();
  CHECK(r.status == 200);
  CHECK(r.header("transfer-encoding") == "chunked");
  CHECK(r.body == "part0;part1;part2;");
  CHECK_FALSE(r.has_header("keep-alive"));
  c.send(get("/ping"));  // the client connection stays usable
  CHECK(c.read_response().body == "pong");
}

TEST_CASE("proxy: uploads with Content-Length and chunked bodies pass through") {
  Backend backend;
  ServerFixture s(with_backend(backend.url()));
  std::string body(300 * 1024, 'u');
  for (std::size_t i = 0; i < body.size(); i += 97) body[i] = static_cast<char>('a' + i % 26);
  Client c(s.port());
  c.send("POST /_upload HTTP/1.1\r\nHost: localhost\r\nContent-Length: " +
         std::to_string(body.size()) + "\r\n\r\n" + body);
  HttpResponse r = c.read_response(10000ms);
  CHECK(r.status == 200);
  CHECK(r.header("x-received-bytes") == std::to_string(body.size()));
  CHECK(r.body == body);
  c.send(
      "POST /echo HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n"
      "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n" +
      get("/ping"));  // pipelined after the body
  HttpResponse chunked = c.read_response();
  CHECK(chunked.status == 200);
  CHECK(chunked.header("x-request-chunked") == "true");
  CHECK(chunked.body == "hello world");
  CHECK(c.read_response().body == "pong");
}

TEST_CASE("proxy: a body delimited by close is relayed and the connection closes") {
  Backend backend;
  ServerFixture s(with_backend(backend.url()));
  Client c(s.port());
  c.send(get("/close-delimited"));
  HttpResponse r = c.read_response();
  CHECK(r.status == 200);
  CHECK(r.body == "until close");
  CHECK(r.header("connection") == "close");
}

TEST_CASE("proxy: a backend dying mid-body closes the client connection; the server stays up") {
  Backend backend;
  ServerFixture s(with_backend(backend.url()));
  Client c(s.port());
  c.send(get("/truncated"));
  HttpResponse r = c.read_response();
  CHECK(r.status == 200);
  CHECK_FALSE(r.ok);  // 10 of 100 bytes, then the connection closed
  CHECK(c.closed_within(2000ms));
  CHECK(http(s.port(), get("/ping")).body == "pong");
}

TEST_CASE("proxy: a client leaving during a streamed response does not disturb the server") {
  Backend backend;
  ServerFixture s(with_backend(backend.url()));
  {
    Client c(s.port());
    c.send(get("/slow-stream"));
    HttpResponse head = c.read_response(3000ms, true);
    CHECK(head.status == 200);
    CHECK(c.read_some(1000ms).find("data: tick") != std::string::npos);
  }  // closed mid-stream
  CHECK(http(s.port(), get("/ping")).body == "pong");
}

TEST_CASE("proxy: pipelined local and proxied requests are answered in order") {
  Backend backend;
  ServerFixture s(with_backend(backend.url()));
  Site site;
  site.modules["/m.js"] = make_asset("export const m = 1;");
  s.server().publish(site);
  Client c(s.port());
  c.send(get("/m.js") + get("/hello") + get("/m.js") + get("/ping"));
  CHECK(c.read_response().body == "export const m = 1;");
  CHECK(c.read_response().body == "hello from backend");
  CHECK(c.read_response().body == "export const m = 1;");
  CHECK(c.read_response().body == "pong");
}

TEST_CASE("proxy: Expect: 100-continue gets the backend's interim answer before the body") {
  Backend backend;
  ServerFixture s(with_backend(backend.url()));
  Client c(s.port());
  c.send(
      "POST /echo HTTP/1.1\r\nHost: localhost\r\nContent-Length: 5\r\nExpect: "
      "100-continue\r\n\r\n");
  HttpResponse interim = c.read_response();
  CHECK(interim.status_line == "HTTP/1.1 100 Continue");
  c.send("abcde");
  HttpResponse r = c.read_response();
  CHECK(r.status == 200);
  CHECK(r.body == "abcde");
}

TEST_CASE("proxy: WebSocket upgrades become a tunnel after the backend's 101") {
  Backend backend;
  ServerFixture s(with_backend(backend.url()));
  WsOpen ws = ws_connect(s.port(), "/_event", "Origin: http://localhost\r\n");
  REQUIRE(ws.handshake.status_line == "HTTP/1.1 101 Switching Protocols");
  CHECK(ws.handshake.header("upgrade") == "websocket");
  CHECK(ws.handshake.header("x-seen-forwarded-for") == "127.0.0.1");
  ws.client->send_frame(0x1, "state delta");
  Client::Frame f = ws.client->read_frame();
  CHECK(f.opcode == 0x1);
  CHECK(f.payload == "echo:state delta");
  ws.client->send_frame(0x1, "again");
  CHECK(ws.client->read_frame().payload == "echo:again");
  ws.client->send_frame(0x8, std::string("\x03\xe8", 2));
  CHECK(ws.client->read_frame().opcode == 0x8);
  CHECK(ws.client->closed_within(3000ms));
  CHECK(s.server().client_count() == 0);  // not an HMR client
}

TEST_CASE("proxy: the HMR path is matched first and never proxied") {
  Backend backend;
  ServerFixture s(with_backend(backend.url()));
  WsOpen ws = ws_connect(s.port(), "/@hr/ws");
  REQUIRE(ws.handshake.status_line == "HTTP/1.1 101 Switching Protocols");
  CHECK(ws.client->read_frame().payload == R"({"type":"connected"})");
  CHECK(http(s.port(), get("/@hr/ws")).status == 426);
}

TEST_CASE("proxy: Reflex's backend paths go to the backend even for navigations") {
  Backend backend;
  ServerFixture s(with_backend(backend.url()));
  Site site;
  site.html = "<html><head></head></html>";
  s.server().publish(site);
  CHECK(http(s.port(), get("/ping", "Accept: text/html\r\n")).body == "pong");
  HttpResponse health = http(s.port(), get("/_health", "Accept: text/html\r\n"));
  CHECK(health.header("content-type") == "application/json");
  CHECK(http(s.port(), get("/some/page", "Accept: text/html\r\n")).body.find("<html>") == 0);
}

TEST_CASE("proxy: a backend that is down gets a 502 naming its URL; the server stays up") {
  std::string url = "http://127.0.0.1:" + std::to_string(dead_port());
  ServerFixture s(with_backend(url));
  Site site;
  site.modules["/m.js"] = make_asset("export {}");
  s.server().publish(site);
  Client c(s.port());
  c.send(get("/api/data"));
  HttpResponse r = c.read_response();
  CHECK(r.status_line == "HTTP/1.1 502 Bad Gateway");
  CHECK(r.body.find(url) != std::string::npos);
  c.send(get("/m.js"));  // same connection still served
  CHECK(c.read_response().status == 200);
  HttpResponse upload =
      http(s.port(), "POST /_upload HTTP/1.1\r\nHost: localhost\r\nContent-Length: 3\r\n\r\nabc");
  CHECK(upload.status == 502);
  WsOpen ws = ws_connect(s.port(), "/_event");
  CHECK(ws.handshake.status == 502);
  CHECK(http(s.port(), get("/m.js")).status == 200);
}

TEST_CASE("proxy: with no backend configured, a clear 502") {
  ServerFixture s;
  HttpResponse r = http(s.port(), get("/api"));
  CHECK(r.status_line == "HTTP/1.1 502 Bad Gateway");
  CHECK(r.body.find("No backend is configured") != std::string::npos);
}

TEST_CASE("proxy: the backend can be set while the server runs") {
  Backend backend;
  ServerFixture s;
  CHECK(http(s.port(), get("/hello")).status == 502);
  REQUIRE(s.server().set_backend(backend.url()).has_value());
  HttpResponse r;
  for (int i = 0; i < 100 && r.status != 200; ++i) r = http(s.port(), get("/hello"));
  CHECK(r.body == "hello from backend");
  CHECK(s.server().set_backend("ftp://x").has_error());
  REQUIRE(s.server().set_backend("").has_value());
  for (int i = 0; i < 100 && r.status != 502; ++i) r = http(s.port(), get("/hello"));
  CHECK(r.status == 502);
}

TEST_CASE("proxy: a malformed backend URL is refused at start") {
  boost::asio::io_context io;
  Options o;
  o.backend = "https://127.0.0.1:8000";
  Server server(io, o);
  auto started = server.start();
  REQUIRE(started.has_error());
  CHECK(started.error().message.find("https://127.0.0.1:8000") != std::string::npos);
}

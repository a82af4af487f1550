// The HMR WebSocket over real sockets: RFC 6455 handshake, Vite's `connected` message, masked
// and fragmented client frames, ping/pong, the close handshake, protocol errors, broadcast, and
// a slow client being dropped without holding back the others.
#include <catch2/catch.hpp>

#include <boost/asio/post.hpp>

#include <sys/socket.h>

#include <atomic>
#include <future>
#include <mutex>
#include <thread>
#include <vector>

#include "test_support.h"

using namespace hr::server;
using namespace hr::server::test;

namespace {

constexpr int kText = 0x1, kBinary = 0x2, kCont = 0x0, kClose = 0x8, kPing = 0x9, kPong = 0xA;

// Opens an HMR client and reads the `connected` message.
std::unique_ptr<Client> hmr_client(std::uint16_t port) {
  WsOpen ws = ws_connect(port, "/@hr/ws");
  REQUIRE(ws.handshake.status_line == "HTTP/1.1 101 Switching Protocols");
  Client::Frame hello = ws.client->read_frame();
  REQUIRE(hello.opcode == kText);
  REQUIRE(hello.payload == R"({"type":"connected"})");
  return std::move(ws.client);
}

int close_code(const Client::Frame& f) {
  if (f.payload.size() < 2) return -1;
  return (static_cast<unsigned char>(f.payload[0]) << 8) | static_cast<unsigned char>(f.payload[1]);
}

// The server's next frame closes the connection with `code`.
void check_closes_with(Client& c, int code) {
  Client::Frame f = c.read_frame();
  CHECK(f.opcode == kClose);
  CHECK(close_code(f) == code);
}

template <class Pred>
bool eventually(Pred pred, std::chrono::milliseconds limit = 3000ms) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (pred()) return true;
    std::this_thread::sleep_for(1ms);
  }
  return pred();
}

struct Inbox {
  std::mutex mutex;
  std::vector<std::pair<std::uint64_t, std::string>> messages;
  std::size_t size() {
    std::lock_guard lock(mutex);
    return messages.size();
  }
};

}  // namespace

TEST_CASE("websocket: handshake answers 101 with the RFC 6455 accept key and says connected") {
  ServerFixture s;
  WsOpen ws = ws_connect(s.port(), "/@hr/ws", "Sec-WebSocket-Protocol: vite-hmr, other\r\n");
  REQUIRE(ws.handshake.status_line == "HTTP/1.1 101 Switching Protocols");
  CHECK(ws.handshake.header("sec-websocket-accept") == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
  CHECK(ws.handshake.header("sec-websocket-protocol") == "vite-hmr");
  Client::Frame f = ws.client->read_frame();
  CHECK(f.opcode == kText);
  CHECK(f.payload == R"({"type":"connected"})");
  CHECK(eventually([&] { return s.server().client_count() == 1; }));
}

TEST_CASE("websocket: bad handshakes are refused") {
  ServerFixture s;
  HttpResponse plain = http(s.port(), get("/@hr/ws"));
  CHECK(plain.status_line == "HTTP/1.1 426 Upgrade Required");
  Client c(s.port());
  c.send(
      "GET /@hr/ws HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
      "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 8\r\n\r\n");
  HttpResponse v8 = c.read_response();
  CHECK(v8.status_line == "HTTP/1.1 426 Upgrade Required");
  CHECK(v8.header("sec-websocket-version") == "13");
  Client k(s.port());
  k.send(
      "GET /@hr/ws HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
      "Sec-WebSocket-Key: short\r\nSec-WebSocket-Version: 13\r\n\r\n");
  CHECK(k.read_response().status_line == "HTTP/1.1 400 Bad Request");
}

TEST_CASE("websocket: masked and fragmented client messages reach the callback") {
  ServerFixture s;
  Inbox inbox;
  s.server().on_client_message([&](std::uint64_t id, const std::string& text) {
    std::lock_guard lock(inbox.mutex);
    inbox.messages.emplace_back(id, text);
  });
  auto c = hmr_client(s.port());
  c->send_frame(kText, R"({"type":"custom","event":"hr:ack"})");
  c->send_frame(kText, R"({"type":"custom",)", false);
  c->send_frame(kPing, "between fragments");
  Client::Frame pong = c->read_frame();
  CHECK(pong.opcode == kPong);
  CHECK(pong.payload == "between fragments");
  c->send_frame(kCont, R"("event":"vite:invalidate",)", false);
  c->send_frame(kCont, R"("data":{"path":"/a.jsx"}})", true);
  REQUIRE(eventually([&] { return inbox.size() == 2; }));
  std::lock_guard lock(inbox.mutex);
  CHECK(inbox.messages[0].second == R"({"type":"custom","event":"hr:ack"})");
  CHECK(inbox.messages[1].second ==
        R"({"type":"custom","event":"vite:invalidate","data":{"path":"/a.jsx"}})");
  CHECK(inbox.messages[0].first == inbox.messages[1].first);
}

TEST_CASE("websocket: a client that connects is announced and can be sent to alone") {
  ServerFixture s;
  std::atomic<std::uint64_t> announced{0};
  s.server().on_client_connect([&](std::uint64_t id) {
    announced = id;
    s.server().send(id, R"({"type":"error","err":{"message":"standing error"}})");
  });
  auto first = hmr_client(s.port());
  REQUIRE(eventually([&] { return announced.load() != 0; }));
  Client::Frame f = first->read_frame();
  CHECK(f.payload == R"({"type":"error","err":{"message":"standing error"}})");
  s.server().on_client_connect(nullptr);
  auto second = hmr_client(s.port());
  s.server().send(announced.load(), R"({"type":"custom","event":"only-first"})");
  CHECK(first->read_frame().payload == R"({"type":"custom","event":"only-first"})");
  CHECK(second->read_frame(300ms).opcode == -1);
}

TEST_CASE("websocket: a client whose connection ends is announced as gone, once") {
  ServerFixture s;
  std::atomic<std::uint64_t> connected{0}, gone{0};
  std::atomic<int> gone_calls{0};
  s.server().on_client_connect([&](std::uint64_t id) { connected = id; });
  s.server().on_client_disconnect([&](std::uint64_t id) {
    gone = id;
    ++gone_calls;
  });
  auto c = hmr_client(s.port());
  REQUIRE(eventually([&] { return connected.load() != 0; }));
  CHECK(gone_calls.load() == 0);
  c.reset();  // the page goes: its socket closes
  REQUIRE(eventually([&] { return gone.load() == connected.load(); }));
  std::this_thread::sleep_for(100ms);
  CHECK(gone_calls.load() == 1);
}

TEST_CASE("websocket: ping gets pong with the same payload") {
  ServerFixture s;
  auto c = hmr_client(s.port());
  c->send_frame(kPing, "abc");
  Client::Frame f = c->read_frame();
  CHECK(f.opcode == kPong);
  CHECK(f.payload == "abc");
}

TEST_CASE("websocket: the close handshake is answered and the connection closes") {
  ServerFixture s;
  auto c = hmr_client(s.port());
  REQUIRE(eventually([&] { return s.server().client_count() == 1; }));
  c->send_frame(kClose, std::string("\x03\xe8", 2));
  check_closes_with(*c, 1000);
  CHECK(c->closed_within(2000ms));
  CHECK(eventually([&] { return s.server().client_count() == 0; }));
}

TEST_CASE("websocket: an unmasked client frame is a protocol error (close 1002)") {
  ServerFixture s;
  auto c = hmr_client(s.port());
  c->send_frame(kText, "not masked", true, false);
  check_closes_with(*c, 1002);
  CHECK(c->closed_within(3000ms));
}

TEST_CASE("websocket: a continuation without a start is a protocol error (close 1002)") {
  ServerFixture s;
  auto c = hmr_client(s.port());
  c->send_frame(kCont, "orphan");
  check_closes_with(*c, 1002);
}

TEST_CASE("websocket: a message over the size limit closes with 1009") {
  Options o;
  o.ws_max_message = 1024;
  ServerFixture s(o);
  auto c = hmr_client(s.port());
  c->send_frame(kBinary, std::string(2000, 'x'));
  check_closes_with(*c, 1009);
}

TEST_CASE("websocket: invalid UTF-8 text closes with 1007") {
  ServerFixture s;
  auto c = hmr_client(s.port());
  c->send_frame(kText, "\xff\xfe");
  check_closes_with(*c, 1007);
}

TEST_CASE("websocket: a broadcast reaches every client") {
  ServerFixture s;
  std::vector<std::unique_ptr<Client>> clients;
  for (int i = 0; i < 5; ++i) clients.push_back(hmr_client(s.port()));
  REQUIRE(eventually([&] { return s.server().client_count() == 5; }));
  std::string msg =
      R"({"type":"update","updates":[{"type":"js-update","path":"/a.jsx","acceptedPath":"/a.jsx","timestamp":1}]})";
  s.server().broadcast(msg);
  s.server().broadcast(R"({"type":"full-reload","reason":"entries changed"})");
  for (auto& c : clients) {
    Client::Frame a = c->read_frame();
    CHECK(a.opcode == kText);
    CHECK(a.payload == msg);
    CHECK(c->read_frame().payload == R"({"type":"full-reload","reason":"entries changed"})");
  }
}

TEST_CASE("websocket: a message leaves as it is sent, not after the handlers queued behind it") {
  // A message sent right after another (an update after its hr:urls, once) waited for the first
  // write's completion, queued after the handlers the server had posted in between.
  ServerFixture s;
  auto c = hmr_client(s.port());
  REQUIRE(eventually([&] { return s.server().client_count() == 1; }));
  struct Seen {
    std::atomic<int> received{0};
    std::atomic<bool> checked{false}, both_arrived{false};
  };
  auto seen = std::make_shared<Seen>();
  std::thread reader([&c, seen] {
    for (int i = 0; i < 2 && c->read_frame(5000ms).opcode == kText; ++i) ++seen->received;
  });
  // The server's thread held while the two messages and the check queue up behind each other.
  std::promise<void> gate;
  s.post([opened = gate.get_future().share()] { opened.wait(); });
  s.server().broadcast(R"({"n":1})");
  s.server().broadcast(R"({"n":2})");
  s.post([seen] {
    seen->both_arrived = eventually([&] { return seen->received.load() == 2; }, 2000ms);
    seen->checked = true;
  });
  gate.set_value();
  reader.join();  // both frames, or 5 s without one
  CHECK(eventually([&] { return seen->checked.load(); }, 5000ms));
  CHECK(seen->both_arrived.load());
  CHECK(seen->received.load() == 2);
}

TEST_CASE("websocket: a client that stops reading is dropped; the others keep receiving") {
  Options o;
  o.ws_max_queue_bytes = 256 * 1024;
  ServerFixture s(o);
  auto slow = hmr_client(s.port());
  int small = 4096;
  ::setsockopt(slow->fd(), SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
  auto fast = hmr_client(s.port());
  REQUIRE(eventually([&] { return s.server().client_count() == 2; }));
  std::string big(64 * 1024, 'x');
  std::atomic<std::size_t> received{0};
  std::thread reader([&] {
    for (;;) {
      Client::Frame f = fast->read_frame(3000ms);
      if (f.opcode != kText) break;
      ++received;
    }
  });
  // Paced like a busy dev session: each message goes out once the reading client has the last
  // one, so only the client that stopped reading falls behind. 25 MiB in all: far beyond what
  // the socket buffers and the queue bound can hold for it.
  const std::size_t kMessages = 400;
  for (std::size_t i = 0; i < kMessages; ++i) {
    s.server().broadcast(R"({"type":"custom","data":")" + big + "\"}");
    if (!eventually([&] { return received.load() == i + 1; }, 3000ms)) break;
  }
  CHECK(received.load() == kMessages);
  CHECK(eventually([&] { return s.server().client_count() == 1; }, 5000ms));
  ::shutdown(fast->fd(), SHUT_RDWR);  // ends the reader
  reader.join();
  std::string rest = slow->read_until_close(5000ms);
  INFO("slow client read " << rest.size() << " bytes after the drop");
  CHECK(slow->closed_within(100ms));
}

TEST_CASE("websocket: stopping the server sends close 1001") {
  boost::asio::io_context io;
  Server server(io, Options{});
  auto port = server.start();
  REQUIRE(port.has_value());
  std::thread t([&] { io.run(); });
  auto c = hmr_client(*port);
  REQUIRE(eventually([&] { return server.client_count() == 1; }));
  boost::asio::post(io, [&] { server.stop(); });
  check_closes_with(*c, 1001);
  c.reset();
  t.join();  // run() returns once every connection and timer is gone
}

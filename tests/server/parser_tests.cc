// The pure pieces: request parser, chunked framing, path check, host check, WebSocket codec.
#include <catch2/catch.hpp>

#include "server/chunked_parser.h"
#include "server/host_check.h"
#include "server/path_check.h"
#include "server/request_parser.h"
#include "server/response_parser.h"
#include "server/router.h"
#include "server/ws_frame.h"
#include "server/ws_message.h"

using namespace hr::server;

namespace {
ParseResult parse(std::string_view s, Request& r) {
  return parse_request(s, r);
}
int bad_status(std::string_view s) {
  Request r;
  ParseResult p = parse(s, r);
  return p.status == ParseStatus::bad ? p.error : 0;
}
}  // namespace

TEST_CASE("request parser: a complete head is good, a prefix needs more") {
  std::string head = "GET /a?b=1 HTTP/1.1\r\nHost: localhost:3000\r\nAccept: text/html\r\n\r\nNEXT";
  Request r;
  ParseResult p = parse(head, r);
  REQUIRE(p.status == ParseStatus::good);
  CHECK(p.consumed == head.size() - 4);
  CHECK(r.method == "GET");
  CHECK(r.target == "/a?b=1");
  CHECK(r.path() == "/a");
  CHECK(r.header("host") == "localhost:3000");
  CHECK(r.keep_alive());
  for (std::size_t n = 0; n + 4 < head.size(); ++n) {
    Request partial;
    CHECK(parse(head.substr(0, n), partial).status == ParseStatus::need_more);
  }
}

TEST_CASE("request parser: the limits and answers of a real server") {
  CHECK(bad_status("GET /" + std::string(9000, 'a') + " HTTP/1.1\r\n") == 414);
  CHECK(bad_status("GET /" + std::string(9000, 'a')) == 414);
  std::string big = "GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(17000, 'a') + "\r\n\r\n";
  CHECK(bad_status(big) == 431);
  std::string many = "GET / HTTP/1.1\r\nHost: x\r\n";
  for (int i = 0; i < 101; ++i) many += "X-" + std::to_string(i) + ": 1\r\n";
  CHECK(bad_status(many + "\r\n") == 431);
  CHECK(bad_status("GET / HTTP/1.1\r\n\r\n") == 400);  // no Host
  CHECK(bad_status("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n") == 400);
  CHECK(bad_status("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nTransfer-Encoding: "
                   "chunked\r\n\r\n") == 400);
  CHECK(bad_status("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\n\r\n") == 501);
  CHECK(bad_status("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n") ==
        501);
  CHECK(bad_status("BREW / HTTP/1.1\r\nHost: a\r\n\r\n") == 501);
  CHECK(bad_status("GET / HTTP/2.0\r\nHost: a\r\n\r\n") == 505);
  CHECK(bad_status("GET / HTTP/1.1\r\nHost: a\r\n folded\r\n\r\n") == 400);
  CHECK(bad_status("GET / HTTP/1.1\r\nHost : a\r\n\r\n") == 400);
  CHECK(bad_status("GET / HTTP/1.1\r\nHost: a\nX: b\r\n\r\n") == 400);
  CHECK(bad_status(
            "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n") == 400);
  CHECK(bad_status("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: -1\r\n\r\n") == 400);
  CHECK(bad_status("GET  / HTTP/1.1\r\nHost: a\r\n\r\n") == 400);
  CHECK(bad_status(std::string("\x16\x03\x01\x02\x00", 5)) == 400);  // TLS hello: at once
}

TEST_CASE("request parser: body framing") {
  Request r;
  REQUIRE(parse("POST /u HTTP/1.1\r\nHost: a\r\nContent-Length: 12\r\n\r\n", r).status ==
          ParseStatus::good);
  CHECK(r.body == BodyKind::length);
  CHECK(r.content_length == 12);
  REQUIRE(parse("POST /u HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: Chunked\r\n\r\n", r).status ==
          ParseStatus::good);
  CHECK(r.body == BodyKind::chunked);
  REQUIRE(parse("GET / HTTP/1.0\r\n\r\n", r).status == ParseStatus::good);
  CHECK_FALSE(r.keep_alive());
}

TEST_CASE("chunked parser: finds the end of the body in any split") {
  std::string body = "5\r\nhello\r\n3;ext=1\r\nabc\r\n0\r\nTrailer: x\r\n\r\n";
  for (std::size_t split = 0; split <= body.size(); ++split) {
    ChunkedParser p;
    ParseResult a = p.feed(std::string_view(body).substr(0, split));
    REQUIRE(a.status != ParseStatus::bad);
    if (a.status == ParseStatus::good) {
      CHECK(a.consumed == body.size());
      continue;
    }
    ParseResult b = p.feed(std::string_view(body).substr(split));
    REQUIRE(b.status == ParseStatus::good);
    CHECK(b.consumed == body.size() - split);
  }
  ChunkedParser next;
  CHECK(next.feed("0\r\n\r\nGET").consumed == 5);
  ChunkedParser bad;
  CHECK(bad.feed("zz\r\n").status == ParseStatus::bad);
}

TEST_CASE("response parser: status line and headers") {
  Response r;
  ParseResult p = parse_response("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n", r);
  REQUIRE(p.status == ParseStatus::good);
  CHECK(r.status == 404);
  CHECK(r.reason == "Not Found");
  CHECK(parse_response("SSH-2.0\r\n\r\n", r).status == ParseStatus::bad);
}

TEST_CASE("path check: the refusal matrix") {
  CHECK(check_target("/a/b.js?x=../../etc").path == "/a/b.js");
  CHECK(check_target("/a/./b/../c.js").path == "/a/c.js");
  CHECK(check_target("/%61pp.js").path == "/app.js");
  CHECK(check_target("/dir/").path == "/dir/");
  CHECK(check_target("/").path == "/");
  CHECK(check_target("/a#b").status == 400);
  CHECK(check_target("/a\\b").status == 400);
  CHECK(check_target("/a%5cb").status == 400);
  CHECK(check_target("/a%5Cb").status == 400);
  CHECK(check_target("/a%00b").status == 400);
  CHECK(check_target("/%2e%2e/etc/passwd").status == 400);
  CHECK(check_target("/a/%2E%2E/b").status == 400);
  CHECK(check_target("/.%2e/x").status == 400);
  CHECK(check_target("/a%2fb").status == 400);
  CHECK(check_target("/file.txt::$DATA").status == 400);
  CHECK(check_target("/a%3a%3a$DATA").status == 400);
  CHECK(check_target("/../etc/passwd").status == 403);
  CHECK(check_target("/a/../../etc/passwd").status == 403);
  CHECK(check_target("/%zz").status == 400);
  CHECK(check_target("/%4").status == 400);
  CHECK(check_target("http://evil/").status == 400);
  CHECK(check_target("*").status == 400);
}

TEST_CASE("host check: localhost, *.localhost, IP literals and configured names only") {
  HostCheck h({"myapp.test", ".dev.example"});
  CHECK(h.host_allowed("localhost"));
  CHECK(h.host_allowed("localhost:3000"));
  CHECK(h.host_allowed("LOCALHOST:3000"));
  CHECK(h.host_allowed("app.localhost:3000"));
  CHECK(h.host_allowed("127.0.0.1:3000"));
  CHECK(h.host_allowed("192.168.1.20"));
  CHECK(h.host_allowed("[::1]:3000"));
  CHECK(h.host_allowed("myapp.test"));
  CHECK(h.host_allowed("a.dev.example:1"));
  CHECK_FALSE(h.host_allowed("evil.com"));
  CHECK_FALSE(h.host_allowed("evil.com:3000"));
  CHECK_FALSE(h.host_allowed("localhost.evil.com"));
  CHECK_FALSE(h.host_allowed("127.0.0.1.nip.io"));
  CHECK_FALSE(h.host_allowed("1.2.3.4.5"));
  CHECK_FALSE(h.host_allowed("256.0.0.1"));
  CHECK_FALSE(h.host_allowed("[::1"));
  CHECK_FALSE(h.host_allowed("[evil]:80"));
  CHECK_FALSE(h.host_allowed("localhost:abc"));
  CHECK_FALSE(h.host_allowed(""));
  CHECK_FALSE(h.host_allowed("myapp.test.evil"));
  CHECK(h.origin_allowed("", "localhost:3000"));
  CHECK(h.origin_allowed("http://localhost:3000", "localhost:3000"));
  CHECK_FALSE(h.origin_allowed("http://evil.com", "localhost:3000"));
  CHECK_FALSE(h.origin_allowed("http://localhost:4000", "localhost:3000"));
  CHECK_FALSE(h.origin_allowed("null", "localhost:3000"));
}

TEST_CASE("websocket frames: masked client frames decode, unmasked are a protocol error") {
  std::string frame = {static_cast<char>(0x81), static_cast<char>(0x85), 1, 2, 3, 4};
  std::string text = "hello";
  for (std::size_t i = 0; i < text.size(); ++i)
    frame += static_cast<char>(text[i] ^ "\x01\x02\x03\x04"[i % 4]);
  WsFrame f;
  ParseResult p = decode_ws_frame(frame, 1024, f);
  REQUIRE(p.status == ParseStatus::good);
  CHECK(f.payload == "hello");
  CHECK(f.opcode == WsOpcode::text);
  CHECK(decode_ws_frame(frame.substr(0, 7), 1024, f).status == ParseStatus::need_more);
  std::string unmasked = {static_cast<char>(0x81), 0x01, 'a'};
  CHECK(decode_ws_frame(unmasked, 1024, f).error == 1002);
  std::string rsv = {static_cast<char>(0xC1), static_cast<char>(0x80), 0, 0, 0, 0};
  CHECK(decode_ws_frame(rsv, 1024, f).error == 1002);
  std::string big_ping = {static_cast<char>(0x89), static_cast<char>(0xFE), 0, 126};
  CHECK(decode_ws_frame(big_ping, 1024, f).error == 1002);
  std::string too_big = {static_cast<char>(0x82), static_cast<char>(0xFE), 0x10, 0x00};
  CHECK(decode_ws_frame(too_big, 1024, f).error == 1009);
  CHECK(ws_accept_key("dGhlIHNhbXBsZSBub25jZQ==") ==
        "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");  // RFC 6455 1.3
}

TEST_CASE("websocket messages: fragments, sizes and UTF-8") {
  WsMessageAssembler a(8);
  CHECK(a.add(WsFrame{false, WsOpcode::text, "ab"}) == WsMessageAssembler::Outcome::partial);
  CHECK(a.add(WsFrame{true, WsOpcode::continuation, "cd"}) == WsMessageAssembler::Outcome::message);
  CHECK(a.message() == "abcd");
  CHECK(a.add(WsFrame{true, WsOpcode::continuation, "x"}) == WsMessageAssembler::Outcome::error);
  CHECK(a.close_code() == 1002);
  WsMessageAssembler b(4);
  CHECK(b.add(WsFrame{false, WsOpcode::text, "abc"}) == WsMessageAssembler::Outcome::partial);
  CHECK(b.add(WsFrame{true, WsOpcode::continuation, "de"}) == WsMessageAssembler::Outcome::error);
  CHECK(b.close_code() == 1009);
  WsMessageAssembler c(16);
  CHECK(c.add(WsFrame{true, WsOpcode::text, "\xC0\xAF"}) == WsMessageAssembler::Outcome::error);
  CHECK(c.close_code() == 1007);
  CHECK(valid_utf8("h\xC3\xA9llo \xE2\x82\xAC \xF0\x9F\x98\x80"));
  CHECK_FALSE(valid_utf8("\xED\xA0\x80"));
  CHECK_FALSE(valid_utf8("\xE2\x82"));
}

TEST_CASE("the HMR client is injected before any other script") {
  CHECK(inject_client("<html><head><script src=/a.js></script></head>", "/@hr/client.js") ==
        "<html><head><script type=\"module\" src=\"/@hr/client.js\"></script><script "
        "src=/a.js></script></head>");
  CHECK(
      inject_client("<head><title>x</title></head><body></body>", "/c.js") ==
      "<head><title>x</title><script type=\"module\" src=\"/c.js\"></script></head><body></body>");
  CHECK(inject_client("<p>hi</p>", "/c.js") ==
        "<script type=\"module\" src=\"/c.js\"></script><p>hi</p>");
  CHECK(inject_client("<HEAD><SCRIPT>1</SCRIPT>", "/c.js").find("/c.js\"></script><SCRIPT>") !=
        std::string::npos);
}

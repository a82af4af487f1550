// Every security rule of the dev server over real sockets, each asserting the status line.
// Models: Vite's fs-serve.spec.ts matrix and esbuild's serveHostCheckIPv4 / backslash tests.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include "test_support.h"

using namespace hr::server;
using namespace hr::server::test;
namespace fs = std::filesystem;

namespace {

std::string get_host(std::string_view target, std::string_view host) {
  return "GET " + std::string(target) + " HTTP/1.1\r\nHost: " + std::string(host) + "\r\n\r\n";
}

// A public folder next to a secret file, a dotfile, and a symlink pointing outside.
struct PublicTree {
  fs::path base = fs::temp_directory_path() / ("hr-server-sec-" + std::to_string(::getpid()));
  fs::path pub = base / "public";
  PublicTree() {
    fs::create_directories(pub / "sub");
    std::ofstream(base / "secret.txt") << "TOP SECRET";
    std::ofstream(pub / "ok.txt") << "fine";
    std::ofstream(pub / ".env") << "API_KEY=1";
    std::ofstream(pub / "sub" / "a.txt") << "sub a";
    fs::create_symlink(base / "secret.txt", pub / "link.txt");
  }
  ~PublicTree() { fs::remove_all(base); }
};

// Server options that serve `tree`'s public folder.
Options serving(const PublicTree& tree) {
  Options o;
  o.public_dir = tree.pub;
  return o;
}

Site site_with_module() {
  Site s;
  s.modules["/app/root.jsx"] = make_asset("export {}");
  s.html = "<html><head></head></html>";
  s.client_js = "//client";
  return s;
}

}  // namespace

TEST_CASE("host allow-list: DNS rebinding names get 403, local names and IP literals pass") {
  Options o;
  o.allowed_hosts = {"myapp.test"};
  ServerFixture s(o);
  s.server().publish(site_with_module());
  const char* allowed[] = {"localhost",      "localhost:5173", "app.localhost:5173", "127.0.0.1",
                           "127.0.0.1:5173", "[::1]:5173",     "10.0.0.7:80",        "myapp.test"};
  for (const char* host : allowed) {
    INFO(host);
    CHECK(http(s.port(), get_host("/app/root.jsx", host)).status_line == "HTTP/1.1 200 OK");
  }
  const char* refused[] = {"evil.com",         "evil.com:5173",       "localhost.evil.com",
                           "127.0.0.1.nip.io", "attacker.myapp.test", "[evil]",
                           "local host"};
  for (const char* host : refused) {
    INFO(host);
    CHECK(http(s.port(), get_host("/app/root.jsx", host)).status_line == "HTTP/1.1 403 Forbidden");
  }
}

TEST_CASE("host allow-list applies to WebSocket upgrades too") {
  ServerFixture s;
  Client c(s.port());
  c.send(
      "GET /@hr/ws HTTP/1.1\r\nHost: evil.com\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
      "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");
  CHECK(c.read_response().status_line == "HTTP/1.1 403 Forbidden");
  CHECK(s.server().client_count() == 0);
}

TEST_CASE(
    "origin check: WebSocket upgrades from a foreign Origin are refused before the handshake") {
  ServerFixture s;
  WsOpen evil = ws_connect(s.port(), "/@hr/ws", "Origin: http://evil.com\r\n");
  CHECK(evil.handshake.status_line == "HTTP/1.1 403 Forbidden");
  WsOpen other_port = ws_connect(s.port(), "/@hr/ws", "Origin: http://localhost:9999\r\n");
  CHECK(other_port.handshake.status_line == "HTTP/1.1 403 Forbidden");
  WsOpen null_origin = ws_connect(s.port(), "/@hr/ws", "Origin: null\r\n");
  CHECK(null_origin.handshake.status_line == "HTTP/1.1 403 Forbidden");
  WsOpen proxied = ws_connect(s.port(), "/_event", "Origin: http://evil.com\r\n");
  CHECK(proxied.handshake.status_line == "HTTP/1.1 403 Forbidden");
  WsOpen same = ws_connect(s.port(), "/@hr/ws", "Origin: http://localhost\r\n");
  CHECK(same.handshake.status_line == "HTTP/1.1 101 Switching Protocols");
}

TEST_CASE("cross-site no-cors loads of modules get 403") {
  ServerFixture s;
  s.server().publish(site_with_module());
  std::string cross =
      "Sec-Fetch-Site: cross-site\r\nSec-Fetch-Mode: no-cors\r\nSec-Fetch-Dest: script\r\n";
  CHECK(http(s.port(), get("/app/root.jsx", cross)).status_line == "HTTP/1.1 403 Forbidden");
  CHECK(http(s.port(), get("/@hr/client.js", cross)).status_line == "HTTP/1.1 403 Forbidden");
  CHECK(s.server().requested_modules().empty());  // a refused load is not "loaded by a browser"
  std::string same = "Sec-Fetch-Site: same-origin\r\nSec-Fetch-Mode: cors\r\n";
  CHECK(http(s.port(), get("/app/root.jsx", same)).status_line == "HTTP/1.1 200 OK");
  std::string cross_cors = "Sec-Fetch-Site: cross-site\r\nSec-Fetch-Mode: cors\r\n";
  HttpResponse r = http(s.port(), get("/app/root.jsx", cross_cors));
  CHECK(r.status == 200);
  CHECK_FALSE(r.has_header("access-control-allow-origin"));  // no CORS: the browser blocks the read
}

TEST_CASE("request targets: #, backslash, NUL, encoded dots, colons and root escapes are refused") {
  PublicTree tree;
  ServerFixture s(serving(tree));
  s.server().publish(site_with_module());
  struct Case {
    const char* target;
    const char* status_line;
  };
  const Case cases[] = {
      {"/ok.txt", "HTTP/1.1 200 OK"},
      {"/sub/a.txt", "HTTP/1.1 200 OK"},
      {"/sub/../ok.txt", "HTTP/1.1 200 OK"},
      {"/ok.txt#frag", "HTTP/1.1 400 Bad Request"},
      {"/ok.txt#/../../secret.txt", "HTTP/1.1 400 Bad Request"},
      {"/.env/.", "HTTP/1.1 403 Forbidden"},
      {"/.env\\", "HTTP/1.1 400 Bad Request"},
      {"/../unsafe.html", "HTTP/1.1 403 Forbidden"},
      {"/ok.txt%23x/../../secret.txt", "HTTP/1.1 403 Forbidden"},
      {"/sub\\..\\..\\secret.txt", "HTTP/1.1 400 Bad Request"},
      {"/sub%5c..%5c..%5csecret.txt", "HTTP/1.1 400 Bad Request"},
      {"/ok.txt%00.js", "HTTP/1.1 400 Bad Request"},
      {"/%2e%2e/secret.txt", "HTTP/1.1 400 Bad Request"},
      {"/sub/%2E%2E/%2E%2E/secret.txt", "HTTP/1.1 400 Bad Request"},
      {"/.%2e/secret.txt", "HTTP/1.1 400 Bad Request"},
      {"/..%2fsecret.txt", "HTTP/1.1 400 Bad Request"},
      {"/ok.txt::$DATA", "HTTP/1.1 400 Bad Request"},
      {"/ok.txt%3a%3a$DATA", "HTTP/1.1 400 Bad Request"},
      {"/../secret.txt", "HTTP/1.1 403 Forbidden"},
      {"/sub/../../secret.txt", "HTTP/1.1 403 Forbidden"},
      {"/../../../../../../etc/passwd", "HTTP/1.1 403 Forbidden"},
      {"/.env", "HTTP/1.1 403 Forbidden"},
      {"/sub/../.env", "HTTP/1.1 403 Forbidden"},
      {"/link.txt", "HTTP/1.1 403 Forbidden"},
      {"/%zz", "HTTP/1.1 400 Bad Request"},
      {"http://localhost/ok.txt", "HTTP/1.1 400 Bad Request"},
  };
  for (const Case& c : cases) {
    INFO(c.target);
    HttpResponse r = http(s.port(), get(c.target));
    CHECK(r.status_line == c.status_line);
    CHECK(r.body.find("TOP SECRET") == std::string::npos);
    CHECK(r.body.find("API_KEY") == std::string::npos);
  }
}

TEST_CASE("query strings never change which file the access check sees") {
  PublicTree tree;
  ServerFixture s(serving(tree));
  s.server().publish(site_with_module());
  const char* cases[] = {"/.env?import", "/.env?raw", "/.env?.js", "/.env?/../ok.txt",
                         "/link.txt?t=1"};
  for (const char* target : cases) {
    INFO(target);
    HttpResponse r = http(s.port(), get(target));
    CHECK(r.status_line == "HTTP/1.1 403 Forbidden");
  }
  HttpResponse ok = http(s.port(), get("/ok.txt?/../../secret.txt"));
  CHECK(ok.status_line == "HTTP/1.1 200 OK");
  CHECK(ok.body == "fine");
  HttpResponse mod = http(s.port(), get("/app/root.jsx?/../../../secret.txt"));
  CHECK(mod.body == "export {}");
}

TEST_CASE("nothing outside the public folder is readable, whatever the target looks like") {
  PublicTree tree;
  ServerFixture s(serving(tree));
  const char* cases[] = {"/secret.txt", "/public/../secret.txt", "//secret.txt", "/./secret.txt"};
  for (const char* target : cases) {
    INFO(target);
    HttpResponse r = http(s.port(), get(target, "Accept: text/html\r\n"));
    CHECK(r.status != 200);
    CHECK(r.body.find("TOP SECRET") == std::string::npos);
  }
}

// HTTP/1.1 over real sockets: every limit answers with its status line, keep-alive and
// pipelining keep order, and published content is served with the right caching headers.
#include <catch2/catch.hpp>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <thread>
#include <vector>

#include "test_support.h"

using namespace hr::server;
using namespace hr::server::test;

namespace {

Site small_site() {
  Site site;
  site.modules["/app/root.jsx"] = make_asset("export const root = 1;\n");
  site.modules["/styles/global.css"] = make_asset("/* css as js */", "application/javascript");
  site.deps["/@deps/react-abc123.js"] = make_asset("export default 'react';");
  site.html =
      "<!doctype html><html><head><script type=\"module\" "
      "src=\"/app/entry.js\"></script></head></html>";
  site.client_js = "console.log('hmr client');";
  return site;
}

}  // namespace

TEST_CASE("limits: a request line over 8 KiB gets 414") {
  ServerFixture s;
  HttpResponse r =
      http(s.port(), "GET /" + std::string(9 * 1024, 'a') + " HTTP/1.1\r\nHost: localhost\r\n\r\n");
  CHECK(r.status_line == "HTTP/1.1 414 URI Too Long");
}

TEST_CASE("limits: headers over 16 KiB get 431") {
  ServerFixture s;
  HttpResponse r = http(s.port(), get("/", "X-Big: " + std::string(17 * 1024, 'b') + "\r\n"));
  CHECK(r.status_line == "HTTP/1.1 431 Request Header Fields Too Large");
}

TEST_CASE("limits: more than 100 header lines get 431") {
  ServerFixture s;
  std::string extra;
  for (int i = 0; i < 101; ++i) extra += "X-H" + std::to_string(i) + ": v\r\n";
  CHECK(http(s.port(), get("/", extra)).status_line ==
        "HTTP/1.1 431 Request Header Fields Too Large");
  std::string hundred;
  for (int i = 0; i < 99; ++i) hundred += "X-H" + std::to_string(i) + ": v\r\n";
  CHECK(http(s.port(), get("/", hundred)).status != 431);  // Host + 99 = 100 lines: allowed
}

TEST_CASE("limits: a head that does not arrive within the header timeout gets 408") {
  Options o;
  o.header_timeout = std::chrono::milliseconds(200);
  ServerFixture s(o);
  Client c(s.port());
  c.send("GET / HTTP/1.1\r\nHost: localhost\r\n");  // never finished: slowloris
  HttpResponse r = c.read_response(3000ms);
  CHECK(r.status_line == "HTTP/1.1 408 Request Timeout");
  CHECK(c.closed_within(2000ms));
}

TEST_CASE("limits: an idle keep-alive connection is closed after the header timeout") {
  Options o;
  o.header_timeout = std::chrono::milliseconds(200);
  ServerFixture s(o);
  Client c(s.port());
  CHECK(c.closed_within(2000ms));
}

TEST_CASE("limits: trickling bytes does not extend the header timeout") {
  Options o;
  o.header_timeout = std::chrono::milliseconds(300);
  ServerFixture s(o);
  Client c(s.port());
  c.send("GET / HTTP/1.1\r\n");
  for (int i = 0; i < 6; ++i) {
    std::this_thread::sleep_for(100ms);
    c.send("X: y\r\n");
  }
  CHECK(c.read_response(2000ms).status == 408);
}

TEST_CASE("limits: Content-Length with Transfer-Encoding gets 400") {
  ServerFixture s;
  HttpResponse r = http(s.port(),
                        "POST /x HTTP/1.1\r\nHost: localhost\r\nContent-Length: 5\r\n"
                        "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n");
  CHECK(r.status_line == "HTTP/1.1 400 Bad Request");
}

TEST_CASE("limits: an unknown transfer coding gets 501") {
  ServerFixture s;
  HttpResponse r =
      http(s.port(), "POST /x HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: gzip\r\n\r\n");
  CHECK(r.status_line == "HTTP/1.1 501 Not Implemented");
}

TEST_CASE("limits: a missing Host gets 400") {
  ServerFixture s;
  CHECK(http(s.port(), "GET / HTTP/1.1\r\n\r\n").status_line == "HTTP/1.1 400 Bad Request");
}

TEST_CASE("limits: an unknown method gets 501") {
  ServerFixture s;
  CHECK(http(s.port(), "BREW /pot HTTP/1.1\r\nHost: localhost\r\n\r\n").status_line ==
        "HTTP/1.1 501 Not Implemented");
}

TEST_CASE("limits: garbage gets 400 and the connection closes") {
  ServerFixture s;
  Client c(s.port());
  c.send(std::string("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 11));  // a TLS hello
  CHECK(c.read_response().status_line == "HTTP/1.1 400 Bad Request");
  CHECK(c.closed_within(2000ms));
}

TEST_CASE("modules: served from memory with ETag, no-cache, and 304 on If-None-Match") {
  ServerFixture s;
  s.server().publish(small_site());
  HttpResponse r = http(s.port(), get("/app/root.jsx"));
  REQUIRE(r.status_line == "HTTP/1.1 200 OK");
  CHECK(r.body == "export const root = 1;\n");
  CHECK(r.header("content-type") == "application/javascript");
  CHECK(r.header("cache-control") == "no-cache");
  CHECK(r.header("x-content-type-options") == "nosniff");
  CHECK_FALSE(r.has_header("access-control-allow-origin"));
  std::string etag = r.header("etag");
  REQUIRE(etag.size() > 2);
  HttpResponse again = http(s.port(), get("/app/root.jsx", "If-None-Match: " + etag + "\r\n"));
  CHECK(again.status_line == "HTTP/1.1 304 Not Modified");
  CHECK(again.body.empty());
  CHECK(again.header("etag") == etag);
  HttpResponse other = http(s.port(), get("/app/root.jsx", "If-None-Match: \"nope\"\r\n"));
  CHECK(other.status == 200);
}

TEST_CASE("modules: the query string is ignored for lookup and the URL is recorded as requested") {
  ServerFixture s;
  s.server().publish(small_site());
  CHECK(s.server().requested_modules().empty());
  HttpResponse r = http(s.port(), get("/app/root.jsx?t=1712345"));
  CHECK(r.status == 200);
  CHECK(r.body == "export const root = 1;\n");
  auto requested = s.server().requested_modules();
  CHECK(requested.count("/app/root.jsx") == 1);
  CHECK(requested.size() == 1);
}

TEST_CASE("generated: made at each request, uncached JSON, ahead of a module at the same path") {
  ServerFixture s;
  Site site = small_site();
  site.modules["/@hr/status"] = make_asset("{\"published\":true}", "application/json");
  s.server().publish(site);
  std::atomic<int> asked{0};
  s.server().generated("/@hr/status",
                       [&] { return "{\"asked\":" + std::to_string(++asked) + "}"; });
  // generated() takes effect on the io thread; a request after it has run sees it.
  HttpResponse r;
  for (int i = 0; i < 50 && r.body != "{\"asked\":1}"; ++i) {
    asked = 0;
    r = http(s.port(), get("/@hr/status"));
  }
  REQUIRE(r.body == "{\"asked\":1}");
  CHECK(r.header("content-type") == "application/json");
  CHECK(r.header("cache-control") == "no-store");
  CHECK(http(s.port(), get("/@hr/status?x=1")).body == "{\"asked\":2}");
  CHECK(http(s.port(), get("/app/root.jsx")).body == "export const root = 1;\n");
}

TEST_CASE("modules: a new publish replaces the content and the ETag") {
  ServerFixture s;
  s.server().publish(small_site());
  std::string etag1 = http(s.port(), get("/app/root.jsx")).header("etag");
  Site next = small_site();
  next.modules["/app/root.jsx"] = make_asset("export const root = 2;\n");
  s.server().publish(next);
  HttpResponse r = http(s.port(), get("/app/root.jsx", "If-None-Match: " + etag1 + "\r\n"));
  CHECK(r.status == 200);
  CHECK(r.body == "export const root = 2;\n");
  CHECK(r.header("etag") != etag1);
}

namespace {

// publish_changes() is applied on the io thread; a request may be answered just before it.
HttpResponse get_until(std::uint16_t port, const std::string& path, const std::string& body) {
  HttpResponse r;
  for (int i = 0; i < 100; ++i) {
    r = http(port, get(path, "Accept: text/html\r\n"));
    if (r.body.find(body) != std::string::npos) break;
    std::this_thread::sleep_for(10ms);
  }
  return r;
}

}  // namespace

std::string client_tag() {
  return "<script type=\"module\" src=\"/@hr/client.js?v=" +
         hr::server::content_token("console.log('hmr client');") + "\"></script>";
}

TEST_CASE("modules: publish_changes replaces, adds and removes modules and the shell") {
  ServerFixture s;
  s.server().publish(small_site());
  SiteChanges changes;
  changes.modules.emplace_back("/app/root.jsx", make_asset("export const root = 2;\n"));
  changes.modules.emplace_back("/app/new.jsx", make_asset("export const added = 1;\n"));
  changes.modules.emplace_back("/styles/global.css", nullptr);
  changes.html = "<!doctype html><html><head><title>v2</title></head></html>";
  s.server().publish_changes(std::move(changes));
  CHECK(get_until(s.port(), "/app/new.jsx", "export const added = 1;\n").status == 200);
  CHECK(http(s.port(), get("/app/root.jsx")).body == "export const root = 2;\n");
  CHECK(http(s.port(), get("/styles/global.css")).status != 200);
  HttpResponse shell = get_until(s.port(), "/page", "<title>v2</title>");
  CHECK(shell.body.find(client_tag()) != std::string::npos);
  CHECK(http(s.port(), get("/@deps/react-abc123.js")).status == 200);  // untouched
  CHECK(http(s.port(), get("/@hr/client.js")).body == "console.log('hmr client');");
}

TEST_CASE("modules: the URL that names a module's bytes (?v=<its token>) is immutable") {
  ServerFixture s;
  Site site = small_site();
  site.modules["/app/named.jsx"] =
      make_asset("export const n = 1;\n", "application/javascript", "0123abcd");
  s.server().publish(std::move(site));
  CHECK(http(s.port(), get("/app/named.jsx?v=0123abcd")).header("cache-control") ==
        "max-age=31536000, immutable");
  CHECK(http(s.port(), get("/app/named.jsx?x=1&v=0123abcd")).header("cache-control") ==
        "max-age=31536000, immutable");
  // Another token (a page asking for an older version) gets today's bytes, to be revalidated.
  HttpResponse old = http(s.port(), get("/app/named.jsx?v=0123abce"));
  CHECK(old.body == "export const n = 1;\n");
  CHECK(old.header("cache-control") == "no-cache");
  CHECK(http(s.port(), get("/app/named.jsx?v=0123abcd0")).header("cache-control") == "no-cache");
  CHECK(http(s.port(), get("/app/named.jsx")).header("cache-control") == "no-cache");
  CHECK(http(s.port(), get("/app/root.jsx?v=")).header("cache-control") == "no-cache");
}

TEST_CASE("deps: served immutable under their prefix, 404 when unknown, never proxied") {
  ServerFixture s;
  s.server().publish(small_site());
  HttpResponse r = http(s.port(), get("/@deps/react-abc123.js"));
  CHECK(r.status == 200);
  CHECK(r.header("cache-control") == "max-age=31536000, immutable");
  CHECK(http(s.port(), get("/@deps/nope.js")).status_line == "HTTP/1.1 404 Not Found");
}

TEST_CASE("shell: navigations get the HTML with the client injected first; HEAD has no body") {
  ServerFixture s;
  s.server().publish(small_site());
  HttpResponse r =
      http(s.port(), get("/blog/hello", "Accept: text/html,application/xhtml+xml\r\n"));
  REQUIRE(r.status == 200);
  CHECK(r.header("content-type") == "text/html; charset=utf-8");
  std::size_t client = r.body.find(client_tag());
  std::size_t entry = r.body.find("/app/entry.js");
  REQUIRE(client != std::string::npos);
  CHECK(client < entry);
  HttpResponse js = http(s.port(), get("/@hr/client.js"));
  CHECK(js.status == 200);
  CHECK(js.body == "console.log('hmr client');");
  CHECK(js.header("cache-control") == "no-cache");
  // At the URL the shell names, the client's bytes are kept for good.
  const std::string token = hr::server::content_token("console.log('hmr client');");
  HttpResponse named = http(s.port(), get("/@hr/client.js?v=" + token));
  CHECK(named.body == js.body);
  CHECK(named.header("cache-control") == "max-age=31536000, immutable");
  Client c(s.port());
  c.send("HEAD /blog HTTP/1.1\r\nHost: localhost\r\nAccept: text/html\r\n\r\n");
  HttpResponse head = c.read_response(3000ms, true);
  CHECK(head.status == 200);
  CHECK(std::stoul(head.header("content-length")) == r.body.size());
  CHECK(c.read_some(200ms).empty());
}

TEST_CASE("keep-alive: several requests on one connection; pipelined answers come in order") {
  ServerFixture s;
  s.server().publish(small_site());
  Client c(s.port());
  c.send(get("/app/root.jsx") + get("/@deps/nope.js") + get("/@deps/react-abc123.js") +
         "GET /app/root.jsx HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
  CHECK(c.read_response().status == 200);
  CHECK(c.read_response().status == 404);
  HttpResponse third = c.read_response();
  CHECK(third.body == "export default 'react';");
  HttpResponse fourth = c.read_response();
  CHECK(fourth.status == 200);
  CHECK(fourth.header("connection") == "close");
  CHECK(c.closed_within(2000ms));
}

TEST_CASE("HTTP/1.0 closes unless it asks for keep-alive") {
  ServerFixture s;
  s.server().publish(small_site());
  Client c(s.port());
  c.send("GET /app/root.jsx HTTP/1.0\r\n\r\n");
  CHECK(c.read_response().status == 200);
  CHECK(c.closed_within(2000ms));
}

TEST_CASE("public folder: files are served; missing files fall through") {
  auto dir =
      std::filesystem::temp_directory_path() / ("hr-server-public-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir / "img");
  std::ofstream(dir / "robots.txt") << "User-agent: *";
  std::ofstream(dir / "img" / "logo.svg") << "<svg/>";
  Options o;
  o.public_dir = dir;
  ServerFixture s(o);
  HttpResponse r = http(s.port(), get("/robots.txt"));
  CHECK(r.status == 200);
  CHECK(r.body == "User-agent: *");
  CHECK(r.header("content-type") == "text/plain; charset=utf-8");
  HttpResponse svg = http(s.port(), get("/img/logo.svg?v=2"));
  CHECK(svg.status == 200);
  CHECK(svg.header("content-type") == "image/svg+xml");
  CHECK(http(s.port(), get("/img/missing.png")).status == 502);  // not ours: proxy, no backend
  std::filesystem::remove_all(dir);
}

TEST_CASE(
    "on demand: the shell waits for the entries' build, then tells of the navigation; a plain "
    "GET / is no navigation") {
  ServerFixture s;
  s.server().publish(small_site());
  std::mutex m;
  std::vector<std::string> built, navigated;
  Server::OnDemand hooks;
  hooks.unbuilt = [](std::string_view) { return false; };
  hooks.waits = [&](std::string_view p) {
    std::lock_guard lock(m);
    return p == kShellPath && built.empty();  // the entries are built by the first build
  };
  hooks.build = [&](std::string p, std::function<void()> ready) {
    {
      std::lock_guard lock(m);
      built.push_back(p);
      CHECK(navigated.empty());  // told after the build: it would slow the shell's
    }
    ready();
  };
  hooks.navigating = [&](std::string_view p) {
    std::lock_guard lock(m);
    navigated.emplace_back(p);
  };
  s.server().on_demand(hooks);
  HttpResponse r = http(s.port(), get("/", "Accept: text/html\r\n"));
  CHECK(r.status == 200);
  CHECK(r.body.find("/app/entry.js") != std::string::npos);
  r = http(s.port(), get("/blog/hello?x=1", "Accept: text/html,*/*\r\n"));
  CHECK(r.status == 200);
  r = http(s.port(), get("/"));  // not a navigation: no shell, so nothing to tell
  CHECK(r.status != 200);
  std::lock_guard lock(m);
  CHECK(built == std::vector<std::string>{"/"});
  CHECK(navigated == std::vector<std::string>{"/", "/blog/hello"});
}

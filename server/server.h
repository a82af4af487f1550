// The dev server: the browser's only door. One port serves what the orchestrator publishes
// (built modules from memory, prebundled deps, the public folder, the HTML shell with the HMR
// client injected), carries the HMR WebSocket, and proxies everything else to the framework's
// backend, WebSocket upgrades included. HTTP/1.1 and RFC 6455 are written directly on Asio.
//
// Threading: the server's work runs on the io_context the caller gives (run it on one thread).
// publish(), set_backend(), broadcast(), send(), the callback setters, client_count() and
// requested_modules() may be called from any thread; the callbacks run on the io_context thread.
// stop() must run on the io_context's thread or after it has stopped running.
#pragma once

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "common/result.h"

namespace hr::server {

// The path Server::OnDemand's hooks are given for the HTML shell (it names no module).
inline constexpr std::string_view kShellPath = "/";

struct Options {
  std::string host = "127.0.0.1";          // listen address
  std::uint16_t port = 0;                  // 0: ephemeral; start() returns the bound port
  std::vector<std::string> allowed_hosts;  // besides localhost, *.localhost, IP literals;
                                           // ".example.test" also allows subdomains
  std::string backend;                     // "http://127.0.0.1:8000"; empty: proxy answers 502
  std::string hmr_path = "/@hr/ws";        // matched before anything else, never proxied
  std::string client_path = "/@hr/client.js";
  std::string deps_prefix = "/@deps/";
  std::filesystem::path public_dir;  // empty: none
  // Paths (and their subpaths) that always go to the backend, even for text/html navigations.
  std::vector<std::string> backend_paths = {"/_event", "/_upload", "/ping", "/_health"};
  std::chrono::milliseconds header_timeout{10'000};  // whole request head must arrive (408)
  std::chrono::milliseconds backend_connect_timeout{5'000};
  std::size_t ws_max_message = 1 << 20;      // larger client messages: close 1009
  std::size_t ws_max_queue_bytes = 8 << 20;  // a client further behind is dropped
};

// Bytes served from memory. The ETag is a hash of the bytes (make_asset fills it). A module with
// a `token` is imported at "<path>?v=<token>", a URL that names these bytes for good: a request
// with that query is answered `immutable` (any other revalidates, as ever).
struct Asset {
  std::string bytes;
  std::string content_type;
  std::string etag;
  std::string token;
};
std::shared_ptr<const Asset> make_asset(std::string bytes,
                                        std::string content_type = "application/javascript",
                                        std::string token = {});
// The token a URL gets to name `bytes` for good ("?v=<token>"): 16 hex digits of their hash.
std::string content_token(std::string_view bytes);
// The content type a file is served with, from its extension ("image/svg+xml" for "a/b.svg").
std::string_view content_type_for(std::string_view path);

// Everything the orchestrator publishes, replaced as a whole by publish(). Keys are decoded URL
// paths ("/" + manifest id, no query): requests are percent-decoded and normalised before lookup.
struct Site {
  // "/app/root.jsx": served `no-cache` with ETag/304; recorded in requested_modules().
  std::unordered_map<std::string, std::shared_ptr<const Asset>> modules;
  // "/@deps/react-1a2b.js" (content-hashed URLs): served `immutable`.
  std::unordered_map<std::string, std::shared_ptr<const Asset>> deps;
  std::string html;       // the shell; the server injects the client script before any other
  std::string client_js;  // served at Options::client_path, named "?v=" + content_token()
};

// A few assets changed since the last publish (the usual recompile): applied to a new snapshot
// that shares every unchanged asset with the last one (asset_table.h), so the cost follows the
// change, not the app's size. A null asset removes its path.
struct SiteChanges {
  std::vector<std::pair<std::string, std::shared_ptr<const Asset>>> modules;
  std::optional<std::string> html;
};

namespace detail {
struct Context;
}

class Server {
 public:
  Server(boost::asio::io_context& io, Options options);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Validates the options, binds and listens; returns the bound port.
  hr::Result<std::uint16_t> start();
  std::uint16_t port() const;
  // Closes the listener, every connection, proxy tunnel and WebSocket (close 1001).
  void stop();

  // Points the proxy at another backend ("" for none), e.g. when the manifest's `backend`
  // changes; requests already in flight finish against the old one.
  hr::Result<void> set_backend(const std::string& url);

  // --- content -----------------------------------------------------------------------------
  void publish(Site site);
  // Applies changes to what publish() last gave, on the io thread: in order with broadcast(), so
  // browsers told of an update find it served.
  void publish_changes(SiteChanges changes);
  // Module URL paths a browser has requested (the planner's "loaded by a browser" set).
  std::unordered_set<std::string> requested_modules() const;
  // Whether a browser has requested this module path: a lookup, where requested_modules() copies.
  bool was_requested(std::string_view path) const;
  // Whether a browser requested an app module within the last `window` (a page is loading);
  // callable from any thread.
  bool served_module_within(std::chrono::milliseconds window) const;

  // --- HMR channel ---------------------------------------------------------------------------
  // Sends a text message (Vite's message set: connected, update, full-reload, prune, error,
  // custom) to every connected client.
  void broadcast(std::string json);
  // Sends to one client (e.g. the standing error overlay to a page that just connected).
  void send(std::uint64_t client, std::string json);
  // Called on the io_context thread for every text message a client sends (acks, invalidate).
  void on_client_message(std::function<void(std::uint64_t client, const std::string& text)> cb);
  // Called on the io_context thread after a client connected and was sent `connected`.
  void on_client_connect(std::function<void(std::uint64_t client)> cb);
  // Called on the io_context thread once a client's connection ended.
  void on_client_disconnect(std::function<void(std::uint64_t client)> cb);
  // Modules the orchestrator knows but builds when first asked for: `unbuilt(path)` says whether
  // a GET for `path` names one; `waits(path)` whether a GET for `path` must wait for a build
  // before it is served (the module, or one whose URL it names, is not built yet);
  // `build(path, ready)` builds and publishes what it waits for, then calls `ready`, and the
  // request is served with what the server has then. All run on the io_context thread. The HTML
  // shell is asked for as kShellPath ("/", which names no module): it names the entries' URLs.
  // `navigating(path)` is told of each navigation the shell answers (its URL's path), as it does.
  struct OnDemand {
    std::function<bool(std::string_view path)> unbuilt;
    std::function<bool(std::string_view path)> waits;
    std::function<void(std::string path, std::function<void()> ready)> build;
    std::function<void(std::string_view path)> navigating;
  };
  void on_demand(OnDemand hooks);
  // Answers GET/HEAD of `path` with what `body()` returns then, as uncached JSON: for what changes
  // more often than it is asked for (the orchestrator's /@hr/status), which a publish would
  // otherwise copy every time. `body` runs on the io_context thread.
  void generated(std::string path, std::function<std::string()> body);
  std::size_t client_count() const;

 private:
  std::shared_ptr<detail::Context> ctx_;
};

}  // namespace hr::server

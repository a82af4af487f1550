#include "server/server.h"

#include <spdlog/spdlog.h>
#include <xxhash.h>
#include <boost/asio/post.hpp>

#include <cstdio>

#include "server/connection.h"
#include "server/context.h"
#include "server/router.h"
#include "server/ws_frame.h"

namespace hr::server {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

std::string content_token(std::string_view bytes) {
  char out[17];
  std::snprintf(out, sizeof out, "%016llx",
                static_cast<unsigned long long>(XXH3_64bits(bytes.data(), bytes.size())));
  return out;
}

std::shared_ptr<const Asset> make_asset(std::string bytes, std::string content_type,
                                        std::string token) {
  auto asset = std::make_shared<Asset>();
  asset->token = std::move(token);
  char etag[24];
  std::snprintf(etag, sizeof etag, "\"%016llx\"",
                static_cast<unsigned long long>(XXH3_64bits(bytes.data(), bytes.size())));
  asset->etag = etag;
  asset->bytes = std::move(bytes);
  asset->content_type = std::move(content_type);
  return asset;
}

namespace detail {

Context::Context(asio::io_context& io_context, Options opts)
    : io(io_context),
      options(std::move(opts)),
      host_check(options.allowed_hosts),
      statics(options.public_dir),
      acceptor(io_context) {}

std::shared_ptr<const ServedSite> Context::site() const {
  std::lock_guard lock(site_mutex);
  return site_;
}

void Context::set_site(std::shared_ptr<const ServedSite> s) {
  std::lock_guard lock(site_mutex);
  site_ = std::move(s);
}

void Context::change_site(const SiteChange& change) {
  std::lock_guard lock(site_mutex);
  site_ = change(site_ ? *site_ : ServedSite{});
}

void Context::record_requested(const std::string& path) {
  last_module_request_ns.store(std::chrono::steady_clock::now().time_since_epoch().count(),
                               std::memory_order_relaxed);
  std::lock_guard lock(requested_mutex);
  requested.insert(path);
}

}  // namespace detail

namespace {

void accept_next(const std::shared_ptr<detail::Context>& ctx) {
  ctx->acceptor.async_accept([ctx](boost::system::error_code ec, tcp::socket socket) {
    if (ctx->stopped) return;
    if (!ec) {
      boost::system::error_code ignored;
      socket.set_option(tcp::no_delay(true), ignored);
      std::uint64_t id = ctx->next_connection++;
      auto conn = std::make_shared<Connection>(std::move(socket), ctx, id);
      ctx->connections.emplace(id, conn);
      conn->start();
    } else if (ec == asio::error::operation_aborted) {
      return;
    } else {
      spdlog::warn("server: accept failed: {}", ec.message());
    }
    accept_next(ctx);
  });
}

}  // namespace

Server::Server(asio::io_context& io, Options options)
    : ctx_(std::make_shared<detail::Context>(io, std::move(options))) {}

Server::~Server() {
  stop();
}

hr::Result<std::uint16_t> Server::start() {
  detail::Context& c = *ctx_;
  if (!c.options.backend.empty()) {
    auto backend = parse_backend_url(c.options.backend);
    if (!backend) return backend.error();
    c.backend = *backend;
  }
  if (!c.options.public_dir.empty() && !c.statics.enabled()) {
    spdlog::warn("server: public folder {} does not exist; serving none",
                 c.options.public_dir.string());
  }
  boost::system::error_code ec;
  asio::ip::address address = asio::ip::make_address(c.options.host, ec);
  if (ec) return hr::fail("server: listen address '" + c.options.host + "' is not an IP address");
  tcp::endpoint endpoint(address, c.options.port);
  c.acceptor.open(endpoint.protocol(), ec);
  if (!ec) c.acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) c.acceptor.bind(endpoint, ec);
  if (!ec) c.acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return hr::fail("server: cannot listen on " + c.options.host + ":" +
                    std::to_string(c.options.port) + ": " + ec.message());
  }
  accept_next(ctx_);
  spdlog::info("server: listening on http://{}:{}", c.options.host, port());
  return port();
}

hr::Result<void> Server::set_backend(const std::string& url) {
  std::optional<BackendUrl> next;
  if (!url.empty()) {
    auto parsed = parse_backend_url(url);
    if (!parsed) return parsed.error();
    next = *parsed;
  }
  asio::post(ctx_->io, [ctx = ctx_, next] {
    ctx->backend = next;
    ctx->backend_pool.clear();
  });
  return {};
}

std::uint16_t Server::port() const {
  boost::system::error_code ec;
  auto ep = ctx_->acceptor.local_endpoint(ec);
  return ec ? 0 : ep.port();
}

void Server::stop() {
  detail::Context& c = *ctx_;
  if (c.stopped) return;
  c.stopped = true;
  boost::system::error_code ignored;
  c.acceptor.close(ignored);
  std::vector<std::shared_ptr<Connection>> live;
  for (auto& [id, weak] : c.connections) {
    if (auto conn = weak.lock()) live.push_back(std::move(conn));
  }
  for (auto& conn : live) conn->stop();
  c.backend_pool.clear();
  c.hub.close_all(1001);
}

namespace {

// The shell names the client at the URL every module imports it at (its bytes' token).
std::shared_ptr<const Asset> shell_asset(const std::string& html, const Options& options,
                                         const std::shared_ptr<const Asset>& client) {
  const std::string url =
      options.client_path + (client && !client->token.empty() ? "?v=" + client->token : "");
  return make_asset(inject_client(html, url), "text/html; charset=utf-8");
}

}  // namespace

void Server::publish(Site site) {
  auto served = std::make_shared<ServedSite>();
  if (!site.client_js.empty()) {
    std::string token = content_token(site.client_js);
    served->client = make_asset(std::move(site.client_js), "application/javascript", token);
  }
  if (!site.html.empty()) served->shell = shell_asset(site.html, ctx_->options, served->client);
  served->modules = AssetTable(std::move(site.modules));
  served->deps = AssetTable(std::move(site.deps));
  ctx_->set_site(std::move(served));
}

void Server::publish_changes(SiteChanges changes) {
  asio::post(ctx_->io, [ctx = ctx_, changes = std::move(changes)]() mutable {
    std::shared_ptr<const Asset> shell;
    if (changes.html) {
      const auto current = ctx->site();
      shell = shell_asset(*changes.html, ctx->options, current ? current->client : nullptr);
    }
    ctx->change_site([&](const ServedSite& current) {
      auto next = std::make_shared<ServedSite>(current);  // shares every asset and table shard
      next->modules = current.modules.with(std::move(changes.modules));
      if (shell) next->shell = std::move(shell);
      return next;
    });
  });
}

bool Server::was_requested(std::string_view path) const {
  std::lock_guard lock(ctx_->requested_mutex);
  return ctx_->requested.count(std::string(path)) > 0;
}

bool Server::served_module_within(std::chrono::milliseconds window) const {
  const std::int64_t last = ctx_->last_module_request_ns.load(std::memory_order_relaxed);
  const std::int64_t now = std::chrono::steady_clock::now().time_since_epoch().count();
  return last != 0 && now - last < std::chrono::nanoseconds(window).count();
}

std::unordered_set<std::string> Server::requested_modules() const {
  std::lock_guard lock(ctx_->requested_mutex);
  return ctx_->requested;
}

void Server::broadcast(std::string json) {
  auto frame = std::make_shared<const std::string>(encode_ws_frame(WsOpcode::text, json));
  asio::post(ctx_->io, [ctx = ctx_, frame] { ctx->hub.broadcast(frame); });
}

void Server::send(std::uint64_t client, std::string json) {
  auto frame = std::make_shared<const std::string>(encode_ws_frame(WsOpcode::text, json));
  asio::post(ctx_->io, [ctx = ctx_, client, frame] { ctx->hub.send_to(client, frame); });
}

void Server::generated(std::string path, std::function<std::string()> body) {
  asio::post(ctx_->io, [ctx = ctx_, path = std::move(path), body = std::move(body)]() mutable {
    ctx->generated[std::move(path)] = std::move(body);
  });
}

void Server::on_demand(OnDemand hooks) {
  asio::post(ctx_->io, [ctx = ctx_, hooks = std::move(hooks)]() mutable {
    ctx->on_demand = std::move(hooks);
  });
}

void Server::on_client_connect(std::function<void(std::uint64_t)> cb) {
  ctx_->hub.set_connect_callback(std::move(cb));
}

void Server::on_client_disconnect(std::function<void(std::uint64_t)> cb) {
  ctx_->hub.set_disconnect_callback(std::move(cb));
}

void Server::on_client_message(std::function<void(std::uint64_t, const std::string&)> cb) {
  ctx_->hub.set_callback(std::move(cb));
}

std::size_t Server::client_count() const {
  return ctx_->hub.count();
}

}  // namespace hr::server

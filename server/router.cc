#include "server/router.h"

#include <optional>

#include "server/context.h"
#include "server/path_check.h"

namespace hr::server {

namespace {

Route reply(Reply r) {
  return Route{Route::Kind::reply, std::move(r), {}};
}
Route reply_error(int status, std::string_view detail) {
  return reply(Reply::error(status, detail));
}

bool starts_with(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && s.substr(0, prefix.size()) == prefix;
}

std::size_t ifind(std::string_view hay, std::string_view needle) {
  for (std::size_t i = 0; i + needle.size() <= hay.size(); ++i) {
    if (iequals(hay.substr(i, needle.size()), needle)) return i;
  }
  return std::string_view::npos;
}

bool is_backend_path(std::string_view path, const Options& options) {
  for (const std::string& p : options.backend_paths) {
    if (path == p || (starts_with(path, p) && path.size() > p.size() && path[p.size()] == '/'))
      return true;
  }
  return false;
}

// A page on another site may not pull our modules in with <script> (cross-site no-cors).
bool cross_site_no_cors(const Request& req) {
  return iequals(req.header("Sec-Fetch-Site"), "cross-site") &&
         iequals(req.header("Sec-Fetch-Mode"), "no-cors");
}

bool etag_matches(std::string_view if_none_match, std::string_view etag) {
  return if_none_match.find(etag) != std::string_view::npos || if_none_match == "*";
}

Route serve_bytes(const Request& req, std::shared_ptr<const std::string> body,
                  std::string_view content_type, std::string_view etag, std::string_view cache) {
  Reply r;
  if (!etag.empty() && etag_matches(req.header("If-None-Match"), etag)) {
    r.status = 304;
  } else {
    r.body = std::move(body);
    r.add("Content-Type", std::string(content_type));
  }
  if (!etag.empty()) r.add("ETag", std::string(etag));
  r.add("Cache-Control", std::string(cache));
  r.add("X-Content-Type-Options", "nosniff");
  return reply(std::move(r));
}

constexpr std::string_view kImmutable = "max-age=31536000, immutable";

// Whether `target`'s query holds `v=<the asset's token>`: a URL that names these bytes for good.
bool names_these_bytes(std::string_view target, const Asset& asset) {
  if (asset.token.empty()) return false;
  const size_t q = target.find('?');
  if (q == std::string_view::npos) return false;
  std::string_view query = target.substr(q + 1);
  while (!query.empty()) {
    const size_t amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    if (pair.size() == asset.token.size() + 2 && pair.starts_with("v=") &&
        pair.substr(2) == asset.token)
      return true;
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  return false;
}

Route serve_asset(const Request& req, const std::shared_ptr<const Asset>& asset,
                  std::string_view cache) {
  std::shared_ptr<const std::string> bytes(asset, &asset->bytes);
  return serve_bytes(req, std::move(bytes), asset->content_type, asset->etag, cache);
}

// GET/HEAD of a path Server::generated() answers; nullopt: not one.
std::optional<Route> serve_generated(const Request& req, const std::string& path,
                                     detail::Context& ctx) {
  auto g = ctx.generated.find(path);
  if (g == ctx.generated.end()) return std::nullopt;
  return serve_bytes(req, std::make_shared<const std::string>(g->second()), "application/json", {},
                     "no-store");
}

// GET/HEAD against published content and the public folder; nullopt: not ours.
std::optional<Route> serve_local(const Request& req, const std::string& path, detail::Context& ctx,
                                 bool after_build) {
  const Options& o = ctx.options;
  std::shared_ptr<const ServedSite> site = ctx.site();
  bool forbidden_load = cross_site_no_cors(req);
  if (site && site->client && path == o.client_path) {
    if (forbidden_load) return reply_error(403, "cross-site script load refused");
    return serve_asset(req, site->client,
                       names_these_bytes(req.target, *site->client) ? kImmutable : "no-cache");
  }
  if (!after_build && path != kShellPath && ctx.on_demand.waits && ctx.on_demand.waits(path)) {
    if (forbidden_load) return reply_error(403, "cross-site script load refused");
    return Route{Route::Kind::build, {}, path};
  }
  if (auto module = site ? site->modules.find(path) : nullptr) {
    if (forbidden_load) return reply_error(403, "cross-site script load refused");
    ctx.record_requested(path);
    return serve_asset(req, module,
                       names_these_bytes(req.target, *module) ? kImmutable : "no-cache");
  }
  if (starts_with(path, o.deps_prefix)) {
    auto dep = site ? site->deps.find(path) : nullptr;
    if (!dep) return reply_error(404, "no such dependency");
    if (forbidden_load) return reply_error(403, "cross-site script load refused");
    return serve_asset(req, dep, kImmutable);
  }
  StaticFiles::Lookup file = ctx.statics.find(path);
  if (file.status == 403) return reply_error(403, "not allowed");
  if (file.status == 200) {
    if (forbidden_load) return reply_error(403, "cross-site load refused");
    return serve_bytes(req, file.file.bytes, file.file.content_type, {}, "no-cache");
  }
  if (site && site->shell && req.header("Accept").find("text/html") != std::string_view::npos) {
    // The shell names the entries' URLs: it waits, as they would, for what they reach.
    if (!after_build && ctx.on_demand.waits && ctx.on_demand.waits(kShellPath))
      return Route{Route::Kind::build, {}, std::string(kShellPath)};
    // Told as the shell goes out, not before: a build of the page beside the entries' would slow
    // the shell, which everything else waits for.
    if (ctx.on_demand.navigating) ctx.on_demand.navigating(path);
    return serve_asset(req, site->shell, "no-cache");
  }
  return std::nullopt;
}

}  // namespace

std::string inject_client(std::string_view html, std::string_view client_path) {
  std::string tag = "<script type=\"module\" src=\"" + std::string(client_path) + "\"></script>";
  std::size_t at = ifind(html, "<script");
  if (at == std::string_view::npos) at = ifind(html, "</head>");
  if (at == std::string_view::npos) at = 0;
  std::string out(html.substr(0, at));
  out += tag;
  out += html.substr(at);
  return out;
}

Route route_request(const Request& req, detail::Context& ctx, bool after_build) {
  std::string_view host = req.header("Host");
  // HTTP/1.0 may omit Host (the parser requires it for 1.1); browsers always send it.
  bool no_host_10 = req.version_minor == 0 && !req.has_header("Host");
  if (!no_host_10 && !ctx.host_check.host_allowed(host)) {
    return reply_error(403,
                       "Host '" + std::string(host) +
                           "' is not allowed (DNS rebinding guard); add it to the allowed hosts");
  }
  CheckedPath checked = check_target(req.target);
  if (checked.status != 0) return reply_error(checked.status, checked.reason);
  bool upgrade = req.is_websocket_upgrade();
  if (upgrade && !ctx.host_check.origin_allowed(req.header("Origin"), host)) {
    return reply_error(403, "WebSocket from a foreign Origin refused");
  }
  const Options& o = ctx.options;
  if (checked.path == o.hmr_path) {
    if (upgrade) return Route{Route::Kind::hmr, {}, {}};
    Route r = reply_error(426, "the HMR endpoint speaks WebSocket only");
    r.reply.add("Upgrade", "websocket");
    return r;
  }
  if (upgrade || is_backend_path(checked.path, o)) return Route{Route::Kind::proxy, {}, {}};
  if (req.method == "GET" || req.method == "HEAD") {
    if (auto made = serve_generated(req, checked.path, ctx)) return std::move(*made);
    if (auto local = serve_local(req, checked.path, ctx, after_build)) return std::move(*local);
  }
  return Route{Route::Kind::proxy, {}, {}};
}

}  // namespace hr::server

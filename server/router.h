// Decides what happens to a parsed request, in a fixed order so that no rule can be bypassed:
// Host allow-list (403), target check (400/403), Origin check on every WebSocket upgrade (403),
// the HMR path (never proxied), configured backend paths, then for GET/HEAD: the HMR client,
// built modules, prebundled deps, public files, the HTML shell for navigations. Everything else
// goes to the proxy. Served content answers with ETag/304 and no CORS headers.
#pragma once

#include "server/reply.h"
#include "server/request.h"

namespace hr::server {

namespace detail {
struct Context;
}

struct Route {
  // build: a module the orchestrator builds when first asked for (Server::OnDemand); the request
  // is routed again once it is built, with `after_build`: then served with what the server has.
  enum class Kind { reply, hmr, proxy, build };
  Kind kind = Kind::reply;
  Reply reply;       // when kind == reply
  std::string path;  // when kind == build
};

Route route_request(const Request& req, detail::Context& ctx, bool after_build = false);

// Inserts `<script type="module" src="client_path">` before the first <script>, else before
// </head>, else at the start of the document.
std::string inject_client(std::string_view html, std::string_view client_path);

}  // namespace hr::server

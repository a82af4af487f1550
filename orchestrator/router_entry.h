// React Router's framework mode without its Vite plugin: the document and the client entry.
//
// In framework mode (`ssr: false`, how Reflex writes `.web/`) the app has no entry of its own: a
// root route module exporting `Layout` (the whole HTML document), a default `App` and maybe
// `ErrorBoundary`, `HydrateFallback`, `meta`, `links`, and route modules under it. The plugin
// supplies the rest through virtual modules; this file supplies the same for a manifest with
// `"router": {"root": ...}`: a route table built from the manifest (each `page` with a `route`
// under the root, its flags from the names its module exports, as esbuild's metafile lists them),
// a client entry that creates React Router's own client routes and router from that table (the
// runtime in client/router_runtime.js, built into the binary) and renders the root into the
// document, and the HTML shell that loads it. Route modules load when their route is first
// visited, at the URL of their newest version, so an update pushed before the visit is not lost.
//
// Pure functions: the pipeline calls them after each build and serves the entry as a module
// (SiteState), so its import URLs get the versions and the npm bundle's key like any module.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "orchestrator/assemble.h"

namespace hr::orch {

// The URL path the client entry is served at.
inline constexpr std::string_view kRouterEntryPath = "/@hr/router.js";

struct RouteModule {
  std::string id;     // module id, "app/routes/_index.jsx"
  std::string route;  // the manifest's URL pattern, "/blog/[slug]"; "" for the root
  std::vector<std::string> exports;
};

struct RouterApp {
  RouteModule root;
  std::vector<RouteModule> pages;
};

// React Router's path for a manifest route: "/" is the index route (""), "/blog/[slug]" is
// "blog/:slug", "[[...rest]]" and "[...rest]" are "*", "[[lang]]" is ":lang?"; ":id" and "*" are
// taken as written. Fails on a segment it cannot read, naming it.
Result<std::string> react_router_path(std::string_view route);

// React Router's route id of a page: its module id relative to the root module's folder, without
// the extension ("app/routes/_index.jsx" under "app/root.jsx" is "routes/_index").
std::string route_id(std::string_view page_id, std::string_view root_id);

// The client entry's code as built code (SiteState::Module::code): its npm imports carry the deps
// key placeholder and its app imports the version placeholder. Pages whose route cannot be read
// are left out and named in `problems`.
// `client_url`: where the page's HMR client is (SiteState::client_url()): one instance of it.
std::string router_entry_code(const RouterApp& app, std::vector<std::string>& problems,
                              std::string_view client_url = kClientPath);

// The npm specifiers the client entry imports.
std::vector<std::string> router_entry_packages();

// The HTML document served for page navigations: it loads the entry, and the root's Layout
// renders the rest.
std::string router_shell_html();

}  // namespace hr::orch

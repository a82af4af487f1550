// The pipeline's part in React Router's framework mode (router_entry.h): the document, and the
// client entry rebuilt from the manifest's pages and the root's and pages' exports after each
// build. A route table that changed after browsers loaded it means one reload.
#include <spdlog/spdlog.h>

#include "common/read_file.h"
#include "orchestrator/pipeline.h"
#include "orchestrator/router_entry.h"

namespace hr::orch {

namespace {

RouteModule route_module(const SiteState& site, std::string_view id, std::string_view route) {
  RouteModule m{std::string(id), std::string(route), {}};
  if (const SiteState::Module* built = site.module(m.id)) m.exports = built->exports;
  return m;
}

}  // namespace

std::string Pipeline::shell_html() const {
  if (!current_->router_root.empty()) return router_shell_html();
  return read_file_or_empty(root_ / std::string(current_->html));
}

std::string Pipeline::refresh_router() {
  if (current_->router_root.empty()) return "";
  RouterApp app{route_module(site_, current_->router_root, ""), {}};
  for (const graph::ModuleSpec& spec : current_->modules) {
    if (spec.kind == graph::Kind::page && !spec.route.empty())
      app.pages.push_back(route_module(site_, spec.id, spec.route));
  }
  std::vector<std::string> problems;
  std::string code = router_entry_code(app, problems, site_.client_url());
  if (code == router_code_) return "";
  for (const auto& p : problems) spdlog::warn("router: {}", p);
  const bool served_before = !router_code_.empty();
  router_code_ = code;
  SiteState::Module entry;
  entry.code = std::move(code);
  entry.imports.push_back(app.root.id);
  for (const auto& page : app.pages) entry.imports.push_back(page.id);
  // The route table's pages load when their route is first visited: lazily.
  for (const auto& page : app.pages) entry.lazy.push_back(page.id);
  entry.packages = router_entry_packages();
  site_.put_module(std::string(kRouterEntryPath.substr(1)), std::move(entry));
  // Its static import is the root (the route table names the root and the pages too): on demand, a
  // request for it waits for what the root reaches, or it would name the root at a URL that moves.
  if (!unbuilt_.empty()) set_static_deps(std::string(kRouterEntryPath.substr(1)), {app.root.id});
  if (!served_before) packages_dirty_ = true;
  return served_before ? "full-reload: the route table changed (pages, routes or route exports)"
                       : "";
}

}  // namespace hr::orch

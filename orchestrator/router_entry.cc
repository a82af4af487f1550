#include "orchestrator/router_entry.h"

#include <algorithm>
#include <set>

#include "orchestrator/assemble.h"
#include "orchestrator/embedded_js.h"
#include "orchestrator/prebundle.h"
#include "orchestrator/route_match.h"

namespace hr::orch {

namespace {

// React Router's spelling of one segment: "[slug]" -> ":slug", "[[lang]]" -> ":lang?",
// "[...rest]" / "[[...rest]]" -> "*".
std::string router_path_segment(const RouteSegment& s) {
  switch (s.kind) {
    case RouteSegment::Kind::literal:
      return std::string(s.text);
    case RouteSegment::Kind::one:
      return ":" + std::string(s.text);
    case RouteSegment::Kind::optional:
      return ":" + std::string(s.text) + "?";
    case RouteSegment::Kind::rest:
    case RouteSegment::Kind::any_rest:
      return "*";
  }
  return "";
}

bool has(const RouteModule& m, std::string_view name) {
  return std::find(m.exports.begin(), m.exports.end(), name) != m.exports.end();
}

std::string exports_json(const RouteModule& m) {
  std::string out = "[";
  for (size_t i = 0; i < m.exports.size(); ++i) out += (i ? "," : "") + json_string(m.exports[i]);
  return out + "]";
}

std::string route_json(const RouteModule& m, std::string_view id, std::string_view path) {
  std::string out = "  {\"id\": " + json_string(id);
  if (id != "root") {
    out += ", \"parentId\": \"root\"";
    out += path.empty() ? ", \"index\": true" : ", \"path\": " + json_string(path);
  } else {
    out += ", \"path\": \"\"";
  }
  out += ", \"module\": " + json_string(import_url(m.id, "")) + ", \"exports\": " + exports_json(m);
  return out + "}";
}

// Paths that match the same URLs: "blog/:slug" and "blog/:id" are one route.
std::string match_key(std::string_view path) {
  std::string out;
  for (size_t i = 0; i < path.size(); ++i) {
    out += path[i];
    if (path[i] == ':' && (i == 0 || path[i - 1] == '/'))
      while (i + 1 < path.size() && path[i + 1] != '/' && path[i + 1] != '?') ++i;
  }
  return out;
}

}  // namespace

Result<std::string> react_router_path(std::string_view route) {
  auto segments = route_segments(route);
  if (!segments) return segments.error();
  std::string out;
  for (const auto& s : *segments) out += (out.empty() ? "" : "/") + router_path_segment(s);
  return out;
}

std::string route_id(std::string_view page_id, std::string_view root_id) {
  const size_t slash = root_id.rfind('/');
  const std::string_view dir = slash == std::string_view::npos ? "" : root_id.substr(0, slash + 1);
  std::string_view id = page_id.starts_with(dir) ? page_id.substr(dir.size()) : page_id;
  const size_t dot = id.rfind('.');
  if (dot != std::string_view::npos && id.find('/', dot) == std::string_view::npos)
    id = id.substr(0, dot);
  return std::string(id);
}

std::vector<std::string> router_entry_packages() {
  return {"react", "react-dom/client", "react-router", "react-router/dom"};
}

std::string router_entry_code(const RouterApp& app, std::vector<std::string>& problems,
                              std::string_view client_url) {
  auto dep = [](const char* spec) {
    return json_string(deps_url(spec, std::string(kDepsKeyPlaceholder)));
  };
  std::string code =
      "import * as __hr_React from " + dep("react") +
      ";\nimport { createRoot as __hr_createRoot } from " + dep("react-dom/client") +
      ";\nimport * as __hr_RR from " + dep("react-router") +
      ";\nimport { RouterProvider as __hr_RouterProvider } from " + dep("react-router/dom") +
      ";\nimport * as __hr_root from " + json_string(import_url(app.root.id, "")) +
      ";\nimport { currentUrl as __hr_currentUrl } from " + json_string(client_url) + ";\n";
  code += "const __hr_route_table = [\n" + route_json(app.root, "root", "");
  std::set<std::string> paths, ids{"root"};
  for (const auto& page : app.pages) {
    auto path = react_router_path(page.route);
    std::string id = route_id(page.id, app.root.id);
    if (!path) {
      problems.push_back(page.id + ": route \"" + page.route + "\": " + path.error().message);
      continue;
    }
    if (!paths.insert(match_key(*path)).second) {
      problems.push_back(page.id + ": route \"" + page.route + "\" is already another page's");
      continue;
    }
    if (!ids.insert(id).second) id = page.id;  // "routes/x.jsx" beside "routes/x.js"
    code += ",\n" + route_json(page, id, *path);
  }
  code += "\n];\n";
  if (!has(app.root, "Layout") && !has(app.root, "default"))
    problems.push_back(app.root.id +
                       ": the root route module exports neither Layout nor a default");
  return code + router_runtime_js();
}

std::string router_shell_html() {
  return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n</head>\n<body>\n"
         "<script type=\"module\" src=\"" +
         std::string(kRouterEntryPath) + "\"></script>\n</body>\n</html>\n";
}

}  // namespace hr::orch

#include "orchestrator/route_match.h"

#include <algorithm>
#include <cctype>
#include <string>

namespace hr::orch {

namespace {

using Kind = RouteSegment::Kind;

std::vector<std::string_view> split(std::string_view s) {
  std::vector<std::string_view> out;
  while (!s.empty()) {
    const size_t slash = s.find('/');
    const std::string_view part = s.substr(0, slash);
    if (!part.empty()) out.push_back(part);
    if (slash == std::string_view::npos) break;
    s.remove_prefix(slash + 1);
  }
  return out;
}

bool is_name(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '$';
  });
}

// React Router's spelling, taken as written: ":id", ":lang?", "*". Anything else is a literal.
RouteSegment router_segment(std::string_view s) {
  if (s == "*") return {Kind::any_rest, ""};
  if (s.starts_with(':')) {
    const bool optional = s.ends_with('?');
    const std::string_view name = s.substr(1, s.size() - 1 - optional);
    if (is_name(name)) return {optional ? Kind::optional : Kind::one, name};
  }
  return {Kind::literal, s};
}

Result<RouteSegment> segment(std::string_view s) {
  if (!s.starts_with('[')) {
    if (s.find_first_of("[]") != std::string_view::npos) return fail("unbalanced brackets");
    return router_segment(s);
  }
  const bool optional = s.starts_with("[[");
  const size_t open = optional ? 2 : 1;
  if (s.size() <= 2 * open || s.substr(s.size() - open) != (optional ? "]]" : "]"))
    return fail("unbalanced brackets");
  const std::string_view name = s.substr(open, s.size() - 2 * open);
  const bool rest = name.starts_with("...");
  if (!is_name(rest ? name.substr(3) : name)) return fail("not a parameter name");
  if (rest) return RouteSegment{optional ? Kind::any_rest : Kind::rest, name.substr(3)};
  return RouteSegment{optional ? Kind::optional : Kind::one, name};
}

bool match(const std::vector<RouteSegment>& route, size_t r,
           const std::vector<std::string_view>& path, size_t p) {
  if (r == route.size()) return p == path.size();
  const size_t left = path.size() - p;
  switch (route[r].kind) {
    case Kind::literal:
      return left > 0 && path[p] == route[r].text && match(route, r + 1, path, p + 1);
    case Kind::one:
      return left > 0 && match(route, r + 1, path, p + 1);
    case Kind::optional:
      return match(route, r + 1, path, p) || (left > 0 && match(route, r + 1, path, p + 1));
    case Kind::rest:
    case Kind::any_rest:
      for (size_t n = route[r].kind == Kind::rest ? 1 : 0; n <= left; ++n)
        if (match(route, r + 1, path, p + n)) return true;
      return false;
  }
  return false;
}

}  // namespace

Result<std::vector<RouteSegment>> route_segments(std::string_view route) {
  std::vector<RouteSegment> out;
  for (const auto s : split(route)) {
    auto seg = segment(s);
    if (!seg) return fail("segment \"" + std::string(s) + "\": " + seg.error().message);
    out.push_back(*seg);
  }
  return out;
}

bool route_matches(std::string_view route, std::string_view path) {
  const auto segments = route_segments(route);
  return segments && match(*segments, 0, split(path.substr(0, path.find('?'))), 0);
}

}  // namespace hr::orch

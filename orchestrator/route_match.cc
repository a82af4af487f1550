#include "orchestrator/route_match.h"

#include <vector>

namespace hr::orch {

namespace {

std::vector<std::string_view> segments(std::string_view s) {
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

struct Pattern {
  enum class Kind { literal, one, optional, rest, any_rest } kind;
  std::string_view text;
};

Pattern pattern_of(std::string_view s) {
  const bool optional = s.starts_with("[[") && s.ends_with("]]") && s.size() > 4;
  const bool one = !optional && s.starts_with('[') && s.ends_with(']') && s.size() > 2;
  if (!optional && !one) return {Pattern::Kind::literal, s};
  const std::string_view name = optional ? s.substr(2, s.size() - 4) : s.substr(1, s.size() - 2);
  if (name.starts_with("..."))
    return {optional ? Pattern::Kind::any_rest : Pattern::Kind::rest, name};
  return {optional ? Pattern::Kind::optional : Pattern::Kind::one, name};
}

bool match(const std::vector<Pattern>& route, size_t r, const std::vector<std::string_view>& path,
           size_t p) {
  if (r == route.size()) return p == path.size();
  const size_t left = path.size() - p;
  switch (route[r].kind) {
    case Pattern::Kind::literal:
      return left > 0 && path[p] == route[r].text && match(route, r + 1, path, p + 1);
    case Pattern::Kind::one:
      return left > 0 && match(route, r + 1, path, p + 1);
    case Pattern::Kind::optional:
      return match(route, r + 1, path, p) || (left > 0 && match(route, r + 1, path, p + 1));
    case Pattern::Kind::rest:
    case Pattern::Kind::any_rest:
      for (size_t n = route[r].kind == Pattern::Kind::rest ? 1 : 0; n <= left; ++n)
        if (match(route, r + 1, path, p + n)) return true;
      return false;
  }
  return false;
}

}  // namespace

bool route_matches(std::string_view route, std::string_view path) {
  std::vector<Pattern> patterns;
  for (const auto s : segments(route)) patterns.push_back(pattern_of(s));
  return match(patterns, 0, segments(path.substr(0, path.find('?'))), 0);
}

}  // namespace hr::orch

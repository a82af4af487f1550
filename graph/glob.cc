#include "graph/glob.h"

namespace hr::graph {
namespace {

bool at_segment_start(std::string_view whole, std::string_view rest) {
  size_t pos = whole.size() - rest.size();
  return pos == 0 || whole[pos - 1] == '/';
}

bool match(std::string_view whole, std::string_view p, std::string_view s);

// `p` starts with a "**" that is a whole segment.
bool match_globstar(std::string_view whole, std::string_view p, std::string_view s) {
  if (p.size() == 2) return true;  // trailing "**": everything below
  std::string_view rest = p.substr(3);
  if (match(whole, rest, s)) return true;  // zero segments
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '/' && match(whole, rest, s.substr(i + 1))) return true;
  }
  return false;
}

bool match_star(std::string_view whole, std::string_view p, std::string_view s) {
  while (!p.empty() && p.front() == '*') p.remove_prefix(1);
  for (size_t i = 0; i <= s.size(); ++i) {
    if (match(whole, p, s.substr(i))) return true;
    if (i < s.size() && s[i] == '/') break;
  }
  return false;
}

bool match(std::string_view whole, std::string_view p, std::string_view s) {
  while (!p.empty()) {
    char c = p.front();
    if (c == '*') {
      bool whole_segment = p.size() >= 2 && p[1] == '*' && at_segment_start(whole, p) &&
                           (p.size() == 2 || p[2] == '/');
      return whole_segment ? match_globstar(whole, p, s) : match_star(whole, p, s);
    }
    if (s.empty()) return false;
    if (c == '?') {
      if (s.front() == '/') return false;
    } else {
      if (c == '\\' && p.size() > 1) {
        p.remove_prefix(1);
        c = p.front();
      }
      if (c != s.front()) return false;
    }
    p.remove_prefix(1);
    s.remove_prefix(1);
  }
  return s.empty();
}

}  // namespace

bool glob_match(std::string_view pattern, std::string_view path) {
  return match(pattern, pattern, path);
}

bool glob_match_any(const std::vector<std::string>& patterns, std::string_view path) {
  for (const auto& p : patterns) {
    if (glob_match(p, path)) return true;
  }
  return false;
}

}  // namespace hr::graph

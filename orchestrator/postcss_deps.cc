#include "orchestrator/postcss_deps.h"

#include "graph/glob.h"

namespace hr::orch {

namespace fs = std::filesystem;

namespace {

constexpr size_t kMaxExpansions = 512;

// The index of the `}` closing the `{` at `open`, or npos.
size_t closing_brace(std::string_view s, size_t open) {
  int depth = 0;
  for (size_t i = open; i < s.size(); ++i) {
    if (s[i] == '{') ++depth;
    if (s[i] == '}' && --depth == 0) return i;
  }
  return std::string_view::npos;
}

// The comma-separated alternatives inside one pair of braces, nested braces kept whole.
std::vector<std::string_view> alternatives(std::string_view inside) {
  std::vector<std::string_view> out;
  int depth = 0;
  size_t start = 0;
  for (size_t i = 0; i < inside.size(); ++i) {
    if (inside[i] == '{') ++depth;
    if (inside[i] == '}') --depth;
    if (inside[i] == ',' && depth == 0) {
      out.push_back(inside.substr(start, i - start));
      start = i + 1;
    }
  }
  out.push_back(inside.substr(start));
  return out;
}

void expand_into(std::string_view glob, std::vector<std::string>& out) {
  if (out.size() >= kMaxExpansions) return;
  const size_t open = glob.find('{');
  const size_t close = open == std::string_view::npos ? open : closing_brace(glob, open);
  if (close == std::string_view::npos) {
    out.emplace_back(glob);
    return;
  }
  const std::string_view prefix = glob.substr(0, open), suffix = glob.substr(close + 1);
  for (std::string_view alt : alternatives(glob.substr(open + 1, close - open - 1))) {
    std::string one(prefix);
    one.append(alt).append(suffix);
    expand_into(one, out);
  }
}

bool under_node_modules(const std::string& id) {
  return id.starts_with("node_modules/") || id.find("/node_modules/") != std::string::npos;
}

}  // namespace

std::vector<std::string> expand_braces(std::string_view glob) {
  std::vector<std::string> out;
  expand_into(glob, out);
  return out;
}

PostcssDeps::PostcssDeps(fs::path root) : root_(std::move(root)) {
  std::error_code ec;
  real_root_ = fs::weakly_canonical(root_, ec);
  if (ec) real_root_ = root_;
}

std::string PostcssDeps::module_id(const std::string& path) const {
  const fs::path p = fs::path(path).lexically_normal();
  for (const fs::path* base : {&root_, &real_root_}) {
    const std::string rel = p.lexically_relative(*base).generic_string();
    if (rel.empty() || rel.starts_with("..")) continue;
    if (rel == ".") return "";
    return under_node_modules(rel) ? "" : rel;
  }
  return "";
}

void PostcssDeps::set(const std::string& style, const std::vector<PostcssDep>& deps) {
  Deps d;
  for (const auto& dep : deps) {
    if (!dep.file.empty()) {
      if (std::string id = module_id(dep.file); !id.empty()) d.files.insert(id);
      continue;
    }
    if (dep.dir.empty()) continue;
    std::string dir = module_id(dep.dir);
    const bool is_root = fs::path(dep.dir).lexically_normal() == root_.lexically_normal() ||
                         fs::path(dep.dir).lexically_normal() == real_root_.lexically_normal();
    if (dir.empty() && !is_root) continue;
    d.scans.push_back({dir, expand_braces(dep.glob.empty() ? "**" : dep.glob)});
  }
  deps_[style] = std::move(d);
}

void PostcssDeps::remove(const std::string& style) {
  deps_.erase(style);
}

std::set<std::string> PostcssDeps::dependents(std::string_view id) const {
  std::set<std::string> out;
  if (under_node_modules(std::string(id))) return out;
  for (const auto& [style, d] : deps_) {
    if (style == id) continue;
    bool hit = d.files.count(std::string(id)) > 0;
    for (size_t i = 0; !hit && i < d.scans.size(); ++i) {
      const Scan& s = d.scans[i];
      std::string_view rest = id;
      if (!s.dir.empty()) {
        if (!id.starts_with(s.dir) || id.size() <= s.dir.size() || id[s.dir.size()] != '/')
          continue;
        rest = id.substr(s.dir.size() + 1);
      }
      hit = graph::glob_match_any(s.globs, rest);
    }
    if (hit) out.insert(style);
  }
  return out;
}

}  // namespace hr::orch

#include "graph/resolver.h"

#include <sys/stat.h>

#include "graph/paths.h"

namespace hr::graph {

Resolver::Resolution Resolver::resolve(std::string_view spec, std::string_view importer) {
  if (size_t q = spec.find('?'); q != std::string_view::npos) spec = spec.substr(0, q);
  if (spec.empty()) {
    Resolution r;
    r.error = "empty specifier";
    return r;
  }
  if (spec == "." || spec == ".." || spec.starts_with("./") || spec.starts_with("../")) {
    return resolve_path(dirname(importer), spec);
  }
  if (spec.front() == '/') return resolve_path({}, spec.substr(1));
  for (const auto& [prefix, target] : g_.alias()) {
    bool match = spec == prefix ||
                 (spec.starts_with(prefix) && (prefix.back() == '/' || spec[prefix.size()] == '/'));
    if (match) return resolve_path(target, spec.substr(prefix.size()));
  }
  return resolve_package(spec);
}

Resolver::Resolution Resolver::resolve_path(std::string_view base, std::string_view path) {
  joined_.assign(base);
  joined_ += '/';
  joined_.append(path);
  path_.clear();
  Resolution r;
  if (!append_normalized(path_, joined_)) {
    r.error = "the path leaves root";
    return r;
  }
  if (candidates(&Resolver::in_graph, r) || candidates(&Resolver::on_disk, r)) return r;
  r.error = "no module or file matches";
  return r;
}

// Tries path_ as written, with each extension, then as a folder's index file.
bool Resolver::candidates(bool (Resolver::*check)(std::string_view, Resolution&), Resolution& r) {
  if (!path_.empty() && (this->*check)(path_, r)) return true;
  for (const auto& ext : g_.extensions()) {
    candidate_.assign(path_);
    candidate_.append(ext);
    if (!path_.empty() && (this->*check)(candidate_, r)) return true;
  }
  for (const auto& ext : g_.extensions()) {
    candidate_.assign(path_);
    if (!path_.empty()) candidate_ += '/';
    candidate_ += "index";
    candidate_.append(ext);
    if ((this->*check)(candidate_, r)) return true;
  }
  return false;
}

bool Resolver::in_graph(std::string_view candidate, Resolution& r) {
  auto n = g_.find(candidate);
  if (!n || !g_.node(*n).present) return false;
  r.target = Target::module;
  r.id = g_.id(*n);
  return true;
}

bool Resolver::on_disk(std::string_view candidate, Resolution& r) {
  disk_.assign(g_.root());
  disk_ += '/';
  disk_.append(candidate);
  struct stat st;
  if (::stat(disk_.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return false;
  // `candidate` may be candidate_ itself; keep the answer in a buffer the next probe won't touch.
  if (candidate.data() != path_.data()) path_.assign(candidate);
  r.target = Target::file;
  r.id = path_;
  return true;
}

Resolver::Resolution Resolver::resolve_package(std::string_view spec) {
  Resolution r;
  size_t name_end = spec.find('/');
  if (spec.front() == '@') {
    if (name_end == std::string_view::npos || name_end == 1 || name_end + 1 == spec.size()) {
      r.error = "a scoped package needs @scope/name";
      return r;
    }
    name_end = spec.find('/', name_end + 1);
  }
  if (name_end == std::string_view::npos) name_end = spec.size();
  r.target = Target::package;
  r.package = spec.substr(0, name_end);
  r.subpath = name_end < spec.size() ? spec.substr(name_end + 1) : std::string_view{};
  return r;
}

}  // namespace hr::graph

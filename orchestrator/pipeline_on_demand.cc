// On-demand builds (Options::on_demand): the cold start builds the entries (in framework mode the
// routes too, whose exports make the route table), bundles every npm package the app's text
// imports (package_scan.h, pipeline_deps.cc), and serves. A request for a module not built yet
// builds it at once, in one build with the unbuilt modules its static imports reach (as scanned),
// since the page asks for them next; a navigation builds the page its URL matches before the
// page's script asks for it; once requests go quiet the rest is built in the background
// (pipeline_background.cc). unbuilt_modules.h keeps the books: a module changed while unbuilt is
// built from its new text.
//
// A module is served only once every module its static imports reach is built (or named at the
// URL a snapshot vouches for): a module not built yet is imported at a URL without a token, which
// moves once it is built. Served earlier, one importer would name it at one URL and another, built
// later, at the next: the page's one load would hold two instances of it (two React contexts of
// one state module, and a blank page). So a request waits for what its module reaches, including
// modules other requests or the background are building.
#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>

#include "common/read_file.h"
#include "orchestrator/missing_packages.h"
#include "orchestrator/package_scan.h"
#include "orchestrator/pipeline.h"
#include "orchestrator/route_match.h"
#include "orchestrator/scan_cache.h"

namespace hr::orch {

bool Pipeline::unbuilt(std::string_view path) const {
  return path.size() > 1 && path[0] == '/' && unbuilt_.contains(path.substr(1));
}

bool Pipeline::waits_for_build(std::string_view path) const {
  return !unbuilt_.empty() && !waited_for(path).empty();
}

// A module's unsettled closure; for the HTML shell ("/"), the entries': it names them at their
// URLs, and an entry's URL moves while a module it reaches is unbuilt. Served then, the shell
// would name an entry at a URL no later page names, and the next start would fetch it again.
std::vector<std::string> Pipeline::waited_for(std::string_view path) const {
  if (path.empty() || path[0] != '/' || !current_) return {};
  if (path.size() > 1) return unsettled_closure(std::string(path.substr(1)));
  std::set<std::string> all;
  for (const auto& entry : current_->entries) {
    const auto unsettled = unsettled_closure(std::string(entry));
    all.insert(unsettled.begin(), unsettled.end());
  }
  return {all.begin(), all.end()};
}

void Pipeline::build_on_request(std::string path, std::function<void()> ready) {
  const std::vector<std::string> pending = waited_for(path);
  if (pending.empty()) return ready();
  ++counters_.built_on_request;
  // Answered once all of them are built or failed (or could not be built: the request is then
  // served with what the server has).
  auto left = std::make_shared<size_t>(pending.size());
  auto one_done = [left, ready = std::move(ready)] {
    if (--*left == 0) ready();
  };
  for (const auto& m : pending) unbuilt_.wait(m, one_done);
  build_unbuilt(pending, true);
  // Then, in a build of their own (the request does not wait for it), what they import that is
  // not built yet, though named at a URL the last server gave it: a page without them in its
  // cache asks for them next.
  const std::string id = path.substr(1);
  if (unbuilt_.contains(id)) build_unbuilt(unbuilt_closure(id), true);
}

// The page's script asks for its route module only once the entry, the npm bundle and the root
// have loaded and run: a few hundred ms a build of the page can have instead. Modules a snapshot
// vouches for are left to requests (a browser that kept them asks for none).
void Pipeline::build_for_navigation(std::string_view path) {
  if (unbuilt_.empty() || !current_) return;
  for (const graph::ModuleSpec& spec : current_->modules) {
    if (spec.kind != graph::Kind::page || spec.route.empty()) continue;
    if (!route_matches(spec.route, path)) continue;
    const auto todo = unsettled_closure(std::string(spec.id));
    if (todo.empty()) continue;
    ++counters_.built_for_navigation;
    spdlog::debug("a navigation to {}: building {} ({} modules)", path, spec.id, todo.size());
    build_unbuilt(todo, true);
  }
}

// `id` and the unbuilt modules its static imports reach through unbuilt modules (as scanned).
std::vector<std::string> Pipeline::unbuilt_closure(const std::string& id) const {
  std::vector<std::string> closure, stack{id};
  std::set<std::string> seen{id};
  while (!stack.empty()) {
    std::string m = std::move(stack.back());
    stack.pop_back();
    if (!unbuilt_.contains(m)) continue;
    closure.push_back(m);
    auto it = static_deps_.find(m);
    if (it == static_deps_.end()) continue;
    for (const auto& dep : it->second)
      if (seen.insert(dep).second) stack.push_back(dep);
  }
  return closure;
}

// The modules not built yet that module `id` reaches through static imports (as scanned), built
// modules included, and `id` itself if it is not built: what its served code would name at a URL
// that moves, built in one go rather than a build per level of imports. A module named at a URL
// the last server gave it (a snapshot's expectation) keeps it, and so does what it imports.
// Built modules whose walk found nothing are remembered: nothing they reach is unbuilt again.
std::vector<std::string> Pipeline::unsettled_closure(const std::string& id) const {
  if (unbuilt_.empty() || settled_.count(id)) return {};
  if (!unbuilt_.contains(id) && !static_deps_.count(id)) return {};  // not an app module
  std::vector<std::string> unsettled, built, stack{id};
  std::set<std::string> seen{id};
  while (!stack.empty()) {
    std::string m = std::move(stack.back());
    stack.pop_back();
    if (settled_.count(m)) continue;
    if (!unbuilt_.contains(m)) {
      built.push_back(m);
    } else if (m == id || site_.token(m).empty()) {
      unsettled.push_back(m);
    } else {
      continue;  // expected: so is everything it imports
    }
    auto it = static_deps_.find(m);
    if (it == static_deps_.end()) continue;
    for (const auto& dep : it->second)
      if (seen.insert(dep).second) stack.push_back(dep);
  }
  if (unsettled.empty()) settled_.insert(built.begin(), built.end());
  return unsettled;
}

void Pipeline::defer_builds(std::vector<std::string>& js) {
  if (!options_.on_demand) return;
  std::set<std::string, std::less<>> now(current_->entries.begin(), current_->entries.end());
  if (!current_->router_root.empty()) {
    now.emplace(current_->router_root);
    for (const graph::ModuleSpec& spec : current_->modules)
      if (spec.kind == graph::Kind::page) now.emplace(spec.id);
  }
  std::vector<std::string> kept, deferred;
  for (auto& id : js) (now.count(id) ? kept : deferred).push_back(std::move(id));
  // The modules built now are scanned too: a request for one waits for what they import.
  std::vector<std::string> all = deferred;
  all.insert(all.end(), kept.begin(), kept.end());
  const auto scans = scans_of(all);
  InstalledPackages installed;
  for (size_t i = 0; i < all.size(); ++i) {
    if (i >= deferred.size()) {
      note_static_imports(all[i], scans[i]);
      continue;
    }
    take_scan(all[i], scans[i], installed);
    unbuilt_.add(all[i]);
  }
  js = std::move(kept);
}

// The modules' scans: from the scan cache where what names a module's text is the one it was
// scanned with, else read now and kept for the next start. A module nothing names yet (the
// manifest gives no hash and no build read it) is read: its hash names it from then on.
std::vector<std::vector<ScannedImport>> Pipeline::scans_of(const std::vector<std::string>& ids) {
  ScanCache cache =
      options_.scan_cache.empty() ? ScanCache() : ScanCache::load(options_.scan_cache);
  const auto keys = content_keys();
  std::vector<std::vector<ScannedImport>> out(ids.size());
  std::vector<std::string> unscanned;
  std::vector<size_t> at;
  for (size_t i = 0; i < ids.size(); ++i) {
    auto key = keys.find(ids[i]);
    const auto* hit = key != keys.end() ? cache.find(ids[i], key->second) : nullptr;
    if (hit)
      out[i] = *hit;
    else
      unscanned.push_back(ids[i]), at.push_back(i);
  }
  auto fresh = scan_files(root_, unscanned);
  for (size_t k = 0; k < at.size(); ++k) {
    const std::string& id = unscanned[k];
    if (!fresh[k].read) continue;
    // The bytes read now name it, unless the compiler's hash does.
    auto key = keys.find(id);
    if (key == keys.end() || !key->second.starts_with("c:"))
      key = file_keys_.insert_or_assign(id, file_key(fresh[k].hash)).first;
    cache.put(id, key->second, fresh[k].imports);
    out[at[k]] = std::move(fresh[k].imports);
  }
  if (options_.scan_cache.empty()) return out;
  cache.keep_only(ids);
  if (auto saved = cache.save(); !saved)
    spdlog::warn("import scans not kept: {}", saved.error().message);
  spdlog::debug("import scans: {} from {}, {} read", ids.size() - unscanned.size(),
                options_.scan_cache.string(), unscanned.size());
  return out;
}

void Pipeline::scan_module(const std::string& id) {
  InstalledPackages installed;
  take_scan(id, scan_imports(read_file_or_empty(root_ / id)), installed);
}

void Pipeline::rescan_built(const std::string& id) {
  if (!unbuilt_.empty()) note_static_imports(id, scan_imports(read_file_or_empty(root_ / id)));
}

void Pipeline::note_static_imports(const std::string& id,
                                   const std::vector<ScannedImport>& imports) {
  std::vector<std::string> deps, lazy;
  for (const auto& import : imports) {
    const auto target = resolver_.resolve(import.specifier, id);
    if (target.target == graph::Resolver::Target::module)
      (import.dynamic ? lazy : deps).emplace_back(target.id);
  }
  note_module_imports(id, std::move(deps), std::move(lazy));
}

void Pipeline::note_module_imports(const std::string& id, std::vector<std::string> deps,
                                   std::vector<std::string> lazy) {
  set_static_deps(id, std::move(deps));
  // Before it is built: its lazy imports' targets are named by version from the first page on.
  site_.note_lazy_imports(id, std::move(lazy));
}

void Pipeline::set_static_deps(const std::string& id, std::vector<std::string> deps) {
  auto& kept = static_deps_[id];
  // A module that imports another now may reach one not built yet.
  if (kept != deps) settled_.clear();
  kept = std::move(deps);
}

void Pipeline::take_scan(const std::string& id, const std::vector<ScannedImport>& imports,
                         InstalledPackages& installed) {
  if (scanned_missing_.erase(id)) packages_dirty_ = true;
  const auto is_installed = [&](const std::string& name) {
    auto [it, fresh] = installed.try_emplace(name, false);
    if (fresh) it->second = package_installed(root_, name);
    return it->second;
  };
  std::vector<std::string> deps, lazy;
  for (const auto& import : imports) {
    const std::string& spec = import.specifier;
    const auto target = resolver_.resolve(spec, id);
    if (target.target == graph::Resolver::Target::module)
      (import.dynamic ? lazy : deps).emplace_back(target.id);
    if (target.target != graph::Resolver::Target::package) continue;
    if (!is_installed(package_name(spec))) {
      // An error now, as a build would report it, rather than when a page asks for the module.
      scanned_missing_[id].push_back(spec);
      packages_dirty_ = true;
    } else if (scanned_packages_.insert(spec).second) {
      packages_dirty_ = true;
    }
  }
  note_module_imports(id, std::move(deps), std::move(lazy));
}

void Pipeline::build_unbuilt(const std::vector<std::string>& ids, bool on_request) {
  auto ticket = std::make_shared<UnbuiltModules::Ticket>(unbuilt_.start(ids, on_request));
  if (ticket->generations.empty()) return;
  std::vector<std::string> todo;
  for (const auto& [id, generation] : ticket->generations) todo.push_back(id);
  if (on_request) ++requests_in_flight_;
  build_modules(todo, [this, ticket, on_request](Result<ModuleBuild> r) {
    if (on_request) --requests_in_flight_;
    take_unbuilt(*ticket, std::move(r), on_request);
    if (requests_in_flight_ == 0 && background_started_) quiet_then_background();
  });
}

void Pipeline::take_unbuilt(const UnbuiltModules::Ticket& ticket, Result<ModuleBuild> r,
                            bool on_request) {
  std::set<std::string> built;
  if (r) {
    for (const auto& m : r->modules) built.insert(m.id);
  } else {
    spdlog::warn("building {} modules on demand failed: {}", ticket.generations.size(),
                 r.error().message);
  }
  auto out = unbuilt_.finish(ticket, built, !r);
  ModuleBuild fresh;
  if (r) {
    for (auto& m : r->modules)
      if (out.fresh.count(m.id)) fresh.modules.push_back(std::move(m));
    store(fresh);
    if (!r->errors.empty()) show_error(r->errors.front());
  }
  if (!out.stale.empty()) build_unbuilt(out.stale, on_request);
  publish_built(fresh, std::move(out.ready));
  if (unbuilt_.empty() && !all_built_) {
    all_built_ = true;
    static_deps_.clear();  // walked only while some module is not built
    settled_.clear();
    spdlog::info("every module is built ({} in the background)", background_total_);
    save_tokens();
    if (background_started_) quiet_then_background();  // then a fresh esbuild (renew_builders)
  }
}

void Pipeline::publish_built(const ModuleBuild& fresh, std::vector<std::function<void()>> ready) {
  auto answer = [this, ready = std::move(ready)] {
    publish();
    // After the publish, which the server applies in order: the requests find their modules.
    for (const auto& r : ready) boost::asio::post(io_, r);
  };
  bool new_packages = false;
  for (const auto& m : fresh.modules)
    for (const auto& p : m.packages) new_packages |= !site_.deps().entry.count(p);
  if (!new_packages) return answer();
  // The scan missed a package (an import it cannot see): the bundle changes, pages reload.
  ensure_deps([this, answer](Result<bool> changed) {
    if (!changed) spdlog::error("{}", changed.error().message);
    answer();
    if (changed && *changed) {
      ++counters_.reloads;
      publisher_.broadcast(full_reload_message(
          "a module built on demand imports an npm package the bundle did not have"));
    }
  });
}

void Pipeline::show_error(const esbuild::Message& e) {
  spdlog::error("{}", esbuild::format_message(e));
  site_.set_standing_error(error_message("", e));
  publisher_.broadcast(site_.standing_error());
}

}  // namespace hr::orch

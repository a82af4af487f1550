#include "orchestrator/site_state.h"

#include <algorithm>

#include "orchestrator/assemble.h"

namespace hr::orch {

void SiteState::index_imports(const std::string& id, const std::vector<std::string>& imports,
                              bool add) {
  for (const auto& dep : imports) {
    if (add) {
      importers_[dep].insert(id);
    } else if (auto it = importers_.find(dep); it != importers_.end()) {
      it->second.erase(id);
    }
  }
}

void SiteState::index_lazy_imports(const std::string& id, const std::vector<std::string>* before,
                                   const std::vector<std::string>* now) {
  std::map<std::string, bool> was;  // whether each target was named by version
  for (const auto* list : {before, now})
    if (list)
      for (const auto& dep : *list) was.emplace(dep, named_by_version(dep));
  if (before)
    for (const auto& dep : *before)
      if (auto it = lazy_importers_.find(dep); it != lazy_importers_.end() && it->second.erase(id))
        if (it->second.empty()) lazy_importers_.erase(it);
  if (now)
    for (const auto& dep : *now) lazy_importers_[dep].insert(id);
  for (const auto& [dep, by_version] : was) {
    if (named_by_version(dep) == by_version) continue;
    // Its importers name it otherwise now; a page holding it hears where its URL went.
    forget_dep_url(dep);
    token_dirty_.insert(dep);
    if (tokens_.count(dep)) url_changes_.moved["/" + dep] = url_value(dep);
  }
}

void SiteState::note_lazy_imports(const std::string& id, std::vector<std::string> lazy) {
  if (modules_.count(id)) return;
  // Most modules import nothing lazily: a start of 10,000 keeps no entry for them.
  auto it = noted_lazy_.find(id);
  const std::vector<std::string>* before = it == noted_lazy_.end() ? nullptr : &it->second;
  if (before ? *before == lazy : lazy.empty()) return;
  index_lazy_imports(id, before, &lazy);
  if (lazy.empty())
    noted_lazy_.erase(it);
  else
    noted_lazy_[id] = std::move(lazy);
}

void SiteState::put_module(const std::string& id, Module m) {
  std::set<std::string> touched(m.imports.begin(), m.imports.end());
  const Module* old = nullptr;
  if (auto it = modules_.find(id); it != modules_.end()) {
    old = &it->second;
    index_imports(id, old->imports, false);
    touched.insert(old->imports.begin(), old->imports.end());
  }
  index_imports(id, m.imports, true);
  auto noted = noted_lazy_.find(id);
  index_lazy_imports(id,
                     old                          ? &old->lazy
                     : noted != noted_lazy_.end() ? &noted->second
                                                  : nullptr,
                     &m.lazy);
  if (noted != noted_lazy_.end()) noted_lazy_.erase(noted);
  std::set<std::string> new_wrappers;
  for (const auto& [dep, variant] : m.wrapped)
    if (wrappers_[dep].insert(variant).second) new_wrappers.insert(dep);
  code_hashes_[id] = code_hash(m);
  forget_dep_url(id);
  modules_[id] = std::move(m);
  Module& put = modules_[id];
  if (put.is_style) put.css_linked = !imported_plainly(id);
  if (!tokenized(id)) drop_expectation(id);  // served as CSS now: its importers name it otherwise
  token_dirty_.insert(id);
  schedule_assembly(id);
  for (const auto& dep : new_wrappers) assemble_wrappers(dep);
  relink_styles(touched);
}

void SiteState::schedule_assembly(const std::string& id) {
  const Module& m = modules_.at(id);
  if (m.is_style && m.css_linked) {
    assemble(id);  // no token in it: its URL in the shell and in `?url` values is its content's
  } else {
    pending_.insert(id);
  }
}

bool SiteState::imported_plainly(const std::string& id) const {
  auto it = importers_.find(id);
  if (it == importers_.end()) return false;
  for (const auto& importer : it->second) {
    auto m = modules_.find(importer);
    if (m == modules_.end()) continue;
    const auto& wrapped = m->second.wrapped;
    if (std::none_of(wrapped.begin(), wrapped.end(), [&](const auto& w) { return w.first == id; }))
      return true;
  }
  return false;
}

void SiteState::relink_styles(const std::set<std::string>& ids) {
  for (const auto& id : ids) {
    auto it = modules_.find(id);
    if (it != modules_.end() && it->second.is_style &&
        it->second.css_linked == imported_plainly(id)) {
      // Served the other way: as CSS it has no token, so its importers' URLs change too.
      it->second.css_linked = !it->second.css_linked;
      if (it->second.css_linked) drop_expectation(id);
      token_dirty_.insert(id);
      forget_dep_url(id);
      schedule_assembly(id);
    }
  }
}

void SiteState::put_source(const std::string& id, std::string bytes, bool as_file) {
  if (as_file) {
    const std::string path = "/" + id;
    site_.modules[path] = server::make_asset(bytes, std::string(server::content_type_for(path)),
                                             server::content_token(bytes));
    dirty_.insert(path);
  }
  sources_[id] = std::move(bytes);
  assemble_wrappers(id);
}

void SiteState::put_file(const std::string& path, std::string bytes) {
  site_.modules[path] =
      server::make_asset(std::move(bytes), std::string(server::content_type_for(path)));
  dirty_.insert(path);
}

void SiteState::assemble_wrappers(const std::string& id) {
  auto it = wrappers_.find(id);
  if (it == wrappers_.end()) return;
  const std::string url_path = "/" + id;
  const std::string url = url_path + file_query(id);
  auto source = sources_.find(id);
  const std::string_view bytes = source == sources_.end() ? "" : std::string_view(source->second);
  for (const auto& variant : it->second) {
    const std::string path = wrapper_path(id, variant);
    std::string code = assemble_wrapper(variant, url, bytes, server::content_type_for(url_path));
    std::string token = server::content_token(code);
    if (std::exchange(wrapper_tokens_[path], token) != token) token_dirty_.insert(id);
    site_.modules[path] = server::make_asset(std::move(code), "application/javascript", token);
    dirty_.insert(path);
  }
}

void SiteState::remove_module(const std::string& id) {
  drop_expectation(id);  // what imports it named it at a URL it no longer has
  dropped_.erase(id);
  std::set<std::string> touched;
  if (auto old = modules_.find(id); old != modules_.end()) {
    index_imports(id, old->second.imports, false);
    index_lazy_imports(id, &old->second.lazy, nullptr);
    touched.insert(old->second.imports.begin(), old->second.imports.end());
  }
  if (auto noted = noted_lazy_.find(id); noted != noted_lazy_.end()) {
    index_lazy_imports(id, &noted->second, nullptr);
    noted_lazy_.erase(noted);
  }
  modules_.erase(id);
  code_hashes_.erase(id);
  forget_dep_url(id);
  sources_.erase(id);
  versions_.erase(id);
  pending_.erase(id);
  tokens_.erase(id);
  token_dirty_.insert(id);
  site_.modules.erase("/" + id);
  dirty_.insert("/" + id);
  relink_styles(touched);
}

server::SiteChanges SiteState::take_changes() {
  settle();
  server::SiteChanges changes;
  for (const auto& path : dirty_) {
    auto it = site_.modules.find(path);
    changes.modules.emplace_back(path, it == site_.modules.end() ? nullptr : it->second);
  }
  if (html_dirty_) changes.html = site_.html;
  mark_published();
  return changes;
}

void SiteState::set_versions(const std::set<std::string>& ids, std::uint64_t version) {
  // The importers of `ids` are assembled at settle(): their tokens hash the versions they import.
  for (const auto& id : ids) {
    versions_[id] = version;
    forget_dep_url(id);
    assemble_wrappers(id);
    token_dirty_.insert(id);
  }
}

std::uint64_t SiteState::version(std::string_view id) const {
  auto it = versions_.find(id);
  return it == versions_.end() ? 0 : it->second;
}

const SiteState::Module* SiteState::module(const std::string& id) const {
  auto it = modules_.find(id);
  return it == modules_.end() ? nullptr : &it->second;
}

std::vector<std::string> SiteState::module_parts(const std::string& id) const {
  const Module* m = module(id);
  if (!m || m->is_style) return {};
  const std::string path = "/" + id;
  return assemble_js_module_parts(
      {path, m->refresh_boundary, m->source_map, token(id), named_by_version(id), client_url_},
      m->code, deps_.key, [this](std::string_view dep) { return query_of(dep); });
}

void SiteState::assemble(const std::string& id) {
  Module& m = modules_.at(id);
  const std::string path = "/" + id;
  dirty_.insert(path);
  if (m.is_style) m.css_linked = !imported_plainly(id);
  if (m.is_style && m.css_linked) {
    site_.modules[path] = server::make_asset(m.code, "text/css", server::content_token(m.code));
    html_stale_ = html_stale_ || html_refs_.count(id);
    assemble_wrappers(id);  // a `?url` import's value names this content
    return;
  }
  const std::string& t = token(id);
  const bool by_version = named_by_version(id);
  if (m.is_style) {
    site_.modules[path] = server::make_asset(
        assemble_css_module(path, m.code, t, client_url_, by_version), "application/javascript", t);
    return;
  }
  std::string bytes =
      assemble_js_module({path, m.refresh_boundary, m.source_map, t, by_version, client_url_},
                         m.code, deps_.key, [this](std::string_view dep) { return query_of(dep); });
  site_.modules[path] = server::make_asset(std::move(bytes), "application/javascript", t);
}

void SiteState::set_deps(DepsBundle deps) {
  const bool key_changed = deps.key != deps_.key;
  deps_ = std::move(deps);
  full_publish_ = true;
  site_.deps.clear();
  // The bytes move to the server, which alone serves them (a copy was megabytes a start).
  for (auto& f : deps_.files) site_.deps[f.url] = server::make_asset(std::move(f.contents));
  deps_.files.clear();
  if (key_changed) {
    for (const auto& [id, m] : modules_) {
      if (m.is_style) continue;
      pending_.insert(id);
      token_dirty_.insert(id);
    }
  }
  assemble_html();
}

std::set<std::string> SiteState::packages_in_use() const {
  std::set<std::string> out;
  for (const auto& [id, m] : modules_) out.insert(m.packages.begin(), m.packages.end());
  return out;
}

std::vector<std::string> SiteState::importers_of_package(const std::string& spec) const {
  std::vector<std::string> out;
  for (const auto& [id, m] : modules_)
    if (std::find(m.packages.begin(), m.packages.end(), spec) != m.packages.end())
      out.push_back(id);
  return out;
}

std::string SiteState::refresh_runtime_url() const {
  auto it = deps_.entry.find(kRefreshRuntime);
  return it == deps_.entry.end() ? "" : it->second;
}

void SiteState::set_html(std::string raw_html) {
  raw_html_ = std::move(raw_html);
  assemble_html();
}

void SiteState::set_standing_error(std::string error_json) {
  standing_error_ = std::move(error_json);
  assemble_html();
}

void SiteState::assemble_html() {
  html_refs_.clear();
  html_stale_ = false;
  std::string html = hr::orch::assemble_html(name_versions(raw_html_,
                                                           [this](std::string_view path) {
                                                             html_refs_.emplace(path.substr(1));
                                                             return html_query(path);
                                                           }),
                                             refresh_runtime_url());
  if (!standing_error_.empty()) {
    // Read by the HMR client at start-up (docs/hmr-protocol.md); "<" escaped so the JSON cannot
    // close the script element.
    std::string json;
    for (char c : standing_error_) json += c == '<' ? std::string("\\u003c") : std::string(1, c);
    const std::string script = "<script>window.__hr_standing_error = " + json + ";</script>\n";
    const size_t at = html.find("<script");
    html.insert(at == std::string::npos ? html.size() : at, script);
  }
  site_.html = std::move(html);
  html_dirty_ = true;
}

void SiteState::set_client_js(std::string js) {
  client_url_ = std::string(kClientPath) + "?v=" + server::content_token(js);
  site_.client_js = std::move(js);
  for (const auto& [id, m] : modules_) {  // every module imports the client at its URL
    pending_.insert(id);
    token_dirty_.insert(id);
  }
}

}  // namespace hr::orch

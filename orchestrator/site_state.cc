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

void SiteState::put_module(const std::string& id, Module m) {
  std::set<std::string> touched(m.imports.begin(), m.imports.end());
  if (auto old = modules_.find(id); old != modules_.end()) {
    index_imports(id, old->second.imports, false);
    touched.insert(old->second.imports.begin(), old->second.imports.end());
  }
  index_imports(id, m.imports, true);
  std::set<std::string> new_wrappers;
  for (const auto& [dep, variant] : m.wrapped)
    if (wrappers_[dep].insert(variant).second) new_wrappers.insert(dep);
  modules_[id] = std::move(m);
  assemble(id);
  for (const auto& dep : new_wrappers) assemble_wrappers(dep);
  relink_styles(touched);
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
        it->second.css_linked == imported_plainly(id))
      assemble(id);
  }
}

void SiteState::put_source(const std::string& id, std::string bytes, bool as_file) {
  if (as_file) {
    const std::string path = "/" + id;
    site_.modules[path] = server::make_asset(bytes, std::string(server::content_type_for(path)));
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
  const std::uint64_t v = version(id);
  const std::string url = v ? url_path + "?t=" + std::to_string(v) : url_path;
  auto source = sources_.find(id);
  const std::string_view bytes = source == sources_.end() ? "" : std::string_view(source->second);
  for (const auto& variant : it->second) {
    const std::string path = wrapper_path(id, variant);
    site_.modules[path] = server::make_asset(
        assemble_wrapper(variant, url, bytes, server::content_type_for(url_path)));
    dirty_.insert(path);
  }
}

void SiteState::remove_module(const std::string& id) {
  std::set<std::string> touched;
  if (auto old = modules_.find(id); old != modules_.end()) {
    index_imports(id, old->second.imports, false);
    touched.insert(old->second.imports.begin(), old->second.imports.end());
  }
  modules_.erase(id);
  sources_.erase(id);
  versions_.erase(id);
  site_.modules.erase("/" + id);
  dirty_.insert("/" + id);
  relink_styles(touched);
}

server::SiteChanges SiteState::take_changes() {
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
  std::set<std::string> importers;
  for (const auto& id : ids) {
    versions_[id] = version;
    assemble_wrappers(id);
    if (auto it = importers_.find(id); it != importers_.end())
      importers.insert(it->second.begin(), it->second.end());
  }
  for (const auto& id : importers)
    if (modules_.count(id)) assemble(id);
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
  return assemble_js_module_parts({path, m->refresh_boundary, m->source_map}, m->code, deps_.key,
                                  [this](std::string_view dep) { return version(dep); });
}

void SiteState::assemble(const std::string& id) {
  Module& m = modules_.at(id);
  const std::string path = "/" + id;
  dirty_.insert(path);
  if (m.is_style) m.css_linked = !imported_plainly(id);
  if (m.is_style && m.css_linked) {
    site_.modules[path] = server::make_asset(m.code, "text/css");
    return;
  }
  std::string bytes =
      m.is_style ? assemble_css_module(path, m.code)
                 : assemble_js_module({path, m.refresh_boundary, m.source_map}, m.code, deps_.key,
                                      [this](std::string_view dep) { return version(dep); });
  site_.modules[path] = server::make_asset(std::move(bytes));
}

void SiteState::set_deps(DepsBundle deps) {
  const bool key_changed = deps.key != deps_.key;
  deps_ = std::move(deps);
  full_publish_ = true;
  site_.deps.clear();
  for (const auto& f : deps_.files) site_.deps[f.url] = server::make_asset(f.contents);
  if (key_changed) {
    for (const auto& [id, m] : modules_)
      if (!m.is_style) assemble(id);
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
  std::string html = hr::orch::assemble_html(raw_html_, refresh_runtime_url());
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
  site_.client_js = std::move(js);
}

void SiteState::set_status(std::string json) {
  site_.modules["/@hr/status"] = server::make_asset(std::move(json), "application/json");
  dirty_.insert("/@hr/status");
}

}  // namespace hr::orch

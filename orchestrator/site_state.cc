#include "orchestrator/site_state.h"

#include "orchestrator/assemble.h"

namespace hr::orch {

void SiteState::put_module(const std::string& id, Module m) {
  modules_[id] = std::move(m);
  assemble(id);
}

void SiteState::remove_module(const std::string& id) {
  modules_.erase(id);
  site_.modules.erase("/" + id);
}

const SiteState::Module* SiteState::module(const std::string& id) const {
  auto it = modules_.find(id);
  return it == modules_.end() ? nullptr : &it->second;
}

void SiteState::assemble(const std::string& id) {
  const Module& m = modules_.at(id);
  const std::string path = "/" + id;
  if (m.is_style && m.css_linked) {
    site_.modules[path] = server::make_asset(m.code, "text/css");
    return;
  }
  std::string bytes = m.is_style
                          ? assemble_css_module(path, m.code)
                          : assemble_js_module({path, m.refresh_boundary}, m.code, deps_.key);
  site_.modules[path] = server::make_asset(std::move(bytes));
}

void SiteState::set_deps(DepsBundle deps) {
  const bool key_changed = deps.key != deps_.key;
  deps_ = std::move(deps);
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
}

void SiteState::set_client_js(std::string js) {
  site_.client_js = std::move(js);
}

void SiteState::set_status(std::string json) {
  site_.modules["/@hr/status"] = server::make_asset(std::move(json), "application/json");
}

}  // namespace hr::orch

// SiteState's expected tokens (site_state.h, token_snapshot.h): what a restart names the modules
// it has not built yet, and the snapshot it saves for the next one.
#include "orchestrator/site_state.h"

namespace hr::orch {

void SiteState::expect_tokens(const std::map<std::string, SavedToken>& valid) {
  for (const auto& [id, saved] : valid) {
    if (saved.version) versions_[id] = saved.version;
    forget_dep_url(id);
    token_dirty_.insert(id);
    if (!saved.token.empty() && !modules_.count(id)) expected_[id] = saved.token;
    for (const auto& dep : saved.imports) expected_importers_[dep].push_back(id);
  }
}

void SiteState::drop_expectation(const std::string& id) {
  if (expected_importers_.empty()) return;  // none expected: every module is built
  std::vector<std::string> stack{id};
  std::set<std::string> seen;
  while (!stack.empty()) {
    std::string at = std::move(stack.back());
    stack.pop_back();
    if (!seen.insert(at).second) continue;
    if (at != id) {
      if (!expected_.erase(at)) continue;  // built: its own token tells its importers
      forget_dep_url(at);
      token_dirty_.insert(at);  // so the built modules importing it are hashed again
    }
    if (auto it = expected_importers_.find(at); it != expected_importers_.end())
      for (const auto& importer : it->second) stack.push_back(importer);
  }
  if (expected_.erase(id)) forget_dep_url(id), token_dirty_.insert(id);
  if (expected_.empty()) expected_importers_.clear();
}

TokenSnapshot SiteState::snapshot(
    std::string env, const std::function<const std::string*(const std::string&)>& hash_of) {
  settle();
  TokenSnapshot s;
  s.env = std::move(env);
  for (const auto& [id, m] : modules_) {
    const std::string* hash = hash_of(id);
    if (!hash) continue;
    SavedToken& t = s.modules[id];
    t.hash = *hash;
    t.version = version(id);
    t.token = tokenized(id) ? token(id) : std::string();
    t.imports = m.imports;
    for (const auto& [dep, variant] : m.wrapped) t.imports.push_back(dep);
  }
  // What they import that is no module (an asset, its `?url` value): its version is in their
  // tokens, and its bytes in a wrapper's.
  std::set<std::string> files;
  for (const auto& [id, t] : s.modules)
    for (const auto& dep : t.imports)
      if (!s.modules.count(dep)) files.insert(dep);
  for (const auto& id : files)
    if (const std::string* hash = hash_of(id)) s.modules[id] = {*hash, version(id), "", {}};
  return s;
}

}  // namespace hr::orch

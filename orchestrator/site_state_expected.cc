// SiteState's expected tokens (site_state.h, token_snapshot.h): what a restart names the modules
// it has not built yet, and the snapshot it saves for the next one.
#include "orchestrator/site_state.h"

namespace hr::orch {

void SiteState::expect_tokens(const std::map<std::string, SavedToken>& valid) {
  for (const auto& [id, saved] : valid) {
    if (saved.version) versions_[id] = saved.version;
    forget_dep_url(id);
    token_dirty_.insert(id);
    // A module built already has its token at the next settle(): checked against this one, so
    // the modules importing it keep theirs when it is the same.
    if (!saved.token.empty()) expected_[id] = saved.token;
    for (const auto& dep : saved.imports) expected_importers_[dep].push_back(id);
  }
}

void SiteState::drop_expectation(const std::string& id) {
  if (expected_.empty()) return;  // none expected: every module is built
  std::vector<std::string> stack{id};
  std::set<std::string> seen;
  while (!stack.empty()) {
    std::string at = std::move(stack.back());
    stack.pop_back();
    if (!seen.insert(at).second) continue;
    if (at != id) {
      auto it = expected_.find(at);
      if (it == expected_.end()) continue;  // built: its own token tells its importers
      unexpect(it);
    }
    if (auto it = expected_importers_.find(at); it != expected_importers_.end())
      for (const auto& importer : it->second) stack.push_back(importer);
  }
  if (auto it = expected_.find(id); it != expected_.end()) unexpect(it);
  if (expected_.empty()) expected_importers_.clear();
}

// The URL a page may hold stays known (dropped_): when the module gets its token, a page holding
// the old URL hears that it moved or changed.
void SiteState::unexpect(std::map<std::string, std::string, std::less<>>::iterator it) {
  dropped_[it->first] = it->second;
  forget_dep_url(it->first);
  token_dirty_.insert(it->first);  // so the built modules importing it are hashed again
  expected_.erase(it);
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

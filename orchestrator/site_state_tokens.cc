// SiteState's URL tokens (site_state.h): which modules are imported at "?v=<token>", how a token
// is computed, and settle(), which assembles what changed once the tokens are known.
//
// A token must change whenever the bytes served at that URL would: the module's own code,
// version and source map, the npm bundle's key, and the URL of every module it imports. The last
// makes tokens a hash tree over the import graph, computed one strongly connected component at a
// time, dependencies first (Tarjan's order), so a cycle's members hash each other's code instead
// of each other's tokens.
#include <xxhash.h>

#include <algorithm>
#include <functional>

#include "common/hex.h"
#include "orchestrator/assemble.h"
#include "orchestrator/site_state.h"

namespace hr::orch {

namespace {

const std::string kNoToken;

void hash_text(XXH3_state_t* st, std::string_view s) {
  XXH3_64bits_update(st, s.data(), s.size());
  XXH3_64bits_update(st, "", 1);  // a separator, so "ab"+"c" and "a"+"bc" differ
}

void hash_number(XXH3_state_t* st, std::uint64_t n) {
  XXH3_64bits_update(st, &n, sizeof n);
}

}  // namespace

const std::string& SiteState::token(std::string_view id) const {
  auto it = tokens_.find(id);
  return it == tokens_.end() ? expected_token(id) : it->second;
}

const std::string& SiteState::expected_token(std::string_view id) const {
  auto it = expected_.find(id);
  return it == expected_.end() ? kNoToken : it->second;
}

// A stylesheet linked from the page is fetched as CSS at the URL the page gives it (the shell's
// names its content); every other module, a stylesheet imported from JS included, has a token.
bool SiteState::tokenized(std::string_view id) const {
  auto it = modules_.find(id);
  return it != modules_.end() && !(it->second.is_style && it->second.css_linked);
}

std::string SiteState::html_query(std::string_view url_path) const {
  const std::string id(url_path.substr(1));
  auto it = modules_.find(id);
  if (it == modules_.end()) return {};
  if (it->second.is_style && it->second.css_linked) return file_query(id);
  return query_of(url_path);
}

std::string SiteState::file_query(const std::string& id) const {
  auto m = modules_.find(id);
  if (m != modules_.end() && m->second.is_style && m->second.css_linked)
    return "?v=" + server::content_token(m->second.code);
  auto source = sources_.find(id);
  if (m == modules_.end() && source != sources_.end())
    return "?v=" + server::content_token(source->second);
  const std::uint64_t v = version(id);
  return v ? "?t=" + std::to_string(v) : std::string();
}

std::string SiteState::query_of(std::string_view import_path) const {
  const std::string_view id = id_of_import_path(import_path);
  const bool wrapper = import_path.starts_with("/@hr/");
  if (wrapper) {
    auto w = wrapper_tokens_.find(import_path);
    if (w != wrapper_tokens_.end()) return "?v=" + w->second;
  } else {
    return dep_url(id).query;
  }
  const std::uint64_t v = version(id);
  return v ? "?t=" + std::to_string(v) : std::string();
}

bool SiteState::named_by_version(std::string_view id) const {
  return lazy_importers_.find(id) != lazy_importers_.end();
}

std::string SiteState::url_value(const std::string& id) const {
  return named_by_version(id) ? dep_url(id).query : token(id);
}

const SiteState::DepUrl& SiteState::dep_url(std::string_view id) const {
  if (auto it = dep_urls_.find(id); it != dep_urls_.end()) return it->second;
  const bool by_version = named_by_version(id);
  // A token in the URL, or none: the version alone (a lazy import's target, or a module with none).
  const std::string& t = by_version ? kNoToken : tokenized(id) ? token(id) : expected_token(id);
  const std::uint64_t v = version(id);
  DepUrl u;
  u.query = !t.empty() ? "?v=" + t : v ? "?t=" + std::to_string(v) : std::string();
  XXH3_state_t* st = XXH3_createState();
  XXH3_64bits_reset(st);
  hash_text(st, id);
  hash_number(st, v);
  hash_text(st, t);
  hash_number(st, by_version);
  u.hash = XXH3_64bits_digest(st);
  XXH3_freeState(st);
  return dep_urls_.emplace(std::string(id), std::move(u)).first->second;
}

void SiteState::forget_dep_url(std::string_view id) {
  if (auto it = dep_urls_.find(id); it != dep_urls_.end()) dep_urls_.erase(it);
}

std::uint64_t SiteState::code_hash(const Module& m) {
  XXH3_state_t* st = XXH3_createState();
  XXH3_64bits_reset(st);
  hash_text(st, m.code);
  hash_text(st, m.source_map);
  hash_number(st, m.refresh_boundary);
  const std::uint64_t h = XXH3_64bits_digest(st);
  XXH3_freeState(st);
  return h;
}

std::uint64_t SiteState::own_hash(const std::string& id) const {
  XXH3_state_t* st = XXH3_createState();
  XXH3_64bits_reset(st);
  hash_number(st, code_hashes_.at(id));
  hash_number(st, version(id));
  hash_text(st, deps_.key);
  hash_text(st, client_url_);
  hash_text(st, build_env_);
  const std::uint64_t h = XXH3_64bits_digest(st);
  XXH3_freeState(st);
  return h;
}

std::vector<std::string> SiteState::token_closure() const {
  std::set<std::string> seen;
  std::vector<std::string> stack(token_dirty_.begin(), token_dirty_.end());
  std::vector<std::string> out;
  while (!stack.empty()) {
    std::string id = std::move(stack.back());
    stack.pop_back();
    if (!seen.insert(id).second) continue;
    if (auto it = importers_.find(id); it != importers_.end())
      for (const auto& importer : it->second) stack.push_back(importer);
    if (tokenized(id)) out.push_back(id);
  }
  return out;
}

namespace {

// The strongly connected components of a graph of `n` nodes whose edges `edges(v)` gives (node
// indexes), each handed to `done` after every component it reaches: Tarjan's algorithm, without
// recursion (import chains can be thousands deep).
void each_component(size_t n, const std::function<std::vector<int>(int)>& edges,
                    const std::function<void(const std::vector<int>&)>& done) {
  std::vector<int> order(n, -1), low(n, 0), stack;
  std::vector<bool> on_stack(n, false);
  int counter = 0;
  auto visit = [&](int v) {
    order[v] = low[v] = counter++;
    stack.push_back(v);
    on_stack[v] = true;
  };
  for (size_t root = 0; root < n; ++root) {
    if (order[root] >= 0) continue;
    visit(static_cast<int>(root));
    std::vector<std::pair<int, std::vector<int>>> frames{{static_cast<int>(root), edges(root)}};
    while (!frames.empty()) {
      auto& [v, next] = frames.back();
      if (!next.empty()) {
        const int w = next.back();
        next.pop_back();
        if (order[w] < 0) {
          visit(w);
          frames.emplace_back(w, edges(w));  // `v` and `next` are not used after this
        } else if (on_stack[w]) {
          low[v] = std::min(low[v], order[w]);
        }
        continue;
      }
      const int finished = v;
      frames.pop_back();
      if (!frames.empty())
        low[frames.back().first] = std::min(low[frames.back().first], low[finished]);
      if (low[finished] != order[finished]) continue;
      std::vector<int> members;
      for (int w = -1; w != finished;) {
        w = stack.back();
        stack.pop_back();
        on_stack[w] = false;
        members.push_back(w);
      }
      done(members);
    }
  }
}

}  // namespace

// Each component's tokens once every component it imports has its own.
void SiteState::compute_tokens(const std::vector<std::string>& ids) {
  std::map<std::string_view, int> index;  // position in `ids`
  for (size_t i = 0; i < ids.size(); ++i) index[ids[i]] = static_cast<int>(i);
  auto edges = [&](int v) {
    std::vector<int> out;
    for (const auto& dep : modules_.at(ids[v]).imports)
      if (auto it = index.find(dep); it != index.end()) out.push_back(it->second);
    return out;
  };
  each_component(ids.size(), edges, [&](const std::vector<int>& members) {
    std::vector<std::string> names;
    for (int m : members) names.push_back(ids[m]);
    hash_component(names);
  });
}

void SiteState::hash_component(std::vector<std::string>& members) {
  std::sort(members.begin(), members.end());
  const std::set<std::string_view> in(members.begin(), members.end());
  std::map<std::string, std::uint64_t> owns;
  XXH3_state_t* st = XXH3_createState();
  XXH3_64bits_reset(st);
  for (const auto& id : members) {
    const Module& m = modules_.at(id);
    const std::uint64_t own = owns[id] = own_hash(id);
    hash_text(st, id);
    hash_number(st, own);
    for (const auto& dep : m.imports) {
      if (in.count(dep)) {  // the cycle's own: its code is in `shared`, its token comes from it
        hash_text(st, dep);
        hash_number(st, version(dep));
      } else {
        hash_number(st, dep_url(dep).hash);
      }
    }
    for (const auto& [dep, variant] : m.wrapped) {
      auto w = wrapper_tokens_.find(wrapper_path(dep, variant));
      hash_text(st, w == wrapper_tokens_.end() ? kNoToken : w->second);
    }
  }
  const std::uint64_t shared = XXH3_64bits_digest(st);
  for (const auto& id : members) {
    std::uint64_t h = shared;
    if (members.size() > 1) {
      XXH3_64bits_reset(st);
      hash_number(st, shared);
      hash_text(st, id);
      h = XXH3_64bits_digest(st);
    }
    // The module's own hash first: a page's report of a token says whether the module itself
    // changed since (pipeline_urls.cc), not only where its URL went.
    set_token(id, hex64(owns[id]) + hex64(h));
  }
  XXH3_freeState(st);
}

void SiteState::set_token(const std::string& id, std::string token) {
  auto it = tokens_.find(id);
  std::string before = it != tokens_.end() ? it->second : expected_token(id);
  if (auto d = dropped_.find(id); d != dropped_.end()) {
    if (before.empty()) before = d->second;  // the URL a page may hold from the last server
    dropped_.erase(d);
  }
  // Not what the last server gave it (or changed since): what imports it expected that is wrong.
  if (before != token) {
    drop_expectation(id);
    dropped_.erase(id);
  } else if (expected_.erase(id) && expected_.empty()) {
    expected_importers_.clear();
  }
  const bool had = !before.empty();
  if (had && before == token) return void(tokens_[id] = std::move(token));
  pending_.insert(id);
  forget_dep_url(id);
  if (had) {
    // A token starts with the module's own hash: the same start, only the URL moved.
    const std::string path = "/" + id;
    const bool same_code = before.compare(0, kOwnTokenDigits, token, 0, kOwnTokenDigits) == 0;
    if (same_code && named_by_version(id)) {
      // Its URL does not carry its token: it did not move.
    } else if (same_code && !url_changes_.changed.count(path)) {
      url_changes_.moved[path] = token;
    } else {
      url_changes_.moved.erase(path);
      url_changes_.changed.insert(path);
    }
  }
  tokens_[id] = std::move(token);
}

void SiteState::settle() {
  // A token that was not the expected one drops other expectations: their importers again.
  while (!token_dirty_.empty()) {
    const auto closure = token_closure();
    token_dirty_.clear();
    compute_tokens(closure);
  }
  bool html = false;
  for (auto it = pending_.begin(); it != pending_.end();) {
    if (assemble_first_ && !assemble_first_->count(*it)) {
      ++it;
      continue;
    }
    if (modules_.count(*it)) assemble(*it);
    html = html || html_refs_.count(*it);
    it = pending_.erase(it);
  }
  if (html || html_stale_) assemble_html();
}

SiteState::UrlChanges SiteState::take_url_changes() {
  settle();
  return std::exchange(url_changes_, {});
}

}  // namespace hr::orch

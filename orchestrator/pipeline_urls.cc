// Module URL tokens (site_state.h) between the pipeline and the pages: every publish that moved
// or changed a token is followed by one numbered `hr:urls` message (inside the update, when one
// goes with the publish), and the pages report what they evaluated with `hr:loaded`
// (docs/hmr-protocol.md "Caching").
//
// Why the numbers: a page's report can cross a message on the wire. A token that is not current
// but changed after the last message the page had read is news on its way to it. One that changed
// before missed its message: if the module's own code is the same (a token starts with its own
// hash), only the URL moved and the page is told so; otherwise it holds old code no message will
// fix (loaded from a cache, or while an edit went by) and reloads.
#include <spdlog/spdlog.h>

#include "common/hex.h"

#include "orchestrator/pipeline.h"

namespace hr::orch {

namespace json = boost::json;

void Pipeline::publish() {
  publish_site();
  if (auto news = take_url_news()) publisher_.broadcast(urls_message(*news));
}

void Pipeline::publish_site() {
  if (site_.needs_full_publish()) {
    site_.settle();
    publisher_.publish(site_.site());
    site_.mark_published();
  } else {
    publisher_.publish_changes(site_.take_changes());
  }
}

std::optional<UrlNews> Pipeline::take_url_news(const std::set<std::string>& reexecuted) {
  SiteState::UrlChanges c = site_.take_url_changes();
  if (c.empty()) return std::nullopt;
  ++url_seq_;
  for (const auto& [path, token] : c.moved) url_changed_at_[path] = url_seq_;
  for (const auto& path : c.changed) url_changed_at_[path] = url_seq_;
  // The update re-runs these: not news for the page to act on, but changed all the same.
  for (const auto& id : reexecuted) c.changed.erase("/" + id);
  UrlNews news{url_seq_, std::move(c.moved), {}};
  for (const auto& path : c.changed) news.changed[path] = site_.url_value(path.substr(1));
  return news;
}

void Pipeline::take_loaded_report(std::uint64_t client, const json::object& report) {
  const auto* seq = report.if_contains("seq");
  const auto* modules = report.if_contains("modules");
  if (!seq || !seq->is_number() || !modules || !modules->is_object()) return;
  const auto read = seq->to_number<std::uint64_t>();
  std::map<std::string, std::string> moved;  // held where its URL went, news to this page
  for (const auto& [key, value] : modules->as_object()) {
    const std::string path(key);
    reported_loaded_.insert(path);
    if (!value.is_string() || path.size() < 2) continue;
    const std::string_view held = value.as_string();
    const std::string& now = site_.token(std::string_view(path).substr(1));
    if (now.empty() || held == now) continue;
    auto at = url_changed_at_.find(path);
    if (at != url_changed_at_.end() && at->second > read) continue;  // news on its way
    if (held.substr(0, kOwnTokenDigits) == std::string_view(now).substr(0, kOwnTokenDigits)) {
      // Only the URLs it imports moved; one named by version kept its own URL.
      if (!site_.named_by_version(std::string_view(path).substr(1))) moved[path] = now;
      continue;
    }
    const std::string why = path + " changed while the page was loading it";
    spdlog::info("full reload of HMR client {}: {}", client, why);
    publisher_.send(client, full_reload_message(why));
    return;
  }
  if (!moved.empty()) publisher_.send(client, urls_message({url_seq_, std::move(moved), {}}));
}

std::string Pipeline::file_key(std::uint64_t hash) {
  return "f:" + hex64(hash);
}

std::map<std::string, std::string> Pipeline::content_keys() const {
  std::map<std::string, std::string> out;
  for (graph::NodeId n = 0; n < graph_.node_count(); ++n) {
    const auto& node = graph_.node(n);
    if (!node.present) continue;
    const std::string id(node.id);
    if (node.has_compiler_hash) {
      out.emplace(id, "c:" + node.compiler_hash);
    } else if (node.file.known) {
      out.emplace(id, file_key(node.file.hash));
    } else if (auto read = file_keys_.find(id); read != file_keys_.end()) {
      out.emplace(id, read->second);
    }
  }
  return out;
}

std::string Pipeline::token_env() const {
  std::string env = options_.build_env + "\n" + site_.deps().key + "\n" + site_.client_url() +
                    "\n" + root_.string() + "\n";
  for (const auto& flag : env_define_flags(env_)) env += flag + "\n";  // import.meta.env
  return env;
}

bool Pipeline::imports_same(const std::string& id, const std::vector<std::string>& saved) const {
  auto n = graph_.find(id);
  if (!n) return false;
  // As sets: sorted views, not std::set (this runs for every module on a restart).
  const auto as_set = [](std::vector<std::string_view> v) {
    std::sort(v.begin(), v.end());
    v.erase(std::unique(v.begin(), v.end()), v.end());
    return v;
  };
  std::vector<std::string_view> now;
  for (graph::NodeId dep : graph_.node(*n).imports) now.push_back(graph_.id(dep));
  return as_set(std::move(now)) == as_set({saved.begin(), saved.end()});
}

void Pipeline::expect_saved_tokens() {
  if (options_.token_snapshot.empty()) return;
  auto snapshot = load_token_snapshot(options_.token_snapshot);
  if (!snapshot) {
    if (std::filesystem::exists(options_.token_snapshot))
      spdlog::warn("ignoring the saved URL tokens: {}", snapshot.error().message);
    return;
  }
  const auto hashes = content_keys();
  const auto valid = tokens_still_valid(
      std::move(*snapshot), token_env(),
      [&](const std::string& id) {
        auto it = hashes.find(id);
        return it == hashes.end() ? nullptr : &it->second;
      },
      [this](const std::string& id, const std::vector<std::string>& saved) {
        return imports_same(id, saved);
      });
  spdlog::debug("URL tokens of the last start: {} still hold", valid.size());
  site_.expect_tokens(valid);
}

void Pipeline::save_tokens() {
  if (options_.token_snapshot.empty() || !current_ || busy_ || !unbuilt_.empty()) return;
  const auto hashes = content_keys();
  auto snapshot = site_.snapshot(token_env(), [&](const std::string& id) {
    auto it = hashes.find(id);
    return it == hashes.end() ? nullptr : &it->second;
  });
  if (auto saved = save_token_snapshot(options_.token_snapshot, snapshot); !saved)
    spdlog::warn("URL tokens not kept for the next start: {}", saved.error().message);
}

}  // namespace hr::orch

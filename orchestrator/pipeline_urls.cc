// Module URL tokens (site_state.h) between the pipeline and the pages: every publish that moved
// or changed a token is followed by one numbered `hr:urls` message, and the pages report what
// they evaluated with `hr:loaded` (docs/hmr-protocol.md "Caching").
//
// Why the numbers: a page's report can cross a message on the wire. A token that is not current
// but changed after the last message the page had read is news on its way to it. One that changed
// before missed its message: if the module's own code is the same (a token starts with its own
// hash), only the URL moved and the page is told so; otherwise it holds old code no message will
// fix (loaded from a cache, or while an edit went by) and reloads.
#include <spdlog/spdlog.h>

#include "orchestrator/pipeline.h"

namespace hr::orch {

namespace json = boost::json;

void Pipeline::publish(const std::set<std::string>& reexecuted, bool reloading,
                       std::string_view update_build) {
  site_.set_status(status_json());
  if (site_.needs_full_publish()) {
    site_.settle();
    publisher_.publish(site_.site());
    site_.mark_published();
  } else {
    publisher_.publish_changes(site_.take_changes());
  }
  send_url_changes(reexecuted, reloading, update_build);
}

void Pipeline::send_url_changes(const std::set<std::string>& reexecuted, bool reloading,
                                std::string_view update_build) {
  SiteState::UrlChanges c = site_.take_url_changes();
  if (c.empty()) return;
  ++url_seq_;
  for (const auto& [path, token] : c.moved) url_changed_at_[path] = url_seq_;
  for (const auto& path : c.changed) url_changed_at_[path] = url_seq_;
  // The update re-runs these: not news for the page to act on, but changed all the same.
  for (const auto& id : reexecuted) c.changed.erase("/" + id);
  std::map<std::string, std::string> changed;
  for (const auto& path : c.changed) changed[path] = site_.token(std::string_view(path).substr(1));
  if (!reloading) publisher_.broadcast(urls_message(url_seq_, c.moved, changed, update_build));
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
      moved[path] = now;
      continue;
    }
    const std::string why = path + " changed while the page was loading it";
    spdlog::info("full reload of HMR client {}: {}", client, why);
    publisher_.send(client, full_reload_message(why));
    return;
  }
  if (!moved.empty()) publisher_.send(client, urls_message(url_seq_, moved, {}));
}

}  // namespace hr::orch

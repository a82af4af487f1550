// What the pipeline tells about itself (/@hr/status, `hr-orchestrate status`), what browsers send
// (acknowledgements, counted by AckTracker; invalidations), and recovery after esbuild crashed.
#include <spdlog/spdlog.h>

#include <unistd.h>

#include <boost/json.hpp>

#include "orchestrator/browser_messages.h"
#include "orchestrator/pipeline.h"

namespace hr::orch {

namespace json = boost::json;
using Clock = std::chrono::steady_clock;

namespace {
constexpr size_t kDecisionsKept = 20;
}  // namespace

void Pipeline::record_decision(const RecompileResult& r) {
  last_decisions_.push_back(r.to_json());
  if (last_decisions_.size() > kDecisionsKept) last_decisions_.pop_front();
}

json::object Pipeline::counters_json() const {
  return json::object{{"recompiles", counters_.recompiles},
                      {"updates", counters_.updates},
                      {"css_updates", counters_.css_updates},
                      {"reloads", counters_.reloads},
                      {"suppressed_no_change", counters_.suppressed},
                      {"merged_in_bursts", counters_.merged},
                      {"compile_errors", counters_.errors},
                      {"esbuild_restarts", counters_.esbuild_restarts},
                      {"module_build_requests", counters_.module_builds},
                      {"esbuild_module_builds", builders_.esbuild_module_builds()},
                      {"manifests_read_ahead", counters_.read_ahead},
                      {"modules_built_ahead", builders_.built_ahead_used()},
                      {"modules_built_on_request", counters_.built_on_request},
                      {"pages_built_on_navigation", counters_.built_for_navigation},
                      {"pages_settled", counters_.pages_settled}};
}

std::string Pipeline::status_json() const {
  json::object o;
  o["url"] = options_.url;
  o["pid"] = static_cast<std::int64_t>(getpid());
  o["manifest"] = options_.manifest_path.string();
  o["modules"] = site_.module_count();
  o["clients"] = publisher_.client_count();
  o["deps_key"] = site_.deps().key;
  o["esbuild_pid"] = builders_.child_pid();
  o["error_standing"] = error_standing();
  const ModuleCacheStats cache = builders_.module_cache_stats();  // module_cache.h
  o["cache"] = json::object{
      {"enabled", cache.enabled}, {"hits", cache.hits},       {"misses", cache.misses},
      {"written", cache.written}, {"corrupt", cache.corrupt}, {"evicted", cache.evicted},
      {"served", cache.served},   {"bytes", cache.bytes},     {"entries", cache.entries}};
  o["unbuilt"] = unbuilt_.size();
  o["background_done"] = !options_.on_demand || background_done_;
  o["counters"] = counters_json();
  // The decisions are kept as the JSON lines the compiler got; spliced in as they are, since this
  // runs at every /@hr/status request and `hr-orchestrate status`.
  std::string out = json::serialize(o);
  out.pop_back();  // '}'
  out += R"(,"last_decisions":[)";
  for (size_t i = 0; i < last_decisions_.size(); ++i) {
    if (i) out += ',';
    out += last_decisions_[i];
  }
  return out + R"(],"browser_updates":)" + acks_.marks_json() + "}";
}

void Pipeline::wait_applied(RecompileResult r, int ms, std::function<void(RecompileResult)> done) {
  acks_.wait(std::move(r), ms, std::move(done));
}

void Pipeline::on_client_message(std::uint64_t client, const std::string& text) {
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec || !v.is_object()) {
    const std::string who = "HMR client " + std::to_string(client);
    client_warnings_.warn(who + ": not JSON", who + " sent a message that is not a JSON object");
    return;
  }
  const auto& o = v.as_object();
  const auto* type = o.if_contains("type");
  if (!type || !type->is_string()) return;
  if (type->as_string() == "hr:loaded") return take_loaded_report(client, o);
  if (type->as_string() == "hr:settled") return page_settled(client);
  if (type->as_string() == "hr:applied") {
    acks_.applied(client, o);  // /@hr/status is made when asked for: it shows the marks at once
    return;
  }
  const auto* event = o.if_contains("event");
  if (type->as_string() == "custom" && event && event->is_string() &&
      event->as_string() == "vite:invalidate") {
    // A module could not take its update at run time (e.g. it stopped being a refresh boundary):
    // the safe answer is one full reload, with the module's own reason.
    std::string why = "a module invalidated itself";
    if (const auto* data = o.if_contains("data"); data && data->is_object()) {
      if (const auto* p = data->as_object().if_contains("path"); p && p->is_string())
        why = std::string(p->as_string()) + " invalidated itself";
      if (const auto* m = data->as_object().if_contains("message"); m && m->is_string())
        why += ": " + std::string(m->as_string());
    }
    ++counters_.reloads;
    spdlog::info("full reload: {}", why);
    publisher_.broadcast(full_reload_message(why));
  }
}

void Pipeline::on_client_connect(std::uint64_t client) {
  // A loading page holds the background back until esbuild's renewal, its last work, is done.
  if (options_.on_demand && !renewed_) {
    forget_expired_pages();  // the map does not grow
    loading_pages_[client] = std::chrono::steady_clock::now();
  }
  // The number of the last hr:urls: the page's reports count from it (pipeline_urls.cc).
  publisher_.send(client, urls_message({url_seq_, {}, {}}));
  if (error_standing()) publisher_.send(client, site_.standing_error());
}

void Pipeline::after_esbuild_restart() {
  ++counters_.esbuild_restarts;
  if (busy_ || !started_) return;  // the run in flight retries its own build
  std::vector<std::string> js;
  for (graph::NodeId n = 0; n < graph_.node_count(); ++n) {
    const auto& node = graph_.node(n);
    if (node.present && is_js(node.id) && site_.module(std::string(node.id)))
      js.emplace_back(node.id);
  }
  busy_ = true;
  build_modules(js, [this](Result<ModuleBuild> r) {
    busy_ = false;
    if (!r) {
      spdlog::error("rebuild after the esbuild restart failed: {}", r.error().message);
      return run_queue();
    }
    std::vector<std::string> differing;
    for (const auto& m : r->modules) {
      const auto* old = site_.module(m.id);
      if (!old || old->code != m.code) differing.push_back(m.id);
    }
    store(*r);
    publish();
    if (!differing.empty()) {
      const std::string why = "esbuild restarted and " + std::to_string(differing.size()) +
                              " rebuilt modules differ (first: " + differing.front() + ")";
      ++counters_.reloads;
      publisher_.broadcast(full_reload_message(why));
    }
    spdlog::info("after the esbuild restart: {} modules rebuilt, {} differ", r->modules.size(),
                 differing.size());
    run_queue();
  });
}

}  // namespace hr::orch

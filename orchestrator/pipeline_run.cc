// One recompile: merge the queued calls, diff and plan in the graph, rebuild what the decision
// needs, publish, push the message to browsers, answer every caller.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/post.hpp>
#include <boost/json.hpp>
#include <cstring>

#include "common/read_file.h"
#include "orchestrator/assemble.h"
#include "orchestrator/browser_messages.h"
#include "orchestrator/burst.h"
#include "orchestrator/pipeline.h"

namespace hr::orch {

namespace fs = std::filesystem;
namespace json = boost::json;
using Clock = std::chrono::steady_clock;

struct Pipeline::Run {
  std::vector<Pending> batch;
  graph::Diff diff;
  graph::Decision decision;
  RecompileResult result;
  std::uint64_t timestamp = 0;
  Clock::time_point started = Clock::now();
  Clock::time_point build_started;
  std::optional<Clock::time_point> message_sent;  // the update or reload message went to the pages
  std::set<std::string> failing;
  std::set<std::string> versioned;  // re-executed by a hot update: a new ?t= version
  std::vector<std::string> js;      // the JS modules this run builds
  std::vector<esbuild::Message> style_errors;
  std::vector<std::string> styles_built;
  bool deps_changed = false;
  std::string router_reload;  // the route table changed: the reason
  std::string error_json;
};

namespace {

double ms_between(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double, std::milli>(b - a).count();
}

// The planner's reasons start with the action ("full-reload: ..."); the result and the browser's
// console line name the action already.
std::string without_action_prefix(const std::string& reason) {
  for (const char* a : {"none: ", "css: ", "js-update: ", "full-reload: "}) {
    if (reason.rfind(a, 0) == 0) return reason.substr(std::strlen(a));
  }
  return reason;
}

}  // namespace

void Pipeline::recompile(std::shared_ptr<graph::Manifest> manifest, CallRead read,
                         std::function<void(RecompileResult)> done) {
  counters_.read_ahead += read.read_ahead_ms >= 0;
  queue_.push_back(Pending{std::move(manifest), read, std::move(done)});
  run_queue();
}

void Pipeline::build_ahead(const graph::Manifest& manifest) {
  if (!started_ || !manifest.rewritten) return;
  std::vector<std::string> ids;
  for (std::string_view id : *manifest.rewritten) {
    const graph::ModuleSpec* spec = manifest.find(id);
    if (spec && spec->kind != graph::Kind::asset && is_js(id)) ids.emplace_back(id);
  }
  builders_.build_ahead(ids);
}

void Pipeline::run_queue() {
  if (busy_ || queue_.empty() || !started_) return;
  busy_ = true;
  std::vector<Pending> batch = std::move(queue_);
  queue_.clear();
  start_run(std::move(batch));
}

void Pipeline::start_run(std::vector<Pending> batch) {
  auto run = std::make_shared<Run>();
  run->batch = std::move(batch);
  std::vector<std::shared_ptr<graph::Manifest>> manifests;
  for (const auto& p : run->batch) manifests.push_back(p.manifest);
  if (manifests.size() > 1) merge_hints(manifests);
  current_ = manifests.back();

  run->diff = graph_.apply(*current_);
  ensure_postcss();
  refresh_postcss_dependents(run->diff, [this, run](std::vector<std::string> generated) {
    for (const auto& id : generated)
      if (auto n = graph_.find(id)) run->diff.changed.push_back(*n);
    plan_and_build(run);
  });
}

void Pipeline::plan_and_build(std::shared_ptr<Run> run) {
  add_including_styles(run->diff);
  const auto loaded =
      graph::LoadedSet::asking([this](std::string_view id) { return is_loaded(id); });
  run->decision = graph::plan(graph_, run->diff, loaded);
  run->result.timings.plan_ms = ms_between(run->started, Clock::now());
  std::set<std::string> js, styles;
  take_rebuilds(*run, js, styles);
  version_chains(*run);
  for (auto n : run->diff.removed) {
    for (auto& ready : unbuilt_.removed(std::string(graph_.id(n)))) boost::asio::post(io_, ready);
    static_deps_.erase(std::string(graph_.id(n)));
    settled_.erase(std::string(graph_.id(n)));
    site_.remove_module(std::string(graph_.id(n)));
    style_includes_.remove(std::string(graph_.id(n)));
    packages_dirty_ = true;
  }
  run->timestamp = next_timestamp();
  if (run->diff.html_changed) site_.set_html(shell_html());
  run->build_started = Clock::now();
  run->js.assign(js.begin(), js.end());
  build_styles({styles.begin(), styles.end()}, [this, run](std::vector<esbuild::Message> errors,
                                                           std::vector<std::string> built) {
    run->style_errors = std::move(errors);
    run->styles_built = std::move(built);
    if (run->js.empty()) return after_build(run, ModuleBuild{});
    build_modules(run->js, [this, run](Result<ModuleBuild> r) { after_build(run, std::move(r)); });
  });
}

void Pipeline::take_rebuilds(Run& run, std::set<std::string>& js, std::set<std::string>& styles) {
  auto take = [&](std::string_view id) {
    const std::string s(id);
    site_.drop_expectation(s);  // the URL the last server gave it names other bytes now
    settled_.clear();           // so what it imports, and the URL it is named at, may have changed
    file_keys_.erase(s);
    // Assets are served as files, not built; a module read through a wrapper is read again.
    if (is_asset(id) || site_.has_source(s)) load_source(s);
    if (is_asset(id)) return;
    if (unbuilt_.contains(s)) {
      // No page holds it: it is built from its new text when asked for.
      unbuilt_.changed(s);
      return scan_module(s);
    }
    if (is_js(id)) rescan_built(s);
    (is_js(id) ? js : styles).emplace(s);
  };
  for (auto n : run.diff.changed) take(graph_.id(n));
  for (auto n : run.diff.added) take(graph_.id(n));
  for (const auto& id : failed_modules_) {
    auto n = graph_.find(id);
    if (n && graph_.node(*n).present) js.insert(id);
  }
  if (std::string why = reload_env(); !why.empty()) {
    for (graph::NodeId n = 0; n < graph_.node_count(); ++n)
      if (graph_.node(n).present && !is_asset(graph_.id(n)) && is_js(graph_.id(n)))
        take(graph_.id(n));
    run.decision.action = graph::Action::full_reload;
    run.decision.reason = std::move(why);
  }
}

bool Pipeline::blocked(const Run& run, const graph::JsUpdate& u) const {
  return std::any_of(u.chains.begin(), u.chains.end(), [&](const auto& chain) {
    return std::any_of(chain.begin(), chain.end(),
                       [&](const auto& id) { return run.failing.count(id); });
  });
}

void Pipeline::drop_blocked_chains(Run& run) {
  if (run.failing.empty() || run.decision.action != graph::Action::js_update) return;
  std::set<std::string> kept(run.decision.css.begin(), run.decision.css.end());
  for (const auto& u : run.decision.updates) {
    if (blocked(run, u)) continue;
    kept.insert(u.boundary);
    for (const auto& chain : u.chains) kept.insert(chain.begin(), chain.end());
  }
  std::erase_if(run.versioned, [&](const std::string& id) { return !kept.count(id); });
}

void Pipeline::version_chains(Run& run) {
  const auto action = run.decision.action;
  if (action == graph::Action::js_update)
    run.versioned.insert(run.decision.reexecuted.begin(), run.decision.reexecuted.end());
  if (action == graph::Action::js_update || action == graph::Action::css)
    run.versioned.insert(run.decision.css.begin(), run.decision.css.end());
}

void Pipeline::after_build(std::shared_ptr<Run> run, Result<ModuleBuild> build) {
  auto& res = run->result;
  if (!build) {
    // Not the modules' fault: they are built at the next recompile, whatever it says changed.
    for (const auto& id : run->js) graph_.mark_unbuilt(id);
    res.server_error = "esbuild could not build " + std::to_string(run->js.size()) +
                       " modules: " + build.error().message;
    res.errors.push_back(esbuild::message(res.server_error));
  } else {
    store(*build);
    for (const auto& m : build->modules) res.rebuilt.push_back(m.id);
    res.errors = build->errors;
  }
  res.errors.insert(res.errors.begin(), run->style_errors.begin(), run->style_errors.end());
  res.rebuilt.insert(res.rebuilt.begin(), run->styles_built.begin(), run->styles_built.end());
  run->router_reload = refresh_router();
  ensure_deps([this, run](Result<bool> deps) {
    auto& errors = run->result.errors;
    if (!deps) {
      errors.push_back(esbuild::message(deps.error().message));
    } else {
      run->deps_changed = *deps;
    }
    errors.insert(errors.end(), missing_package_errors_.begin(), missing_package_errors_.end());
    for (const auto& e : errors)
      if (e.location) run->failing.insert(e.location->file);
    run->result.timings.esbuild_ms = ms_between(run->build_started, Clock::now());
    push(run);
  });
}

std::string Pipeline::settle_decision(Run& run, const UrlNews* news) {
  auto& d = run.decision;
  auto& res = run.result;
  const bool errors = !res.errors.empty();
  if (run.deps_changed) {
    d.action = graph::Action::full_reload;
    d.reason = "full-reload: the set of npm packages the app imports changed";
  } else if (!run.router_reload.empty()) {
    d.action = graph::Action::full_reload;
    d.reason = run.router_reload;
  }
  if (errors && d.action == graph::Action::full_reload) {
    pending_reload_ = d.reason;  // held until the code compiles again
    d.action = graph::Action::none;
    d.reason = "compile error; the reload waits for the fix (" + d.reason + ")";
  } else if (!errors && !pending_reload_.empty()) {
    d.action = graph::Action::full_reload;
    d.reason = std::exchange(pending_reload_, "");
  }
  res.action = d.action;
  res.reason = without_action_prefix(d.reason);
  if (d.action == graph::Action::full_reload) return full_reload_message(d.reason, res.build);
  std::vector<UpdateEntry> updates = update_entries(run);
  // An empty update still clears a standing overlay once the code compiles again.
  const bool clears_overlay = !errors && error_standing();
  if (updates.empty() && !clears_overlay) return "";
  return update_message(res.build, updates, news);
}

std::vector<UpdateEntry> Pipeline::update_entries(Run& run) const {
  const auto& d = run.decision;
  auto& res = run.result;
  std::vector<UpdateEntry> updates;
  size_t inline_budget = kInlineCodePerUpdate;
  if (d.action == graph::Action::js_update) {
    for (const auto& u : d.updates) {
      if (blocked(run, u)) continue;  // its module did not compile: the overlay says so
      updates.push_back({UpdateEntry::Type::js, u.boundary, run.timestamp, nullptr,
                         inline_code(u.boundary, inline_budget), site_.url_of(u.boundary)});
      res.boundaries.push_back(u.boundary);
    }
  }
  // With a js-update too: a component's edit can change a stylesheet Tailwind generates from it.
  if (d.action == graph::Action::js_update || d.action == graph::Action::css) {
    for (const auto& id : d.css) {
      const auto* m = site_.module(id);
      // The new text rides along when it can (the page then applies it without a request);
      // otherwise a linked stylesheet is fetched again and a JS-imported one re-imported.
      const bool inline_text = m && css_travels_inline(m->code);
      const bool css = inline_text || (m && m->css_linked);
      updates.push_back({css ? UpdateEntry::Type::css : UpdateEntry::Type::js,
                         id,
                         run.timestamp,
                         inline_text ? &m->code : nullptr,
                         {},
                         site_.url_of(id)});
      res.boundaries.push_back(id);
    }
  }
  return updates;
}

// The boundary's code for its js-update (SiteState::module_parts()) while `budget` lasts.
std::vector<std::string> Pipeline::inline_code(const std::string& id, size_t& budget) const {
  auto parts = site_.module_parts(id);
  size_t size = 0;
  for (const auto& p : parts) size += p.size();
  if (size > budget) return {};
  budget -= size;
  return parts;
}

void Pipeline::record_changes(Run& run) const {
  auto& res = run.result;
  res.build = run.diff.build;
  for (auto n : run.diff.changed) res.changed.emplace_back(graph_.id(n));
  for (auto n : run.diff.added) res.changed.emplace_back(graph_.id(n));
  for (auto n : run.diff.removed) res.changed.emplace_back(graph_.id(n));
  for (const auto& e : run.diff.errors) res.errors.push_back(esbuild::message_at(e.id, e.message));
}

void Pipeline::push(std::shared_ptr<Run> run) {
  const auto t_push = Clock::now();
  auto& res = run->result;
  record_changes(*run);
  // What the update re-runs gets its new version (a chain through a module that did not compile
  // waits for the fix), then its new URL: the update's URLs and code need the new tokens.
  drop_blocked_chains(*run);
  site_.set_versions(run->versioned, run->timestamp);
  const bool update = run->decision.action == graph::Action::js_update;
  if (update) site_.assemble_first(first_assembled(*run));
  site_.settle();
  const std::optional<UrlNews> news = take_url_news(run->versioned);
  const std::string message = settle_decision(*run, news ? &*news : nullptr);
  if (!res.errors.empty()) {
    ++counters_.errors;
    run->error_json = error_message(res.build, res.errors.front());
    site_.set_standing_error(run->error_json);
  } else if (error_standing()) {
    site_.set_standing_error("");
  }
  // Before the push, so browsers fetch the new modules.
  publish_site();
  // The news rode in the update, or a reload makes it moot; with no message it goes alone.
  if (news && message.empty()) publisher_.broadcast(urls_message(*news));
  if (!message.empty()) {
    publisher_.broadcast(message);
    run->message_sent = Clock::now();
  }
  if (!run->error_json.empty()) publisher_.broadcast(run->error_json);
  if (update) {
    // After the message (the server sends it as its own handler runs, in order).
    site_.assemble_the_rest();
    boost::asio::post(io_, [this] { publisher_.publish_changes(site_.take_changes()); });
  }
  res.clients = publisher_.client_count();
  res.timings.push_ms = ms_between(t_push, Clock::now());
  finish(run);
}

std::set<std::string> Pipeline::first_assembled(const Run& run) const {
  std::set<std::string> first = run.versioned;
  first.insert(run.result.rebuilt.begin(), run.result.rebuilt.end());
  return first;
}

void Pipeline::finish(std::shared_ptr<Run> run) {
  auto& res = run->result;
  const auto action = run->decision.action;
  counters_.recompiles += run->batch.size();
  counters_.merged += run->batch.size() - 1;
  if (run->diff.nothing()) ++counters_.suppressed;
  if (action == graph::Action::js_update) ++counters_.updates;
  if (action == graph::Action::css) ++counters_.css_updates;
  if (action == graph::Action::full_reload) ++counters_.reloads;
  // What browsers acknowledge: an update or reload, or the overlay of a build with errors.
  if (action != graph::Action::none || !res.errors.empty()) {
    acks_.pushed(res.build);
  }
  res.merged = run->batch.size();
  record_decision(res);
  spdlog::info("build {}: {} — {} ({} changed, {} rebuilt, {} errors, {:.2f} ms)", res.build,
               graph::to_string(res.action), res.reason.empty() ? "no change" : res.reason,
               res.changed.size(), res.rebuilt.size(), res.errors.size(),
               ms_between(run->started, Clock::now()));
  const auto now = Clock::now();
  for (auto& p : run->batch) {
    RecompileResult r = res;
    r.timings.read_ms = p.read.read_ms;
    r.timings.read_ahead_ms = p.read.read_ahead_ms;
    r.timings.total_ms = ms_between(p.read.started, now);
    if (run->message_sent) r.timings.message_ms = ms_between(p.read.started, *run->message_sent);
    p.done(std::move(r));
  }
  last_timings_ = res.timings;
  busy_ = false;
  boost::asio::post(io_, [this] { run_queue(); });
}

}  // namespace hr::orch

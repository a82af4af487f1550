// The pipeline: manifest in, modules rebuilt, browsers updated.
//
// Cold start builds every app module as its own ES module (in batches esbuild works on in
// parallel, with progress), prebundles the npm packages they import, and publishes the site. Each
// recompile then diffs the new manifest in the graph, plans what browsers must do, rebuilds only
// the changed modules plus the importers an update needs re-emitted (so browsers import fresh
// `?t=` URLs), publishes, and pushes the decision.
//
// Recompiles arriving while one is in flight queue up; when it finishes, all queued ones merge
// into one run of the latest manifest with the union of their `changed` hints, and every caller
// gets the answer. A compile error keeps the last good module served and shows the overlay; the
// next good recompile clears it. Runs on one io_context thread.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/json/object.hpp>
#include <chrono>
#include <deque>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "esbuild_bridge/esbuild.h"
#include "graph/graph.h"
#include "orchestrator/ack_tracker.h"
#include "orchestrator/app_env.h"
#include "orchestrator/browser_messages.h"
#include "orchestrator/builders.h"
#include "orchestrator/package_scan.h"
#include "orchestrator/postcss_styles.h"
#include "orchestrator/prebundle.h"
#include "orchestrator/publisher.h"
#include "orchestrator/result.h"
#include "orchestrator/site_state.h"
#include "orchestrator/unbuilt_modules.h"
#include "orchestrator/warn_limiter.h"

namespace hr::orch {

class Pipeline {
 public:
  struct Options {
    std::filesystem::path manifest_path;
    std::filesystem::path state_dir;  // .web/.hr: the deps cache lives here
    bool progress_on_tty = true;
    std::string url;  // where the server listens, for status
    // Build the entries before serving and the rest when asked for or in the background
    // (pipeline_on_demand.cc); false builds every module before serving.
    bool on_demand = false;
    // Where on-demand starts keep the modules' import scans (scan_cache.h); "": none (--no-cache).
    std::filesystem::path scan_cache;
    // Where the URL tokens are kept for the next start (token_snapshot.h); "": not kept. With
    // what the built code depends on besides the app (the esbuild version).
    std::filesystem::path token_snapshot;
    std::string build_env;
    // Modules per background build (pipeline_background.cc): small enough that a request waits
    // little (for one batch at most, when the cache answers it), large enough that esbuild works
    // in parallel.
    size_t background_batch = 128;
  };

  // The builders and the publisher must outlive the pipeline.
  Pipeline(boost::asio::io_context& io, Builders& builders, Publisher& publisher, Options options,
           std::string client_js);

  // Builds everything once and publishes; yields the number of modules served.
  void cold_start(std::shared_ptr<graph::Manifest> manifest,
                  std::function<void(Result<size_t>)> done);

  // How a call's manifest was read: when the call started (its total counts from there), the time
  // the call spent reading, and the time an earlier read ahead took (-1: none was used).
  struct CallRead {
    std::chrono::steady_clock::time_point started;
    double read_ms = 0, read_ahead_ms = -1;
  };
  // Queues a recompile of a manifest read for a call.
  void recompile(std::shared_ptr<graph::Manifest> manifest, CallRead read,
                 std::function<void(RecompileResult)> done);

  // A manifest read ahead of its call: starts building the JS modules it rewrote, so the call
  // finds them built (module_builder.h, build_ahead).
  void build_ahead(const graph::Manifest& manifest);

  // Completes `r` once every browser connected at its push acknowledged it, or after `ms`.
  void wait_applied(RecompileResult r, int ms, std::function<void(RecompileResult)> done);

  void on_client_message(std::uint64_t client, const std::string& text);
  // A page that connects while a compile error stands gets the error at once.
  void on_client_connect(std::uint64_t client);
  // A page that goes (closed, or navigated away) while it loads holds the background no longer.
  void on_client_disconnect(std::uint64_t client);
  // Where the server listens, once it does (the status tells it).
  void set_url(std::string url);
  // esbuild was restarted after a crash: rebuild everything, reload browsers only if what they
  // run changed.
  void after_esbuild_restart();

  std::string status_json() const;

  // On-demand builds. Whether `path` ("/app/x.jsx") names an app module not built yet.
  bool unbuilt(std::string_view path) const;
  // Whether a request for `path` waits for a build: the module, or a module its static imports
  // reach, is not built yet (its URL would move: pipeline_on_demand.cc). `path` "/" is the HTML
  // shell, which waits for what the entries reach.
  bool waits_for_build(std::string_view path) const;
  // Builds the module at `path` and the unbuilt modules it reaches, ahead of any background work,
  // and calls `ready` once they are published (or failed to compile, or could not be built).
  void build_on_request(std::string path, std::function<void()> ready);
  // A navigation to `path` (the HTML shell was asked for): builds the pages whose route matches,
  // with what they import, now, rather than when the page's script asks for them.
  void build_for_navigation(std::string_view path);
  // Builds the rest of the app in the background once requests go quiet; call once serving.
  void start_background();
  // Keeps the URL tokens for the next start (Options::token_snapshot), once every module is built
  // and no recompile is under way; the server calls it when it stops.
  void save_tokens();

 private:
  struct Pending {
    std::shared_ptr<graph::Manifest> manifest;
    CallRead read;
    std::function<void(RecompileResult)> done;
  };
  struct Run;
  struct ColdBuild {
    std::vector<std::string> js;
    size_t next = 0, built = 0, batches_left = 0;
    std::vector<esbuild::Message> errors;
    std::chrono::steady_clock::time_point t0;
    bool tty = false;
    std::function<void(Result<size_t>)> done;  // the cold start's caller
  };
  // The cold start's first step: the app's root, graph, builders, env and HTML shell.
  void open_app(std::shared_ptr<graph::Manifest> manifest);
  void build_next_batch(std::shared_ptr<ColdBuild> cold);
  // Once every batch built: the route table, the npm bundle, then the first publish.
  void finish_cold_start(std::shared_ptr<ColdBuild> cold);
  void serve_cold_start(std::shared_ptr<ColdBuild> cold, Result<bool> deps);

  BuilderHooks builder_hooks();
  ImportTarget resolve(std::string_view specifier, std::string_view importer);
  void build_modules(std::vector<std::string> ids, std::function<void(Result<ModuleBuild>)> done);
  // Runs `attempt`; when it failed because esbuild died under it, restarts esbuild (or joins the
  // restart under way) and runs it once more. A compile error is never such a failure: builds
  // return those in their value.
  template <class T>
  void retrying(std::function<void(esbuild::Callback<T>)> attempt, esbuild::Callback<T> done,
                bool retry = true);
  // Whether a failure of an attempt started when the builders' child had `pid` may be its death.
  bool esbuild_died_since(int pid, const std::string& why);
  // Remembers the modules a build failed on, and forgets those that built: a module that failed is
  // built again at every recompile until it builds, so its error stands in every call's answer.
  void note_failed_modules(const ModuleBuild& build);
  // On-demand builds (pipeline_on_demand.cc). At the cold start: keeps in `js` what is built
  // before serving and leaves the rest unbuilt, its npm imports scanned.
  void defer_builds(std::vector<std::string>& js);
  // Reads an unbuilt module's imports: its npm packages (for the bundle) and the modules it
  // imports statically (unsettled_closure).
  void scan_module(const std::string& id);
  std::vector<std::vector<ScannedImport>> scans_of(const std::vector<std::string>& ids);
  // The last server's URL tokens that still hold, as expectations (before the first publish).
  void expect_saved_tokens();
  std::string token_env() const;
  // Whether module `id` imports `saved` now, as the manifest says (tokens_still_valid()).
  bool imports_same(const std::string& id, const std::vector<std::string>& saved) const;
  // What names each module's text now: the compiler's hash, else our own hash of the file as last
  // read (modules with neither are left out).
  std::map<std::string, std::string> content_keys() const;
  static std::string file_key(std::uint64_t hash);  // "f:" and our hash of the file's bytes
  // The same with its imports already scanned; `installed` remembers which packages are installed
  // for the length of one scan.
  using InstalledPackages = std::map<std::string, bool, std::less<>>;
  void take_scan(const std::string& id, const std::vector<ScannedImport>& imports,
                 InstalledPackages& installed);
  // While some module is not built: the static imports of every module (scanned), kept when it
  // changes (rescan_built) and walked by unsettled_closure().
  void rescan_built(const std::string& id);
  void note_static_imports(const std::string& id, const std::vector<ScannedImport>& imports);
  void note_module_imports(const std::string& id, std::vector<std::string> deps,
                           std::vector<std::string> lazy);
  void set_static_deps(const std::string& id, std::vector<std::string> deps);
  std::vector<std::string> unsettled_closure(const std::string& id) const;
  std::vector<std::string> waited_for(std::string_view path) const;
  std::vector<std::string> unbuilt_closure(const std::string& id) const;
  void build_unbuilt(const std::vector<std::string>& ids, bool on_request);
  void take_unbuilt(const UnbuiltModules::Ticket& ticket, Result<ModuleBuild> r, bool on_request);
  // Publishes modules built on demand (with the npm bundle they need), then answers `ready`.
  void publish_built(const ModuleBuild& fresh, std::vector<std::function<void()>> ready);
  void show_error(const esbuild::Message& e);
  void quiet_then_background();
  void background_after(std::chrono::milliseconds delay);
  bool pages_loading();         // pages that connected and have not said they are loaded
  void forget_expired_pages();  // those past kPageLoadLimit
  void page_settled(std::uint64_t client);
  void build_in_background();
  void report_background_progress();
  void renew_builders();
  void store(const ModuleBuild& build);
  // Builds stylesheets (style_builder.h) and stores the ones that built; yields the errors and the
  // ids built. A stylesheet that failed is built again at every recompile until it builds.
  using StylesDone =
      std::function<void(std::vector<esbuild::Message> errors, std::vector<std::string> built)>;
  void build_styles(std::vector<std::string> ids, StylesDone done);
  void store_styles(const StyleBuild& build);
  // Adds to `diff.changed` every stylesheet made of a file that changed, came or went (an
  // `@import`ed file, a url() image): its CSS changes with it.
  void add_including_styles(graph::Diff& diff) const;
  // Runs stylesheets through PostCSS from the first recompile that finds a postcss.config.* in the
  // app root (the worker starts with the first stylesheet it gets).
  void ensure_postcss();
  // The stylesheets PostCSS generated from a module `diff` changed, added or removed (Tailwind
  // scanned it), run again now; yields those whose output bytes changed (or that failed, so that
  // the build reports it): they count as changed in this recompile, the others do not.
  void refresh_postcss_dependents(const graph::Diff& diff,
                                  std::function<void(std::vector<std::string>)> then);
  // Reads a module's bytes for its wrappers and, for an asset, to serve as a file.
  void load_source(const std::string& id);
  // An asset: kind `asset` in the manifest, or a file imported from JS that esbuild does not build.
  bool is_asset(std::string_view id) const;
  // The npm bundle (pipeline_deps.cc). What it must hold now, or nullopt when the current one
  // does; notes the imports of packages that are not installed (missing_package_errors_).
  std::optional<DepsRequest> deps_wanted();
  void ensure_deps(std::function<void(Result<bool>)> done);  // yields whether the key changed
  void run_queue();
  void start_run(std::vector<Pending> batch);
  void plan_and_build(std::shared_ptr<Run> run);
  // What the run rebuilds: every module whose content changed, those whose last build failed, and
  // every JS module when import.meta.env changed (a reload, then).
  void take_rebuilds(Run& run, std::set<std::string>& js, std::set<std::string>& styles);
  // A js-update re-executes every module on its chains: they get a new version (after the build),
  // so each importer imports its changed dependency at a new URL (its token); that is re-assembly,
  // not an esbuild build.
  void version_chains(Run& run);
  // Whether an update's chains pass a module that did not compile (it waits for the fix).
  bool blocked(const Run& run, const graph::JsUpdate& u) const;
  // Keeps in the run's versioned modules only those an update that is not blocked re-runs.
  void drop_blocked_chains(Run& run);
  void after_build(std::shared_ptr<Run> run, Result<ModuleBuild> build);
  void push(std::shared_ptr<Run> run);
  // The run's build, changed modules and compile errors, in its result.
  void record_changes(Run& run) const;
  // What an update assembles before its message goes (SiteState::assemble_first).
  std::set<std::string> first_assembled(const Run& run) const;
  // Settles the run's decision (a changed npm set or route table reloads; a reload waits while
  // errors stand and goes out with the next good build), records its action, reason and
  // boundaries in the result, and returns the message for browsers ("": none). `news`, the URL
  // news of the run, rides in its update.
  std::string settle_decision(Run& run, const UrlNews* news);
  // The update's entries: each boundary whose chains all compiled, and each changed stylesheet
  // (with its text when it travels inline); records them in the result's boundaries.
  std::vector<UpdateEntry> update_entries(Run& run) const;
  std::vector<std::string> inline_code(const std::string& id, size_t& budget) const;
  void finish(std::shared_ptr<Run> run);
  // URL tokens and the pages' reports of what they hold (pipeline_urls.cc). Publishes what
  // changed, then tells browsers which module URLs moved or changed (`hr:urls`).
  void publish();
  void publish_site();
  // The module URLs that moved or changed since the last news, save those `reexecuted` by the
  // update it goes with; numbered (a page's reports count from the number), sent or not.
  std::optional<UrlNews> take_url_news(const std::set<std::string>& reexecuted = {});
  // A page's `hr:loaded`: the modules it evaluated and the token of each. They count as loaded
  // (is_loaded); one whose token is not current, changed before the last `hr:urls` the page had
  // read, is old code nothing will update: that page reloads.
  void take_loaded_report(std::uint64_t client, const boost::json::object& report);
  // Whether a compile error stands (its message is SiteState::standing_error()).
  bool error_standing() const { return !site_.standing_error().empty(); }
  void record_decision(const RecompileResult& r);
  boost::json::object counters_json() const;  // status_json()'s "counters"
  bool is_js(std::string_view id) const;
  // Reads the app's env files again; when import.meta.env's values changed, gives the builder the
  // new defines and says why (app_env.h), else "".
  std::string reload_env();
  // Whether a browser holds the module: it requested it, or (a stylesheet, an asset) a module it
  // holds imports it, e.g. a stylesheet `@import`ed by a loaded one or an image a component uses.
  bool is_loaded(std::string_view id, int depth = 0) const;
  std::uint64_t next_timestamp();
  // The HTML shell: the manifest's `html` file, or in framework mode the generated document.
  std::string shell_html() const;
  // Framework mode (router_entry.h): puts the client entry built from the current manifest and
  // builds; yields the reload reason when the route table changed after it was served, else "".
  std::string refresh_router();

  boost::asio::io_context& io_;
  Builders& builders_;
  Publisher& publisher_;
  Options options_;
  bool started_ = false;  // the cold start opened the builders
  graph::Graph graph_;
  graph::Resolver resolver_{graph_};
  std::unique_ptr<PostcssStyles> postcss_;  // the builders point at it
  StyleIncludes style_includes_;
  std::set<std::string> failed_styles_;
  std::set<std::string> failed_modules_;  // JS modules whose last build failed
  AppEnv env_;
  SiteState site_;
  std::filesystem::path root_;
  std::shared_ptr<graph::Manifest> current_;  // keeps the graph's last manifest's strings alive
  std::uint64_t last_timestamp_ = 0;
  std::string router_code_;    // the client entry last put (framework mode)
  std::uint64_t url_seq_ = 0;  // the last hr:urls message's number
  std::map<std::string, std::uint64_t> url_changed_at_;  // URL path -> url_seq_ of its change
  std::set<std::string, std::less<>> reported_loaded_;   // URL paths pages said they hold

  std::vector<Pending> queue_;
  bool busy_ = false;
  std::string pending_reload_;   // a reload held back by a compile error
  bool packages_dirty_ = false;  // some module's npm imports changed since the last bundle
  // Imports of npm packages that are not installed (missing_packages.h), as of the last bundle.
  std::vector<esbuild::Message> missing_package_errors_;

  UnbuiltModules unbuilt_;
  std::set<std::string> scanned_packages_;        // npm imports of the modules not built yet
  std::map<std::string, std::string> file_keys_;  // file_key() of modules read by scans_of()
  std::map<std::string, std::vector<std::string>> static_deps_;  // their static imports
  mutable std::set<std::string> settled_;  // built, and so is all they reach: unsettled_closure()
  // Their npm imports that are not installed, by module: errors until the module is built.
  std::map<std::string, std::vector<std::string>> scanned_missing_;
  size_t requests_in_flight_ = 0;  // builds a browser waits for
  bool background_started_ = false, background_running_ = false, all_built_ = false,
       renewed_ = false;
  bool background_done_ = false;  // every module built and the fresh esbuild started (status)
  size_t background_total_ = 0;
  bool background_from_cache_ = true;  // the last batch came from the cache (assumed at first)
  boost::asio::steady_timer background_timer_{io_};
  std::map<std::uint64_t, std::chrono::steady_clock::time_point> loading_pages_;  // by connect

  WarnLimiter client_warnings_;  // per client and kind: a flood of bad frames is a few lines
  AckTracker acks_;              // which pages applied the last push; calls waiting for them

  struct Counters {
    std::uint64_t recompiles = 0, updates = 0, css_updates = 0, reloads = 0, suppressed = 0,
                  errors = 0, esbuild_restarts = 0, merged = 0, module_builds = 0, read_ahead = 0,
                  built_on_request = 0, built_for_navigation = 0, pages_settled = 0;
  } counters_;
  std::deque<std::string> last_decisions_;
  Timings last_timings_;
};

template <class T>
void Pipeline::retrying(std::function<void(esbuild::Callback<T>)> attempt,
                        esbuild::Callback<T> done, bool retry) {
  attempt([this, attempt, done, retry, pid = builders_.child_pid()](Result<T> r) {
    if (r || !retry || r.error().kind == ErrorKind::unavailable ||
        !esbuild_died_since(pid, r.error().message))
      return done(std::move(r));
    builders_.restart([this, attempt, done](Result<std::string> ready) {
      if (!ready) return done(ready.error());
      retrying(attempt, done, false);
    });
  });
}

}  // namespace hr::orch

// Cold start and the building blocks every recompile uses: resolving imports through the graph,
// building modules (with one esbuild restart and retry if the child died) and storing their
// output. The npm bundle's part is pipeline_deps.cc.
#include "orchestrator/pipeline.h"
#include "orchestrator/browser_messages.h"

#include <algorithm>

#include "common/read_file.h"
#include "orchestrator/assemble.h"

#include <spdlog/spdlog.h>
#include <unistd.h>

namespace hr::orch {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

constexpr size_t kBatchSize = 256;  // modules per esbuild request at cold start
// Batches esbuild works on at once: enough to keep every core busy between batches; more only
// cost memory (all of a 10,000-module app at once took 2 GB and 5.9 s instead of 2.9 s).
constexpr size_t kBatchesInFlight = 2;

double ms_since(Clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

}  // namespace

Pipeline::Pipeline(boost::asio::io_context& io, Builders& builders, Publisher& publisher,
                   Options options, std::string client_js)
    : io_(io), builders_(builders), publisher_(publisher), options_(std::move(options)), acks_(io) {
  site_.set_client_js(std::move(client_js));
  site_.set_build_env(options_.build_env);
}

bool Pipeline::is_js(std::string_view id) const {
  auto n = graph_.find(id);
  if (n) {
    const auto kind = graph_.node(*n).kind;
    if (kind == graph::Kind::style || kind == graph::Kind::asset) return false;
  }
  return !(id.ends_with(".css"));
}

bool Pipeline::is_loaded(std::string_view id, int depth) const {
  std::string path = "/";
  path.append(id);
  if (publisher_.was_requested(path) || reported_loaded_.count(path)) return true;
  auto n = graph_.find(id);
  if (!n || depth > 16) return false;
  const auto& node = graph_.node(*n);
  if (node.kind != graph::Kind::style && node.kind != graph::Kind::asset) return false;
  return std::any_of(node.importers.begin(), node.importers.end(),
                     [&](graph::NodeId i) { return is_loaded(graph_.id(i), depth + 1); });
}

std::uint64_t Pipeline::next_timestamp() {
  const auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
  last_timestamp_ = std::max<std::uint64_t>(now, last_timestamp_ + 1);
  return last_timestamp_;
}

namespace {

// What an import's query asks of an app module: Vite's `?url`, `?raw` and `?inline`.
std::optional<std::string> query_variant(std::string_view query) {
  if (query.empty()) return "";
  for (const char* v : {"url", "raw", "inline"})
    if (query == v) return v;
  return std::nullopt;
}

// Files esbuild builds into a module (or a stylesheet); anything else imported is an asset.
bool builds_as_module(std::string_view id) {
  for (const char* ext : {".js", ".jsx", ".ts", ".tsx", ".mjs", ".cjs", ".json", ".css"})
    if (id.ends_with(ext)) return true;
  return false;
}

}  // namespace

ImportTarget Pipeline::resolve(std::string_view specifier, std::string_view importer) {
  const auto r = resolver_.resolve(specifier, importer);
  const size_t q = specifier.find('?');
  const std::string_view query = q == std::string_view::npos ? "" : specifier.substr(q + 1);
  switch (r.target) {
    case graph::Resolver::Target::module:
    case graph::Resolver::Target::file: {
      auto variant = query_variant(query);
      if (!variant) {
        return {ImportTarget::Kind::not_found, "",
                "the import query ?" + std::string(query) +
                    " is not supported (supported: ?url, ?raw, ?inline)"};
      }
      ImportTarget t{ImportTarget::Kind::module, std::string(r.id), "", *variant};
      if (t.variant.empty() && is_asset(t.id)) t.variant = "url";
      return t;
    }
    case graph::Resolver::Target::package:
      return {ImportTarget::Kind::package, std::string(specifier.substr(0, q)), ""};
    case graph::Resolver::Target::not_found:
      break;
  }
  return {ImportTarget::Kind::not_found, "", std::string(r.error)};
}

BuilderHooks Pipeline::builder_hooks() {
  return BuilderHooks{
      [this](std::string_view spec, std::string_view importer) { return resolve(spec, importer); },
      // The version is filled in when the module is assembled (SiteState::set_versions).
      [](const ImportTarget& t) { return import_url(t.id, t.variant); },
      [](std::string_view spec) {
        return deps_url(std::string(spec), std::string(kDepsKeyPlaceholder));
      }};
}

void Pipeline::build_modules(std::vector<std::string> ids,
                             std::function<void(Result<ModuleBuild>)> done) {
  ++counters_.module_builds;
  retrying<ModuleBuild>([this, ids](auto cb) { builders_.build_modules(ids, std::move(cb)); },
                        [this, done](Result<ModuleBuild> r) {
                          if (r) note_failed_modules(*r);
                          done(std::move(r));
                        });
}

void Pipeline::note_failed_modules(const ModuleBuild& build) {
  for (const auto& m : build.modules) failed_modules_.erase(m.id);
  for (const auto& e : build.errors) {
    if (e.location && graph_.find(e.location->file)) failed_modules_.insert(e.location->file);
  }
}

bool Pipeline::esbuild_died_since(int pid, const std::string& why) {
  if (pid != 0 && builders_.child_pid() == pid) return false;
  spdlog::warn("esbuild died during a build ({}); building again on a new esbuild", why);
  ++counters_.esbuild_restarts;
  return true;
}

void Pipeline::store(const ModuleBuild& build) {
  for (const auto& m : build.modules) {
    auto n = graph_.find(m.id);
    const SiteState::Module* old = site_.module(m.id);
    if (!old || old->packages != m.packages) packages_dirty_ = true;
    SiteState::Module s;
    s.code = m.code;
    s.imports = m.imports;
    s.lazy = lazy_import_ids(m.code);
    s.packages = m.packages;
    s.exports = m.exports;
    s.refresh_boundary = n && graph_.node(*n).accept;
    s.wrapped = m.wrapped;
    // Encoded here, once per build: importers are assembled again at every version change.
    s.source_map = served_source_map(m.source_map);
    site_.put_module(m.id, std::move(s));
    // So a later manifest without hashes compares the disk with what was built (module_graph.h).
    if (m.source_hash) graph_.record_content(m.id, *m.source_hash);
    for (const auto& [dep, variant] : m.wrapped)
      if (!site_.has_source(dep)) load_source(dep);
  }
}

bool Pipeline::is_asset(std::string_view id) const {
  auto n = graph_.find(id);
  if (n && graph_.node(*n).present) return graph_.node(*n).kind == graph::Kind::asset;
  return !builds_as_module(id);
}

void Pipeline::load_source(const std::string& id) {
  auto bytes = read_file(root_ / id);
  if (!bytes) spdlog::warn("{}", bytes.error().message);
  const bool asset = is_asset(id);
  // An asset is served as these bytes; a module's wrappers are not what esbuild built, so only
  // the build records a module's content.
  if (bytes && asset) graph_.record_content(id, graph::content_hash(*bytes));
  site_.put_source(id, bytes ? std::move(*bytes) : std::string(), asset);
}

std::string Pipeline::reload_env() {
  AppEnv env = load_app_env(root_, vite_environment());
  const auto files = changed_env_files(env_, env);
  if (!files.empty())
    for (const auto& w : env.warnings) spdlog::warn("{}", w);
  const bool changed = env.vars != env_.vars;
  env_ = std::move(env);
  if (!changed) return "";
  builders_.set_defines(env_define_flags(env_));
  std::string names;
  for (const auto& f : files) names += (names.empty() ? "" : ", ") + f;
  return "full-reload: import.meta.env changed (" + names +
         "): its values are built into every module";
}

void Pipeline::set_url(std::string url) {
  options_.url = std::move(url);
  publish();
}

void Pipeline::open_app(std::shared_ptr<graph::Manifest> manifest) {
  current_ = manifest;
  root_ = manifest->root;
  graph_.apply(*manifest);
  builders_.open(root_, builder_hooks());
  started_ = true;
  ensure_postcss();
  env_ = load_app_env(root_, vite_environment());
  for (const auto& w : env_.warnings) spdlog::warn("{}", w);
  builders_.set_defines(env_define_flags(env_));
  site_.set_html(shell_html());
}

void Pipeline::cold_start(std::shared_ptr<graph::Manifest> manifest,
                          std::function<void(Result<size_t>)> done) {
  auto cold = std::make_shared<ColdBuild>();
  cold->t0 = Clock::now();
  open_app(std::move(manifest));
  std::vector<std::string> styles;
  for (graph::NodeId n = 0; n < graph_.node_count(); ++n) {
    const auto& node = graph_.node(n);
    if (!node.present) continue;
    const std::string id(node.id);
    if (node.kind == graph::Kind::asset) {
      load_source(id);
      continue;
    }
    (is_js(id) ? cold->js : styles).push_back(id);
  }
  defer_builds(cold->js);
  cold->tty = options_.progress_on_tty && isatty(STDERR_FILENO);
  cold->done = std::move(done);
  cold->batches_left = (cold->js.size() + kBatchSize - 1) / kBatchSize;
  // Stylesheets first: an app has a few, and their errors then come first too.
  build_styles(std::move(styles), [this, cold](std::vector<esbuild::Message> errors, auto) {
    cold->errors = std::move(errors);
    if (cold->batches_left == 0) return finish_cold_start(cold);
    for (size_t i = 0; i < kBatchesInFlight; ++i) build_next_batch(cold);
  });
}

void Pipeline::finish_cold_start(std::shared_ptr<ColdBuild> cold) {
  refresh_router();
  // Before serving, though a page asks for the bundle only once its entry ran: built behind the
  // serving, the bundle took the cores from the page's start, and the first render came later.
  ensure_deps([this, cold](Result<bool> deps) { serve_cold_start(cold, std::move(deps)); });
}

void Pipeline::serve_cold_start(std::shared_ptr<ColdBuild> cold, Result<bool> deps) {
  // Serving what built, with the overlay, beats not serving: the next recompile retries.
  auto& errors = cold->errors;
  if (!deps) errors.push_back(esbuild::message(deps.error().message));
  errors.insert(errors.end(), missing_package_errors_.begin(), missing_package_errors_.end());
  for (const auto& e : errors) spdlog::error("{}", esbuild::format_message(e));
  if (!errors.empty()) site_.set_standing_error(error_message(current_->build, errors.front()));
  expect_saved_tokens();
  publish();
  spdlog::info("built {} modules in {:.0f} ms ({} with errors)", cold->js.size(),
               ms_since(cold->t0), errors.size());
  cold->done(site_.module_count());
}

// The next batch of the cold start, if any is left; each finished batch starts another.
void Pipeline::build_next_batch(std::shared_ptr<ColdBuild> cold) {
  if (cold->next >= cold->js.size()) return;
  const size_t end = std::min(cold->js.size(), cold->next + kBatchSize);
  std::vector<std::string> batch(cold->js.begin() + cold->next, cold->js.begin() + end);
  cold->next = end;
  build_modules(batch, [this, cold](Result<ModuleBuild> r) {
    if (r) {
      store(*r);
      cold->built += r->modules.size();
      cold->errors.insert(cold->errors.end(), r->errors.begin(), r->errors.end());
    } else {
      cold->errors.push_back(esbuild::message(r.error().message));
    }
    if (cold->tty)
      std::fprintf(stderr, "\r[hr] building modules %zu/%zu (%.1f s)", cold->built, cold->js.size(),
                   ms_since(cold->t0) / 1000);
    if (--cold->batches_left > 0) return build_next_batch(cold);
    if (cold->tty) std::fprintf(stderr, "\n");
    finish_cold_start(cold);
  });
}

}  // namespace hr::orch

// The pipeline's npm bundle (prebundle.h): which packages it must hold, and when it is built.
//
// The bundle holds every package the app's modules import, built or (on demand) only scanned. A
// recompile whose set of packages changed builds a new bundle before it plans: the bundle's key
// is in every module's URL, so pages reload.
//
// On demand, the cold start does not wait for the bundle: esbuild's build of React and the rest
// takes a few hundred ms, and a page asks for none of it before its shell and entry have loaded.
// The key and the entry URLs follow from the request alone (deps_key), so modules and the shell
// go out with their final URLs; a request under /@deps/ waits until the files are there, as a
// module's request waits for its build. A navigation's page build (build_for_navigation) waits
// for the bundle too: the page runs nothing before it has the bundle, so that build comes first.
#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>
#include <utility>

#include "orchestrator/browser_messages.h"
#include "orchestrator/missing_packages.h"
#include "orchestrator/pipeline.h"

namespace hr::orch {

namespace fs = std::filesystem;

std::optional<DepsRequest> Pipeline::deps_wanted() {
  // A missing package is looked for again at every recompile, until it is installed.
  if (!packages_dirty_ && missing_package_errors_.empty() && !site_.deps().key.empty())
    return std::nullopt;
  packages_dirty_ = false;
  auto wanted = site_.packages_in_use();
  wanted.insert(scanned_packages_.begin(), scanned_packages_.end());
  std::erase_if(scanned_missing_, [&](const auto& m) { return !unbuilt_.contains(m.first); });
  for (const auto& [id, specs] : scanned_missing_) wanted.insert(specs.begin(), specs.end());
  if (fs::exists(root_ / "node_modules/react-refresh/package.json")) wanted.insert(kRefreshRuntime);
  std::vector<std::string> specs;
  missing_package_errors_.clear();
  for (const auto& spec : wanted) {
    if (package_installed(root_, package_name(spec))) {
      specs.push_back(spec);
      continue;
    }
    for (const auto& id : site_.importers_of_package(spec))
      missing_package_errors_.push_back(missing_package_error(root_, id, spec));
    for (const auto& [id, specs] : scanned_missing_)
      if (std::find(specs.begin(), specs.end(), spec) != specs.end())
        missing_package_errors_.push_back(missing_package_error(root_, id, spec));
  }
  std::vector<std::string> have;
  for (const auto& [spec, url] : site_.deps().entry) have.push_back(spec);
  if (specs == have && !site_.deps().key.empty()) return std::nullopt;
  return DepsRequest{root_, specs, options_.state_dir / "deps"};
}

void Pipeline::ensure_deps(std::function<void(Result<bool>)> done) {
  auto wanted = deps_wanted();
  if (!wanted) return done(false);
  bundle_deps(std::move(*wanted), std::move(done));
}

void Pipeline::bundle_deps(DepsRequest request, std::function<void(Result<bool>)> done) {
  const std::uint64_t generation = ++deps_generation_;
  retrying<DepsBundle>([this, request](auto cb) { builders_.bundle_deps(request, std::move(cb)); },
                       [this, done, generation](Result<DepsBundle> b) {
                         // A newer request is under way (the app's packages changed meanwhile): it
                         // decides.
                         if (generation != deps_generation_) return done(false);
                         Result<bool> changed = false;
                         if (b) {
                           changed = !site_.deps().key.empty() && b->key != site_.deps().key;
                           site_.set_deps(std::move(*b));
                         } else {
                           changed = b.error();
                         }
                         deps_arrived();
                         done(std::move(changed));
                       });
}

void Pipeline::bundle_deps_while_serving(DepsRequest request) {
  DepsBundle named;
  named.key = deps_key(request);
  for (const auto& spec : request.specifiers) named.entry[spec] = deps_url(spec, named.key);
  site_.set_deps(std::move(named));
  deps_pending_ = true;
  const auto t0 = std::chrono::steady_clock::now();
  bundle_deps(std::move(request), [this, t0](Result<bool> changed) {
    if (deps_pending_) return;  // a newer bundle (the packages changed meanwhile) replaces it
    const double ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    if (!changed) return show_error(esbuild::message(changed.error().message));
    spdlog::info("npm dependencies: {} modules bundled in {:.0f} ms, while serving",
                 site_.deps().files.size(), ms);
    if (*changed) {
      // Not expected (the same request gives the same key), but then pages hold dead URLs.
      ++counters_.reloads;
      publisher_.broadcast(full_reload_message("the npm bundle changed as the page loaded"));
    }
  });
}

// The bundle's files are in (or it failed): requests that waited for them are answered after the
// publish, which the server applies first.
void Pipeline::deps_arrived() {
  if (!deps_pending_) return;
  deps_pending_ = false;
  publish();
  for (auto& waiter : deps_waiters_) boost::asio::post(io_, std::move(waiter));
  deps_waiters_.clear();
  for (const auto& path : std::exchange(navigations_after_deps_, {})) build_for_navigation(path);
  if (background_started_) quiet_then_background();  // held back by the bundle
}

bool Pipeline::waits_for_deps(std::string_view path) const {
  return deps_pending_ && path.starts_with(kDepsPrefix);
}

}  // namespace hr::orch

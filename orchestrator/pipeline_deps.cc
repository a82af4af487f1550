// The pipeline's npm bundle (prebundle.h): which packages it must hold, and when it is built.
//
// The bundle holds every package the app's modules import, built or (on demand) only scanned. The
// cold start builds it before serving; a recompile whose set of packages changed builds a new one
// before it plans: the bundle's key is in every module's URL, so pages reload.

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
  auto bundle = [this, request = std::move(*wanted)](auto cb) {
    builders_.bundle_deps(request, std::move(cb));
  };
  retrying<DepsBundle>(bundle, [this, done](Result<DepsBundle> b) {
    if (!b) return done(b.error());
    const bool changed = !site_.deps().key.empty() && b->key != site_.deps().key;
    site_.set_deps(std::move(*b));
    done(changed);
  });
}

}  // namespace hr::orch

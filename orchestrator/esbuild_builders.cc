#include "orchestrator/esbuild_builders.h"

namespace hr::orch {

void EsbuildBuilders::open(const std::filesystem::path& root, BuilderHooks hooks) {
  modules_ = std::make_unique<ModuleBuilder>(service_, root, std::move(hooks));
  modules_->use_cache(cache_.get());
  styles_ = std::make_unique<StyleBuilder>(service_, root);
}

void EsbuildBuilders::build_modules(std::vector<std::string> ids,
                                    esbuild::Callback<ModuleBuild> done) {
  modules_->build(std::move(ids), std::move(done));
}

void EsbuildBuilders::build_ahead(const std::vector<std::string>& ids) {
  modules_->build_ahead(ids);
}

std::uint64_t EsbuildBuilders::esbuild_module_builds() const {
  return modules_ ? modules_->esbuild_builds() : 0;
}

std::uint64_t EsbuildBuilders::built_ahead_used() const {
  return modules_ ? modules_->built_ahead_used() : 0;
}

void EsbuildBuilders::set_defines(std::vector<std::string> flags) {
  modules_->set_defines(std::move(flags));
}

ModuleCacheStats EsbuildBuilders::module_cache_stats() const {
  if (modules_) return modules_->cache_stats();
  return cache_ ? cache_->stats() : ModuleCacheStats{};
}

void EsbuildBuilders::build_styles(std::vector<std::string> ids,
                                   esbuild::Callback<StyleBuild> done) {
  styles_->build(std::move(ids), std::move(done));
}

void EsbuildBuilders::set_postcss(PostcssStyles* postcss) {
  styles_->set_postcss(postcss);
}

void EsbuildBuilders::bundle_deps(DepsRequest request, esbuild::Callback<DepsBundle> done) {
  prebundle(service_, std::move(request), std::move(done));
}

int EsbuildBuilders::child_pid() const {
  return service_.running() ? service_.pid() : 0;
}

void EsbuildBuilders::restart(esbuild::Callback<std::string> ready) {
  service_.restart(std::move(ready));
}

void EsbuildBuilders::renew(esbuild::Callback<std::string> ready) {
  service_.set_env({});  // Go's defaults: the cold start's settings (daemon.cc) are for bulk builds
  service_.restart(std::move(ready));
}

}  // namespace hr::orch

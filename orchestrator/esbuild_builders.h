// The pipeline's builders in the server: esbuild's module builder (module_builder.h), style builder
// (style_builder.h) and npm prebundle (prebundle.h), all on one long-lived esbuild child. The
// module builder keeps its output in the persistent module cache when given one (module_cache.h).
#pragma once

#include <memory>

#include "orchestrator/builders.h"

namespace hr::orch {

class EsbuildBuilders : public Builders {
 public:
  // `cache`: null for none (--no-cache); it outlives its last build, its queued writes finished
  // when these builders go.
  explicit EsbuildBuilders(esbuild::Service& service, std::unique_ptr<ModuleCache> cache = nullptr)
      : service_(service), cache_(std::move(cache)) {}

  void open(const std::filesystem::path& root, BuilderHooks hooks) override;
  void build_modules(std::vector<std::string> ids, esbuild::Callback<ModuleBuild> done) override;
  void build_ahead(const std::vector<std::string>& ids) override;
  std::uint64_t built_ahead_used() const override;
  void set_defines(std::vector<std::string> flags) override;
  ModuleCacheStats module_cache_stats() const override;
  std::uint64_t esbuild_module_builds() const override;
  void build_styles(std::vector<std::string> ids, esbuild::Callback<StyleBuild> done) override;
  void set_postcss(PostcssStyles* postcss) override;
  void bundle_deps(DepsRequest request, esbuild::Callback<DepsBundle> done) override;
  int child_pid() const override;
  void restart(esbuild::Callback<std::string> ready) override;
  void renew(esbuild::Callback<std::string> ready) override;

 private:
  esbuild::Service& service_;
  std::unique_ptr<ModuleCache> cache_;  // declared first: goes after the builder using it
  std::unique_ptr<ModuleBuilder> modules_;
  std::unique_ptr<StyleBuilder> styles_;
};

}  // namespace hr::orch

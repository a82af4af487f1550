// What the pipeline asks of its builders, behind one small interface.
//
// The pipeline decides what to build and when; the builders turn module ids into ES modules,
// stylesheets into CSS and npm specifiers into a dependency bundle. In the server they are
// esbuild's (esbuild_builders.h): one long-lived child that may die and be restarted. Tests of the
// pipeline's rules give it a fake instead, the way ninja tests its Builder with a fake command
// runner: builds that answer when the test says, fail, or crash.
//
// A failed call (the Result's error) means the builder could not be asked at all; compile errors
// are part of a build's value. `child_pid()` tells the two apart after the fact: a call that failed
// while the child changed or stopped running failed because the child died, and is worth one retry
// after restart().
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "esbuild_bridge/esbuild.h"
#include "orchestrator/module_builder.h"
#include "orchestrator/prebundle.h"
#include "orchestrator/style_builder.h"

namespace hr::orch {

class PostcssStyles;

class Builders {
 public:
  virtual ~Builders() = default;

  // Called once, at the cold start, before any build: the app's root and how imports resolve.
  virtual void open(const std::filesystem::path& root, BuilderHooks hooks) = 0;

  virtual void build_modules(std::vector<std::string> ids, esbuild::Callback<ModuleBuild> done) = 0;
  // Starts building modules the compiler just rewrote, for a build_modules() that may follow.
  virtual void build_ahead(const std::vector<std::string>& ids) = 0;
  virtual std::uint64_t built_ahead_used() const = 0;
  // Extra esbuild flags for every module build from now on (import.meta.env's defines).
  virtual void set_defines(std::vector<std::string> flags) = 0;
  // The persistent module cache's counts (module_cache.h); a builder without one has none.
  virtual ModuleCacheStats module_cache_stats() const { return {}; }
  // How many esbuild builds of modules it asked for (cache hits and builds ahead taken are none).
  virtual std::uint64_t esbuild_module_builds() const = 0;

  virtual void build_styles(std::vector<std::string> ids, esbuild::Callback<StyleBuild> done) = 0;
  // Runs stylesheets through PostCSS first from now on. Not owned.
  virtual void set_postcss(PostcssStyles* postcss) = 0;

  virtual void bundle_deps(DepsRequest request, esbuild::Callback<DepsBundle> done) = 0;

  // The child doing the builds: its pid (0 when none runs) and a restart after it died.
  virtual int child_pid() const = 0;
  virtual void restart(esbuild::Callback<std::string> ready) = 0;
  // Replaces a child that is fine but grew large (the app is built) by a fresh one with default
  // settings; builds asked for meanwhile go to the new child.
  virtual void renew(esbuild::Callback<std::string> ready) { restart(std::move(ready)); }
};

}  // namespace hr::orch

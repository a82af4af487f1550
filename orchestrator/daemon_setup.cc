#include "orchestrator/daemon_setup.h"

#include <spdlog/spdlog.h>
#include <sys/stat.h>

#include "esbuild_bridge/esbuild.h"
#include "orchestrator/scan_cache.h"
#include "orchestrator/token_snapshot.h"

namespace hr::orch {

namespace {

// What the served code depends on besides the app: esbuild's version and this binary (its size
// and time: a rebuilt binary may assemble modules otherwise).
std::string build_env() {
  std::string env = "esbuild " + std::string(esbuild::pinned_esbuild_version());
  struct stat st {};
  if (::stat("/proc/self/exe", &st) == 0)
    env += "; hr-orchestrate " + std::to_string(st.st_size) + " " +
           std::to_string(st.st_mtim.tv_sec) + "." + std::to_string(st.st_mtim.tv_nsec);
  return env;
}

}  // namespace

std::unique_ptr<ModuleCache> open_module_cache(const Config& config, const server::Server& server) {
  if (!config.module_cache) return nullptr;
  auto cache = ModuleCache::open(
      {ModuleCache::dir_in(state_dir(config)), config.cache_size_mb * (std::uint64_t{1} << 20),
       [&server] { return server.served_module_within(std::chrono::milliseconds(200)); }});
  if (!cache) {
    spdlog::warn("{}; building without the module cache", cache.error().message);
    return nullptr;
  }
  return std::move(*cache);
}

Pipeline::Options pipeline_options(const Config& config) {
  Pipeline::Options options;
  options.manifest_path = config.manifest;
  options.state_dir = state_dir(config);
  options.on_demand = !config.build_all;
  if (config.module_cache) {  // --no-cache keeps nothing between starts
    options.scan_cache = scan_cache_file(state_dir(config));
    options.token_snapshot = token_snapshot_file(state_dir(config));
  }
  options.build_env = build_env();
  return options;
}

}  // namespace hr::orch

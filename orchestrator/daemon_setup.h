// What the server (daemon.cc) makes of its Config before it starts: the persistent module cache it
// opens, and the pipeline's options, with the state files it keeps between starts (the import
// scans, the URL tokens) and what the served code depends on besides the app.
#pragma once

#include <memory>

#include "orchestrator/module_cache.h"
#include "orchestrator/orchestrator.h"
#include "orchestrator/pipeline.h"
#include "server/server.h"

namespace hr::orch {

// The module cache (module_cache.h) unless --no-cache; one that cannot open is logged and the
// server builds without it. Its writes wait while a page loads from `server`.
std::unique_ptr<ModuleCache> open_module_cache(const Config& config, const server::Server& server);

Pipeline::Options pipeline_options(const Config& config);

}  // namespace hr::orch

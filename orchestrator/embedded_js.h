// The JavaScript built into hr-orchestrate, so the binary needs nothing from disk at run time.
// Each function returns one script, made at build time by embed_client.cmake from the files named
// in orchestrator/CMakeLists.txt (concatenated in order) and compiled into hr_orchestrator, the
// library that uses them.
#pragma once

namespace hr::orch {

// The HMR client served at /@hr/client.js: orchestrator/client/error_overlay.js,
// react_refresh.js, then the client's own files, hmr_client.js last (it starts the client).
const char* client_js();

// The runtime of the framework-mode client entry (router_entry.h): client/router_runtime.js.
const char* router_runtime_js();

// The PostCSS worker node runs for apps with a postcss.config.* (postcss_worker.h):
// postcss_worker.mjs.
const char* postcss_worker_js();

}  // namespace hr::orch

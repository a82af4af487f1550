// The esbuild bridge's public face: a C++ host for esbuild's binary stdio service protocol.
//
// Start one Service per process and keep it: one-shot builds of a few modules, incremental contexts
// and transforms all go through the same long-lived child. Plugins (on-resolve, on-load) are C++
// callbacks, so the orchestrator rewrites imports to canonical URLs and serves sources from memory
// without Node.js. See service.h for the lifecycle and types.h for options and results.
#pragma once

#include "esbuild_bridge/service.h"
#include "esbuild_bridge/types.h"

// hr::graph — the module graph: the part of hr-orchestrate that decides what a browser must do
// after a recompile. This is the header other folders include.
//
// The flow for one recompile:
//
//   Manifest m = read_manifest(".web/manifest.json")   // manifest.h: checked, or one clear error
//   Diff d     = graph.apply(m, options)                // module_graph.h: added/removed/changed
//   Decision p = plan(graph, d, loaded)                 // planner.h:
//   none/css/js-update/full-reload
//
// or `update()` below for the first two steps at once. Between recompiles, the esbuild bridge
// resolves import specifiers with a Resolver (resolver.h) over the same graph.
//
// Pieces, each with its own header (tests may include them directly): manifest.h (reader),
// module_graph.h (Graph, Diff), change_detector.h (stat cache + XXH3), glob.h (`ignore`),
// resolver.h, planner.h.
#pragma once

#include <filesystem>

#include "common/result.h"
#include "graph/manifest.h"
#include "graph/module_graph.h"
#include "graph/planner.h"
#include "graph/resolver.h"

namespace hr::graph {

// Reads the manifest file and applies it. A manifest error leaves the graph untouched.
inline Result<Diff> update(Graph& graph, const std::filesystem::path& manifest_path,
                           const ApplyOptions& options = {}) {
  auto manifest = read_manifest(manifest_path);
  if (!manifest) return manifest.error();
  return graph.apply(*manifest, options);
}

}  // namespace hr::graph

// Merging a burst of recompiles: calls that queued while one was in flight run once, on the
// latest manifest, with the union of their `changed` and `removed` hints, so no queued change is
// lost. If any of them had no hint, the merged run has none either (every module is examined).
// The reader's list of rewritten modules is merged the same way.
#pragma once

#include <memory>
#include <vector>

#include "graph/manifest.h"

namespace hr::orch {

// Rewrites the hints of the last manifest (copying their strings into its arena).
void merge_hints(const std::vector<std::shared_ptr<graph::Manifest>>& manifests);

}  // namespace hr::orch

#include "orchestrator/burst.h"

#include <algorithm>

namespace hr::orch {

void merge_hints(const std::vector<std::shared_ptr<graph::Manifest>>& manifests) {
  if (manifests.size() < 2) return;
  auto& latest = *manifests.back();
  const bool all_hinted = std::all_of(manifests.begin(), manifests.end(),
                                      [](const auto& m) { return m->changed.has_value(); });
  if (!all_hinted) {
    latest.changed.reset();
    return;
  }
  std::vector<std::string_view> changed, removed;
  for (const auto& m : manifests) {
    changed.insert(changed.end(), m->changed->begin(), m->changed->end());
    removed.insert(removed.end(), m->removed.begin(), m->removed.end());
  }
  for (auto* v : {&changed, &removed}) {
    std::sort(v->begin(), v->end());
    v->erase(std::unique(v->begin(), v->end()), v->end());
  }
  latest.changed = std::move(changed);
  latest.removed = std::move(removed);
}

}  // namespace hr::orch

#include "orchestrator/burst.h"

#include <algorithm>

namespace hr::orch {

namespace {

// The union of one list over the batch, its strings copied into the latest manifest's arena (the
// earlier manifests go when the batch is done).
std::vector<std::string_view> merged(
    const std::vector<std::shared_ptr<graph::Manifest>>& manifests,
    const std::vector<std::string_view>& (*list)(const graph::Manifest&)) {
  std::vector<std::string_view> out;
  auto& arena = *manifests.back()->arena;
  for (const auto& m : manifests)
    for (std::string_view id : list(*m)) out.push_back(arena.store(id));
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace

void merge_hints(const std::vector<std::shared_ptr<graph::Manifest>>& manifests) {
  if (manifests.size() < 2) return;
  auto& latest = *manifests.back();
  // What was rewritten since the graph's last apply: every manifest of the batch counts.
  auto all = [&](auto member) {
    return std::all_of(manifests.begin(), manifests.end(),
                       [&](const auto& m) { return ((*m).*member).has_value(); });
  };
  if (all(&graph::Manifest::rewritten)) {
    latest.rewritten = merged(
        manifests, [](const graph::Manifest& m) -> const auto& { return *m.rewritten; });
  } else {
    latest.rewritten.reset();
  }
  if (!all(&graph::Manifest::changed)) {
    latest.changed.reset();
    return;
  }
  auto changed = merged(
      manifests, [](const graph::Manifest& m) -> const auto& { return *m.changed; });
  latest.removed = merged(
      manifests, [](const graph::Manifest& m) -> const auto& { return m.removed; });
  latest.changed = std::move(changed);
}

}  // namespace hr::orch

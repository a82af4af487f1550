#include "orchestrator/unbuilt_modules.h"

namespace hr::orch {

std::vector<UnbuiltModules::Ready> UnbuiltModules::removed(const std::string& id) {
  unbuilt_.erase(id);
  ++generation_[id];
  auto it = waiting_.find(id);
  if (it == waiting_.end()) return {};
  auto ready = std::move(it->second);
  waiting_.erase(it);
  return ready;
}

UnbuiltModules::Ticket UnbuiltModules::start(const std::vector<std::string>& ids, bool urgent) {
  Ticket t;
  t.urgent = urgent;
  for (const auto& id : ids) {
    if (!unbuilt_.count(id)) continue;
    auto it = in_flight_.find(id);
    if (it != in_flight_.end() && (!urgent || urgent_.count(id))) continue;
    ++in_flight_[id];
    if (urgent) urgent_.insert(id);
    t.generations[id] = generation_[id];
  }
  return t;
}

std::vector<std::string> UnbuiltModules::next(size_t n) const {
  std::vector<std::string> ids;
  for (const auto& id : unbuilt_) {
    if (ids.size() == n) break;
    if (!in_flight_.count(id)) ids.push_back(id);
  }
  return ids;
}

UnbuiltModules::Outcome UnbuiltModules::finish(const Ticket& ticket,
                                               const std::set<std::string>& built,
                                               bool could_not_build) {
  Outcome out;
  for (const auto& [id, generation] : ticket.generations) {
    if (--in_flight_[id] == 0) in_flight_.erase(id);
    if (ticket.urgent) urgent_.erase(id);
    if (!unbuilt_.count(id)) continue;  // removed meanwhile, or another build of it ended first
    if (generation_[id] != generation) {
      out.stale.push_back(id);
      continue;
    }
    // A module the build did not give back failed, whether or not an error names it (an error
    // may name a file it imports): asking again would fail again.
    if (!could_not_build) unbuilt_.erase(id);
    if (built.count(id)) out.fresh.insert(id);
    auto it = waiting_.find(id);
    if (it == waiting_.end()) continue;
    for (auto& r : it->second) out.ready.push_back(std::move(r));
    waiting_.erase(it);
  }
  return out;
}

}  // namespace hr::orch

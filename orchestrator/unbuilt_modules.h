// The app modules the pipeline knows but has not built yet (on-demand builds), and the requests
// waiting for them.
//
// With on-demand builds the cold start builds the entries (and in framework mode the routes),
// serves, and builds the rest when a browser first asks for it, or in the background. A build
// takes a ticket with each module's generation; a recompile that changes a module not built yet
// bumps its generation instead of building it (no page holds it), so a build in flight when the
// module changed comes back stale: it is built again, never stored. A module leaves this set once
// a build of its current text compiled or failed (a failure stands as the overlay, like any
// compile error; the next recompile builds it again).
//
// Pure bookkeeping, no I/O: the pipeline does the building (tested in unbuilt_modules_test.cc).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace hr::orch {

class UnbuiltModules {
 public:
  using Ready = std::function<void()>;

  void add(const std::string& id) { unbuilt_.insert(id); }
  bool contains(std::string_view id) const { return unbuilt_.count(id) > 0; }
  size_t size() const { return unbuilt_.size(); }
  bool empty() const { return unbuilt_.empty(); }
  size_t in_flight() const { return in_flight_.size(); }

  // A recompile changed `id`: a build of it in flight is stale.
  void changed(const std::string& id) { ++generation_[id]; }
  // A recompile removed `id`: yields the requests waiting for it (nothing is coming).
  std::vector<Ready> removed(const std::string& id);

  // Calls `ready` once `id` is built (or failed).
  void wait(const std::string& id, Ready ready) { waiting_[id].push_back(std::move(ready)); }

  struct Ticket {
    std::map<std::string, std::uint64_t> generations;  // the ids this build took
    bool urgent = false;
  };
  // Takes the ids of `ids` that are unbuilt and not being built already. An urgent build (a page
  // waits) also takes those a background batch is building: the page does not wait for the whole
  // batch, and whichever build ends first is stored.
  Ticket start(const std::vector<std::string>& ids, bool urgent = false);
  // Up to `n` unbuilt ids that no build has taken, in id order.
  std::vector<std::string> next(size_t n) const;

  struct Outcome {
    std::set<std::string> fresh;     // compiled from their current text: store them
    std::vector<std::string> stale;  // changed while being built: build again
    std::vector<Ready> ready;        // requests answered by this build
  };
  // A ticket's build ended: `built` compiled; the ticket's other ids failed (a compile error).
  // With `could_not_build` (the builder could not be asked) nothing leaves the set, but the
  // requests waiting are answered: they get what the server has.
  Outcome finish(const Ticket& ticket, const std::set<std::string>& built,
                 bool could_not_build = false);

 private:
  std::set<std::string, std::less<>> unbuilt_;
  std::map<std::string, int> in_flight_;  // builds under way, by id
  std::set<std::string> urgent_;          // ids an urgent build has taken
  std::map<std::string, std::uint64_t> generation_;
  std::map<std::string, std::vector<Ready>> waiting_;
};

}  // namespace hr::orch

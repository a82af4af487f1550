// The planner: what the browsers must do after one recompile, and why.
//
// Input: the Graph after apply(), the Diff that apply() returned, and the modules some browser has
// loaded (the server knows: it served them). Output: one Decision with a reason a person can read
// in a log. The rules (contract table in manifest-v1.md; propagation as in Vite's propagateUpdate):
//
//   none         nothing changed (identical rewrite), a backend-only recompile (`changed` empty),
//                only ignored modules changed, the first build, or the changed modules were never
//                loaded by any browser.
//   css          only style modules changed (a style module imported from JS is still a CSS
//                swap): their ids, served at "/" + id, are re-fetched in place.
//   js-update    every changed module's importer chains end at accepting modules (boundaries);
//                for each boundary, the chain from each changed module that reached it.
//   full-reload  a chain reaches an entry (or a module nothing imports) without passing an
//                accepting module; or the HTML shell, `entries`, `resolve` or the npm package set
//                changed; or a removed module is still imported by a loaded module.
//
// Modules added by this recompile are not walked (no browser has them; their importers changed
// and carry the update). Propagation from a changed module M: a module never loaded stops the walk
// (nothing in any browser to update, Vite #7561); an accepting module is a boundary and stops the
// walk; an entry or a module without importers is a dead end; otherwise walk each importer. Every
// module is walked at most once per changed module, so cycles terminate; every module walked is
// on some chain to a boundary (or the walk ended in a full reload), so the walked set is exactly
// what a hot update re-executes (Decision::reexecuted).
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <tsl/robin_set.h>

#include "graph/module_graph.h"

namespace hr::graph {

// The module ids some browser has loaded; the server adds ids as it serves them.
class LoadedSet {
 public:
  // As if every module were loaded: for tools with no server (and tests).
  static LoadedSet everything() {
    LoadedSet s;
    s.all_ = true;
    return s;
  }
  // Asks `loaded` per module instead of holding a set: the server already keeps one, and copying
  // it for every recompile would cost O(app size).
  static LoadedSet asking(std::function<bool(std::string_view id)> loaded) {
    LoadedSet s;
    s.ask_ = std::move(loaded);
    return s;
  }
  void add(std::string_view id) { ids_.emplace(id); }
  bool contains(std::string_view id) const {
    return all_ || (ask_ ? ask_(id) : ids_.find(id) != ids_.end());
  }
  bool empty() const { return !all_ && !ask_ && ids_.empty(); }

 private:
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  struct Eq {
    using is_transparent = void;
    bool operator()(std::string_view a, std::string_view b) const { return a == b; }
  };
  tsl::robin_set<std::string, Hash, Eq> ids_;
  std::function<bool(std::string_view)> ask_;
  bool all_ = false;
};

enum class Action { none, css, js_update, full_reload };
std::string_view to_string(Action action);  // "none", "css", "js-update", "full-reload"

// Module ids from a changed module (first) through its importers to a boundary or an entry (last).
using Chain = std::vector<std::string>;

struct JsUpdate {
  std::string boundary;       // the accepting module the browser re-imports
  std::vector<Chain> chains;  // one per changed module that reached it
};

struct Decision {
  Action action = Action::none;
  std::string reason;  // "full-reload: utils/state.js reached entry ... via a -> b -> c ..."
  std::vector<std::string> css;   // style module ids to re-fetch
  std::vector<JsUpdate> updates;  // js-update: one per boundary
  Chain culprit;                  // full-reload by propagation: the chain that hit the dead end
  // js-update: every module on any chain from a changed module up to a boundary, boundaries
  // included. Each must be served under a new version, so that re-importing a boundary re-executes
  // the whole chain down to the changed module (a module left out keeps serving the browser its
  // old instance, and through it the old code of what it imports).
  std::vector<std::string> reexecuted;
  std::string build;  // the manifest's `build`, echoed
};

Decision plan(const Graph& graph, const Diff& diff, const LoadedSet& loaded);

}  // namespace hr::graph

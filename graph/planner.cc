#include "graph/planner.h"

#include <tsl/robin_map.h>
#include <tsl/robin_set.h>

namespace hr::graph {

std::string_view to_string(Action action) {
  switch (action) {
    case Action::none:
      return "none";
    case Action::css:
      return "css";
    case Action::js_update:
      return "js-update";
    case Action::full_reload:
      return "full-reload";
  }
  return "none";
}

namespace {

std::string join(const Chain& chain) {
  std::string out;
  for (const auto& id : chain) {
    if (!out.empty()) out += " -> ";
    out += id;
  }
  return out;
}

// Up to three ids, then "and N more": reasons stay one readable line.
std::string list(const Graph& g, const std::vector<NodeId>& ids) {
  std::string out;
  for (size_t i = 0; i < ids.size() && i < 3; ++i) {
    if (i) out += ", ";
    out += g.id(ids[i]);
  }
  if (ids.size() > 3) out += " and " + std::to_string(ids.size() - 3) + " more";
  return out;
}

class Planner {
 public:
  Planner(const Graph& g, const Diff& d, const LoadedSet& loaded)
      : g_(g), d_(d), loaded_(loaded), visited_(g.node_count(), 0) {}

  Decision run() {
    out_.build = d_.build;
    if (d_.initial) return none("initial build, nothing served yet");
    if (graph_inputs()) return std::move(out_);
    if (removed_still_imported()) return std::move(out_);
    // Added modules are not walked: no browser has them yet, and the modules that now import
    // them changed, so their walk carries the update.
    const std::vector<NodeId>& candidates = d_.changed;
    if (candidates.empty()) return nothing_changed();
    for (NodeId n : candidates) {
      if (!visit_candidate(n)) return std::move(out_);
    }
    return summarize(candidates);
  }

 private:
  Decision none(std::string why) {
    out_.action = Action::none;
    out_.reason = "none: " + why;
    if (!d_.errors.empty()) {
      out_.reason += " (" + std::to_string(d_.errors.size()) + " module(s) in error)";
    }
    return std::move(out_);
  }

  bool full_reload(std::string why) {
    out_.action = Action::full_reload;
    out_.reason = "full-reload: " + why;
    return true;
  }

  bool graph_inputs() {
    if (d_.html_changed) return full_reload("the HTML shell changed");
    if (d_.entries_changed) return full_reload("the entries changed");
    if (d_.resolve_changed)
      return full_reload("the resolve settings (root, alias, extensions) changed");
    if (d_.packages_changed) return full_reload("the set of npm packages changed");
    return false;
  }

  // The browser would fetch a module that no longer exists: only a reload gets a consistent app.
  bool removed_still_imported() {
    for (NodeId r : d_.removed) {
      for (NodeId imp : g_.node(r).importers) {
        if (!loaded(imp)) continue;
        return full_reload(std::string(g_.id(r)) + " was removed but " + std::string(g_.id(imp)) +
                           " still imports it");
      }
    }
    return false;
  }

  Decision nothing_changed() {
    if (!d_.ignored.empty()) return none("ignored-only: " + list(g_, d_.ignored));
    if (!d_.added.empty()) return none("only new modules, not loaded yet: " + list(g_, d_.added));
    if (!d_.removed.empty()) {
      return none("only modules nothing imports were removed: " + list(g_, d_.removed));
    }
    if (d_.hinted && d_.hint_size == 0) return none("backend-only recompile (no module written)");
    if (d_.hinted) {
      return none("no-content-change (" + std::to_string(d_.hint_size) +
                  " module(s) rewritten with identical content)");
    }
    return none("no-content-change");
  }

  bool loaded(NodeId n) const { return loaded_.contains(g_.id(n)); }

  // False when the decision is already a full reload.
  bool visit_candidate(NodeId n) {
    const Node& node = g_.node(n);
    if (node.kind == Kind::style) {
      if (loaded(n)) out_.css.emplace_back(node.id);
      return true;
    }
    return propagate(n);
  }

  // Walks importers from `start` depth-first, with an explicit stack (chains can be thousands
  // deep). The stack is the chain from `start` to the module being looked at.
  bool propagate(NodeId start) {
    ++epoch_;
    stack_.clear();
    if (enter(start)) return false;
    while (!stack_.empty()) {
      Frame& top = stack_.back();
      const auto& importers = g_.node(top.node).importers;
      if (top.next == importers.size()) {
        stack_.pop_back();
        continue;
      }
      NodeId imp = importers[top.next++];
      if (visited_[imp] != epoch_ && enter(imp)) return false;
    }
    return true;
  }

  // Looks at `n` at the end of the current chain. True on a dead end (the decision is made).
  bool enter(NodeId n) {
    visited_[n] = epoch_;
    if (!loaded(n)) return false;
    const Node& node = g_.node(n);
    stack_.push_back({n, 0});
    if (reexecuted_.insert(n).second) out_.reexecuted.emplace_back(node.id);
    if (node.accept) {
      add_boundary(n);
      stack_.pop_back();
      return false;
    }
    if (node.is_entry() || node.importers.empty()) return dead_end(n);
    return false;
  }

  void add_boundary(NodeId b) {
    auto [it, inserted] = boundary_index_.try_emplace(b, out_.updates.size());
    if (inserted) out_.updates.push_back({std::string(g_.id(b)), {}});
    Chain chain;
    for (const Frame& f : stack_) chain.emplace_back(g_.id(f.node));
    out_.updates[it->second].chains.push_back(std::move(chain));
  }

  bool dead_end(NodeId n) {
    for (const Frame& f : stack_) out_.culprit.emplace_back(g_.id(f.node));
    const Node& node = g_.node(n);
    std::string where = node.is_entry() ? "entry " + std::string(node.id)
                                        : std::string(node.id) + " (imported by nothing)";
    return full_reload(out_.culprit.front() + " reached " + where + " via " + join(out_.culprit) +
                       " without an accepting module");
  }

  Decision summarize(const std::vector<NodeId>& candidates) {
    if (out_.updates.empty() && out_.css.empty()) {
      return none("changed modules not loaded by any browser: " + list(g_, candidates));
    }
    std::string css;
    for (size_t i = 0; i < out_.css.size(); ++i) css += (i ? ", " : "") + out_.css[i];
    if (out_.updates.empty()) {
      out_.reexecuted.clear();  // only styles were walked into: nothing re-executes
      out_.action = Action::css;
      out_.reason = "css: " + css;
      return std::move(out_);
    }
    out_.action = Action::js_update;
    out_.reason = "js-update: " + std::to_string(out_.updates.size()) + " boundar" +
                  (out_.updates.size() == 1 ? "y" : "ies") + " (";
    for (size_t i = 0; i < out_.updates.size() && i < 3; ++i) {
      out_.reason += (i ? ", " : "") + out_.updates[i].boundary;
    }
    if (out_.updates.size() > 3) out_.reason += ", ...";
    out_.reason += ")";
    if (!css.empty()) out_.reason += "; css: " + css;
    return std::move(out_);
  }

  struct Frame {
    NodeId node;
    uint32_t next;
  };

  const Graph& g_;
  const Diff& d_;
  const LoadedSet& loaded_;
  Decision out_;
  std::vector<uint32_t> visited_;
  uint32_t epoch_ = 0;
  std::vector<Frame> stack_;
  tsl::robin_map<NodeId, size_t> boundary_index_;
  tsl::robin_set<NodeId> reexecuted_;
};

}  // namespace

Decision plan(const Graph& graph, const Diff& diff, const LoadedSet& loaded) {
  return Planner(graph, diff, loaded).run();
}

}  // namespace hr::graph

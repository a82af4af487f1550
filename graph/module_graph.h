// The module graph: every module of the app, who imports whom, and what changed since last time.
//
// The Graph is the long-lived state of a dev session. Each recompile's manifest is applied to it
// (graph_apply.cc); applying yields a Diff: the modules added, removed and changed, the ones whose
// change is ignored, the modules in error, and the graph-level inputs that force a full reload
// (HTML shell, entries, resolve settings, npm package set). The Planner turns a Diff into what the
// browsers must do; the Resolver answers import specifiers against the graph.
//
// Module ids are interned to dense NodeIds on first sight and never freed: a removed module keeps
// its node (marked absent), so ids held by a Diff, a Decision or the server stay valid and a module
// that comes back reuses its node. Edges are NodeId vectors, both ways (imports and importers);
// an import of an id that is not a module gets an absent node, so a later manifest adding that
// module finds the edge already there.
//
// Applying is all-or-nothing: a Manifest has passed all checks at parse time, and apply() first
// computes the whole Diff (including disk probes) without touching the graph, then commits it in
// a step that cannot fail.
//
// A module's content is known two ways: the compiler's `hash` string, or the bytes on disk, which
// the orchestrator hashes itself (XXH3-64, change_detector.h) when the manifest has no hash. A
// manifest may switch between the two from one recompile to the next, and the two cannot be
// compared with each other, so a switch is decided by the bytes: against what was built
// (record_content) when switching to no hash, against our own last hash of the file when switching
// to compiler hashes. Without either, the module counts as changed.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <tsl/robin_map.h>

#include "graph/arena.h"
#include "graph/change_detector.h"
#include "graph/manifest.h"

namespace hr::graph {

using NodeId = uint32_t;

struct Node {
  std::string_view id;  // graph-owned, stable
  bool present = false;
  bool in_entries = false;  // listed in `entries`
  bool ignored = false;     // matches an `ignore` glob
  Kind kind = Kind::module;
  bool accept = false;
  std::string route;
  bool has_compiler_hash = false;
  std::string compiler_hash;
  // The file's content as the orchestrator knows it: its own last hash of the file, or the content
  // recorded as built (record_content; stamp left empty so the next probe reads the file). Unknown
  // after a compiler-hash change until the build is recorded.
  FileState file;
  std::vector<NodeId> imports;
  std::vector<NodeId> importers;  // present modules only

  // A root of the graph: propagation that reaches it without an accepting module is a dead end.
  bool is_entry() const { return in_entries || kind == Kind::entry; }
};

struct ModuleError {
  std::string id;
  std::string message;  // "missing on disk: /abs/path (No such file or directory)"
};

// What one apply() found. NodeIds name nodes of the graph it was applied to.
struct Diff {
  std::vector<NodeId> added;
  std::vector<NodeId> removed;
  std::vector<NodeId> changed;  // content changed, not ignored
  std::vector<NodeId> ignored;  // content changed (or added/removed), but matches `ignore`
  std::vector<ModuleError> errors;

  bool initial = false;  // the first apply: nothing was served before, nothing to update
  bool html_changed = false;
  bool entries_changed = false;
  bool resolve_changed = false;
  bool packages_changed = false;

  bool hinted = false;   // the manifest carried `changed`; only listed modules were examined
  size_t hint_size = 0;  // how many ids `changed` listed
  std::string build;     // the manifest's `build`, echoed
  std::vector<std::string> warnings;

  bool graph_inputs_changed() const {
    return html_changed || entries_changed || resolve_changed || packages_changed;
  }
  // Nothing a browser could notice: no module or graph-level input changed.
  bool nothing() const {
    return added.empty() && removed.empty() && changed.empty() && !graph_inputs_changed();
  }
};

struct ApplyOptions {
  // The bare npm packages the app uses (e.g. what the bundler resolved). Absent: unchanged since
  // the last apply. The order does not matter.
  std::optional<std::vector<std::string>> packages;
};

class Graph {
 public:
  // Applies a recompile's manifest; see the file comment.
  Diff apply(const Manifest& manifest, const ApplyOptions& options = {});

  // Records the content the orchestrator built for module `id`: XXH3_64bits (xxHash, seed 0) of
  // the exact source bytes, the same hash the ChangeDetector computes of a whole file. A later
  // manifest without a compiler hash for the module compares the file on disk with it. Changes no
  // Diff by itself; an id that is not a present module is ignored. Same thread as apply().
  void record_content(std::string_view id, uint64_t xxh3_64);

  // The build of module `id` did not happen (esbuild could not be asked: not the module's fault):
  // the next apply reports it changed, whatever the manifest and its hint say, so the graph never
  // takes a content as built that was not. Same thread as apply().
  void mark_unbuilt(std::string_view id);

  // Lookup.
  std::optional<NodeId> find(std::string_view id) const;
  const Node& node(NodeId n) const { return nodes_[n]; }
  std::string_view id(NodeId n) const { return nodes_[n].id; }
  size_t node_count() const { return nodes_.size(); }
  size_t module_count() const { return present_; }

  // Settings of the last applied manifest (the resolver reads them).
  const std::string& root() const { return root_; }
  const std::vector<std::pair<std::string, std::string>>& alias() const { return alias_; }
  const std::vector<std::string>& extensions() const { return extensions_; }
  const std::vector<NodeId>& entries() const { return entries_; }
  const std::vector<std::string>& packages() const { return packages_; }

  // Disk probing; exposed so tests can count reads and the bench can report them.
  ChangeDetector& detector() { return detector_; }

  // Approximate heap bytes held, for the benchmark's memory-per-module figure.
  size_t memory_bytes() const;

 private:
  friend class Applier;

  NodeId intern(std::string_view id);

  std::vector<Node> nodes_;
  tsl::robin_map<std::string_view, NodeId> index_;
  StringArena ids_;
  size_t present_ = 0;
  uint64_t id_set_fingerprint_ = 0;  // sum of id_fingerprint() over present modules
  bool initialized_ = false;
  std::vector<NodeId> unbuilt_;  // mark_unbuilt since the last apply

  std::string root_;
  std::string html_;
  FileState html_state_;
  bool html_exists_ = false;
  std::vector<NodeId> entries_;
  std::vector<std::pair<std::string, std::string>> alias_;
  std::vector<std::string> extensions_;
  std::vector<std::string> ignore_;
  std::vector<std::string> packages_;  // sorted, unique
  bool packages_known_ = false;
  ChangeDetector detector_;
};

}  // namespace hr::graph

// Graph::apply: computing a recompile's Diff, then committing it.
//
// Two ways to find the modules to examine. With the compiler's `changed` hint only the listed
// modules are probed on disk (and `removed` is trusted), so a one-file recompile of a 50,000-module
// app costs a few lookups, not 50,000 stats; compiler hashes of unlisted modules are still compared
// in memory, because a fast compiler can overwrite a manifest (and its hint) before it is read. An
// O(changed) check (module count, and a fingerprint of the id set kept up to date by add/subtract)
// catches hints that missed an added or removed module, and falls back to a membership scan that
// still leaves known modules' files alone. Without the hint, or when root or `ignore` changed,
// every module is examined, each through the stat cache.
//
// A module whose manifest entry switches between a compiler hash and none is decided by its bytes
// (see module_graph.h), on both paths: a listed module is examined like any other, and the sweep
// also probes the modules switching to a compiler hash, once. Modules whose compiler hash did not
// move are still never stat'ed or read.
//
// Nothing in the graph changes before commit() but interning: ids met for the first time get
// absent nodes, which no query sees as modules.
#include <algorithm>

#include <tsl/robin_set.h>

#include "graph/glob.h"
#include "graph/module_graph.h"
#include "graph/paths.h"

namespace hr::graph {

class Applier {
 public:
  Applier(Graph& g, const Manifest& m, const ApplyOptions& o) : g_(g), m_(m), o_(o) {}

  Diff run() {
    d_.initial = !g_.initialized_;
    d_.build = std::string(m_.build);
    d_.warnings = m_.warnings;
    compare_settings();
    if (m_.changed && g_.initialized_ && !root_changed_ && !ignore_changed_) {
      collect_hinted();
    } else {
      if (d_.initial) list_folders();
      collect_all();
      g_.detector_.forget_listings();
    }
    add_unbuilt();
    commit();
    return std::move(d_);
  }

 private:
  // A module's new state, computed before anything is committed.
  struct Pending {
    NodeId node;
    const ModuleSpec* spec;
    bool added;
    bool ignored;
    FileState file;
  };

  void compare_settings() {
    new_root_ = m_.root.string();
    root_changed_ = g_.initialized_ && new_root_ != g_.root_;
    for (auto g : m_.ignore) new_ignore_.emplace_back(g);
    ignore_changed_ = new_ignore_ != g_.ignore_;
    for (auto a : m_.alias) new_alias_.emplace_back(std::string(a.prefix), std::string(a.target));
    for (auto e : m_.extensions) new_extensions_.emplace_back(e);
    if (o_.packages) {
      new_packages_ = *o_.packages;
      std::sort(new_packages_.begin(), new_packages_.end());
      new_packages_.erase(std::unique(new_packages_.begin(), new_packages_.end()),
                          new_packages_.end());
    }
    if (!g_.initialized_) {
      probe_html();
      return;
    }
    d_.entries_changed = !same_entries();
    d_.resolve_changed =
        root_changed_ || new_alias_ != g_.alias_ || new_extensions_ != g_.extensions_;
    d_.packages_changed = o_.packages && g_.packages_known_ && new_packages_ != g_.packages_;
    d_.html_changed = probe_html();
  }

  bool same_entries() const {
    if (m_.entries.size() != g_.entries_.size()) return false;
    for (size_t i = 0; i < m_.entries.size(); ++i) {
      if (g_.id(g_.entries_[i]) != m_.entries[i]) return false;
    }
    return true;
  }

  // One stat per recompile (a read only when it moved): the shell is not a module, no hint covers
  // it.
  bool probe_html() {
    std::string path = new_root_ + "/" + std::string(m_.html);
    bool same_path = m_.html == g_.html_;
    auto probe = g_.detector_.probe(path.c_str(), same_path ? g_.html_state_ : FileState{});
    using O = ChangeDetector::Outcome;
    new_html_exists_ = probe.outcome == O::unchanged || probe.outcome == O::changed;
    new_html_state_ = probe.state;
    if (!same_path || new_html_exists_ != g_.html_exists_) return true;
    return new_html_exists_ && probe.outcome == O::changed;
  }

  void collect_hinted() {
    d_.hinted = true;
    d_.hint_size = m_.changed->size();
    for (std::string_view id : m_.removed) {
      auto n = g_.find(id);
      if (n && g_.nodes_[*n].present) removed_.push_back(*n);
    }
    tsl::robin_set<std::string_view> seen;
    size_t added = 0;
    uint64_t fingerprint = g_.id_set_fingerprint_;
    for (NodeId n : removed_) fingerprint -= id_fingerprint(g_.id(n));
    for (std::string_view id : *m_.changed) {
      const ModuleSpec* spec = m_.find(id);
      if (!spec || !seen.insert(id).second) continue;
      auto n = g_.find(id);
      bool is_new = !n || !g_.nodes_[*n].present;
      added += is_new;
      if (is_new) fingerprint += id_fingerprint(id);
      examine(is_new ? g_.intern(id) : *n, *spec, is_new);
    }
    sweep_compiler_hashes(seen);
    // The hints must account for every added and removed module; a wrong count or id-set
    // fingerprint means they did not.
    if (g_.present_ - removed_.size() + added != m_.modules.size() ||
        fingerprint != m_.id_set_fingerprint) {
      scan_membership(seen);
    }
  }

  // A hint can be lost: when recompiles come fast, the compiler may write the next manifest (with
  // its own hint) before this call reads the file. The compiler's hashes are in every manifest, so
  // comparing them for the modules the hint did not list catches such changes without touching
  // the disk (string compares only; modules without a compiler hash rely on the hint).
  // Modules the reader took over byte for byte from the manifest before have the hashes they had,
  // so when the reader says which were rewritten, only those are compared.
  void sweep_compiler_hashes(const tsl::robin_set<std::string_view>& seen) {
    if (m_.rewritten) {
      for (std::string_view id : *m_.rewritten) {
        if (const ModuleSpec* spec = m_.find(id)) sweep(*spec, seen);
      }
      return;
    }
    for (const ModuleSpec& spec : m_.modules) sweep(spec, seen);
  }

  // A module switching to a compiler hash from a file we hashed is probed once here too (a stat,
  // a read if it moved), so its node takes the hash and later sweeps can compare it.
  void sweep(const ModuleSpec& spec, const tsl::robin_set<std::string_view>& seen) {
    if (!spec.has_hash) return;
    auto n = g_.find(spec.id);
    if (!n) return;
    const Node& node = g_.nodes_[*n];
    if (!node.present) return;
    if (node.has_compiler_hash ? node.compiler_hash == spec.hash
                               : node.ignored || !node.file.known) {
      return;
    }
    if (seen.contains(spec.id)) return;
    examine(*n, spec, false);
  }

  // The hint missed an added or removed module: find them by id, without probing known modules.
  void scan_membership(const tsl::robin_set<std::string_view>& seen) {
    for (const ModuleSpec& spec : m_.modules) {
      auto n = g_.find(spec.id);
      if ((!n || !g_.nodes_[*n].present) && !seen.contains(spec.id)) {
        examine(g_.intern(spec.id), spec, true);
      }
    }
    removed_.clear();
    find_removed();
  }

  // The first manifest: every module the compiler hashed is checked to exist (on_disk).
  void list_folders() {
    std::vector<std::string> paths;
    for (const ModuleSpec& spec : m_.modules)
      if (spec.has_hash) paths.push_back(new_root_ + "/" + std::string(spec.id));
    g_.detector_.list_folders_of(paths);
  }

  void collect_all() {
    for (const ModuleSpec& spec : m_.modules) {
      auto n = g_.find(spec.id);
      bool is_new = !n || !g_.nodes_[*n].present;
      examine(is_new ? g_.intern(spec.id) : *n, spec, is_new);
    }
    find_removed();
  }

  // A module whose last build did not happen changed, whatever this manifest says.
  void add_unbuilt() {
    if (g_.unbuilt_.empty()) return;
    tsl::robin_set<NodeId> listed(d_.changed.begin(), d_.changed.end());
    listed.insert(d_.added.begin(), d_.added.end());
    listed.insert(removed_.begin(), removed_.end());
    for (NodeId n : g_.unbuilt_) {
      const Node& node = g_.nodes_[n];
      if (!node.present || node.ignored || !listed.insert(n).second || !m_.find(node.id)) continue;
      d_.changed.push_back(n);
    }
  }

  void find_removed() {
    for (NodeId n = 0; n < g_.nodes_.size(); ++n) {
      if (g_.nodes_[n].present && !m_.find(g_.nodes_[n].id)) removed_.push_back(n);
    }
  }

  void examine(NodeId n, const ModuleSpec& spec, bool added) {
    const Node& node = g_.nodes_[n];
    bool ignored = (added || ignore_changed_) ? glob_match_any(new_ignore_, spec.id) : node.ignored;
    Pending p{n, &spec, added, ignored, added ? FileState{} : node.file};
    if (added) d_.added.push_back(n);
    if (ignored) {
      // Never a browser update, so not worth a disk read; listed so the planner can say why.
      if (added || d_.hinted) d_.ignored.push_back(n);
    } else if (spec.has_hash && (added || node.has_compiler_hash || !node.file.known)) {
      bool changed = added || !node.has_compiler_hash || node.compiler_hash != spec.hash;
      if (changed && on_disk(spec.id) && !added) d_.changed.push_back(n);
      // What gets built now is not what `file` describes; record_content says what it was.
      if (changed) p.file = FileState{};
    } else {
      // No compiler hash, or a switch to one from a file we hashed ourselves (the strings cannot be
      // compared with it): the bytes decide. A switch away from compiler hashes compares with the
      // content recorded as built; none recorded is unknown, so changed.
      probe(n, spec, p);
    }
    pending_.push_back(p);
  }

  void probe(NodeId n, const ModuleSpec& spec, Pending& p) {
    set_path(spec.id);
    auto probe = g_.detector_.probe(path_.c_str(), p.file);
    using O = ChangeDetector::Outcome;
    if (probe.outcome == O::missing || probe.outcome == O::unreadable) {
      report(spec.id, probe.outcome == O::missing, probe.error);
    } else if (probe.outcome == O::changed && !p.added) {
      d_.changed.push_back(n);
    }
    p.file = probe.state;
  }

  bool on_disk(std::string_view id) {
    set_path(id);
    std::string error;
    if (g_.detector_.exists(path_.c_str(), error)) return true;
    report(id, error == "No such file or directory", error);
    return false;
  }

  void report(std::string_view id, bool missing, const std::string& error) {
    std::string what = missing ? "missing on disk: " : "cannot read: ";
    d_.errors.push_back({std::string(id), what + path_ + " (" + error + ")"});
  }

  void set_path(std::string_view id) {
    path_.assign(new_root_);
    path_ += '/';
    path_.append(id);
  }

  void commit() {
    g_.unbuilt_.clear();
    for (NodeId n : removed_) remove(n);
    for (const Pending& p : pending_) update(p);
    commit_settings();
    warn_dangling();
  }

  // Imports of ids that are not modules: legal (see manifest.h), worth a log line.
  void warn_dangling() {
    for (const Pending& p : pending_) {
      for (NodeId imp : g_.nodes_[p.node].imports) {
        if (g_.nodes_[imp].present) continue;
        d_.warnings.push_back("module \"" + std::string(g_.id(p.node)) + "\" imports \"" +
                              std::string(g_.id(imp)) + "\", which is not in /modules");
      }
    }
  }

  void remove(NodeId n) {
    unlink(n);
    Node& node = g_.nodes_[n];
    node.present = false;
    node.imports.clear();
    --g_.present_;
    g_.id_set_fingerprint_ -= id_fingerprint(node.id);
    d_.removed.push_back(n);
    if (node.ignored) d_.ignored.push_back(n);
  }

  void unlink(NodeId n) {
    for (NodeId imp : g_.nodes_[n].imports) {
      auto& importers = g_.nodes_[imp].importers;
      auto it = std::find(importers.begin(), importers.end(), n);
      if (it != importers.end()) {
        *it = importers.back();
        importers.pop_back();
      }
    }
  }

  void update(const Pending& p) {
    const ModuleSpec& spec = *p.spec;
    imports_.clear();
    for (std::string_view imp : m_.imports_of(spec)) imports_.push_back(g_.intern(imp));
    std::sort(imports_.begin(), imports_.end());
    imports_.erase(std::unique(imports_.begin(), imports_.end()), imports_.end());
    if (imports_ != g_.nodes_[p.node].imports) {
      unlink(p.node);
      for (NodeId imp : imports_) g_.nodes_[imp].importers.push_back(p.node);
      g_.nodes_[p.node].imports = imports_;
    }
    Node& node = g_.nodes_[p.node];
    if (!node.present) {
      ++g_.present_;
      g_.id_set_fingerprint_ += id_fingerprint(node.id);
    }
    node.present = true;
    node.ignored = p.ignored;
    node.kind = spec.kind;
    node.accept = spec.accept;
    node.route.assign(spec.route);
    node.has_compiler_hash = spec.has_hash;
    node.compiler_hash.assign(spec.hash);
    node.file = p.file;
  }

  void commit_settings() {
    for (NodeId e : g_.entries_) g_.nodes_[e].in_entries = false;
    g_.entries_.clear();
    for (std::string_view e : m_.entries) {
      NodeId n = g_.intern(e);
      g_.nodes_[n].in_entries = true;
      g_.entries_.push_back(n);
    }
    g_.root_ = std::move(new_root_);
    g_.html_.assign(m_.html);
    g_.html_state_ = new_html_state_;
    g_.html_exists_ = new_html_exists_;
    g_.alias_ = std::move(new_alias_);
    g_.extensions_ = std::move(new_extensions_);
    g_.ignore_ = std::move(new_ignore_);
    if (o_.packages) {
      g_.packages_ = std::move(new_packages_);
      g_.packages_known_ = true;
    }
    g_.initialized_ = true;
  }

  Graph& g_;
  const Manifest& m_;
  const ApplyOptions& o_;
  Diff d_;
  std::vector<Pending> pending_;
  std::vector<NodeId> removed_;
  std::vector<NodeId> imports_;
  std::string path_;

  std::string new_root_;
  bool root_changed_ = false;
  std::vector<std::string> new_ignore_;
  bool ignore_changed_ = false;
  std::vector<std::pair<std::string, std::string>> new_alias_;
  std::vector<std::string> new_extensions_;
  std::vector<std::string> new_packages_;
  FileState new_html_state_;
  bool new_html_exists_ = false;
};

Diff Graph::apply(const Manifest& manifest, const ApplyOptions& options) {
  return Applier(*this, manifest, options).run();
}

}  // namespace hr::graph

// A small app on disk for apply/planner tests: files written under a temp root, manifests built
// from the module list, applied to one Graph across "recompiles".
#pragma once

#include "test_util.h"

namespace hr::graph::test {

struct App {
  TempDir dir;
  std::vector<std::string> entries;
  std::vector<Mod> mods;
  Graph graph;

  // Writes every module's file (content: its id + `salt`), mtime long ago so the stat cache is
  // trusted (outside the racy window).
  void write_all(const std::string& salt = "") {
    for (const auto& m : mods) touch(m.id, m.id + salt);
  }
  void touch(const std::string& id, const std::string& bytes, long mtime = 1'000'000) {
    dir.write(id, bytes);
    dir.set_mtime(id, mtime);
  }
  Mod& mod(const std::string& id) {
    for (auto& m : mods) {
      if (m.id == id) return m;
    }
    FAIL("no module " << id);
    return mods.front();
  }
  Manifest manifest(boost::json::object extra = {}) const {
    return parse_ok(manifest_json(entries, mods, std::move(extra)), dir.path());
  }
  Diff apply(boost::json::object extra = {}, const ApplyOptions& o = {}) {
    return graph.apply(manifest(std::move(extra)), o);
  }
  Diff apply_changed(const std::vector<std::string>& changed) {
    return apply({{"changed", strings(changed)}});
  }
};

// main.js (entry) -> a.jsx (component) -> b.js, written to disk.
inline App three_modules() {
  App app;
  app.entries = {"main.js"};
  app.mods = {{"main.js", "entry", {"a.jsx"}}, {"a.jsx", "component", {"b.js"}}, {"b.js", "", {}}};
  app.write_all();
  return app;
}

}  // namespace hr::graph::test

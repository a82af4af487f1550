// Graph::apply across a switch of hash modes: one manifest with the compiler's `hash` on every
// module, the next without (the orchestrator hashes the files itself), or the other way round. The
// two kinds of hash cannot be compared, so the bytes decide: a module is changed only if its file
// differs from what was built (hash -> none) or from what we hashed (none -> hash).

#include <catch2/catch.hpp>

#include "app_fixture.h"

using namespace hr::graph;
using namespace hr::graph::test;
using V = std::vector<std::string>;

namespace {

void set_hashes(App& app, const std::optional<std::string>& hash) {
  for (auto& m : app.mods) m.hash = hash;
}

V all_ids(const App& app) {
  V out;
  for (const auto& m : app.mods) out.push_back(m.id);
  return out;
}

std::string bytes_of(const App& app, const std::string& id) {
  std::ifstream in(app.dir.path() / id, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// What the pipeline does after building each module: records the bytes it built.
void record_built(App& app) {
  for (const auto& m : app.mods) {
    std::string bytes = bytes_of(app, m.id);
    app.graph.record_content(m.id, content_hash(bytes));
  }
}

// The switching recompile, read whole or with a `changed` hint listing every module.
Diff apply_switch(App& app, bool hinted) {
  return hinted ? app.apply_changed(all_ids(app)) : app.apply();
}

}  // namespace

TEST_CASE("hash switch: compiler hashes to none, files as built, is no change") {
  bool hinted = GENERATE(false, true);
  CAPTURE(hinted);
  App app = three_modules();
  set_hashes(app, "h1");
  app.apply();
  record_built(app);
  CHECK(app.apply().nothing());  // recording the build is no change by itself

  set_hashes(app, std::nullopt);
  uint64_t reads = app.graph.detector().reads();
  Diff d = apply_switch(app, hinted);
  CHECK(d.changed.empty());
  CHECK(d.nothing());
  CHECK(d.errors.empty());
  CHECK(app.graph.detector().reads() - reads == 3);  // each file read once, against the build

  reads = app.graph.detector().reads();
  CHECK(app.apply().nothing());
  CHECK(app.graph.detector().reads() == reads);  // from then on the stat cache holds
}

TEST_CASE("hash switch: compiler hashes to none, one file differing from its build is changed") {
  bool hinted = GENERATE(false, true);
  CAPTURE(hinted);
  App app = three_modules();
  set_hashes(app, "h1");
  app.apply();
  record_built(app);
  app.touch("b.js", "b.js, edited after the build");

  set_hashes(app, std::nullopt);
  Diff d = apply_switch(app, hinted);
  CHECK(ids(app.graph, d.changed) == V{"b.js"});
}

TEST_CASE("hash switch: compiler hashes to none with no build recorded is changed") {
  // The documented fallback: without record_content the built content is unknown.
  bool hinted = GENERATE(false, true);
  CAPTURE(hinted);
  App app = three_modules();
  set_hashes(app, "h1");
  app.apply();

  set_hashes(app, std::nullopt);
  Diff d = apply_switch(app, hinted);
  CHECK(ids(app.graph, d.changed) == V{"a.jsx", "b.js", "main.js"});
}

TEST_CASE("hash switch: a compiler-hash change makes the built content unknown until recorded") {
  App app = three_modules();
  set_hashes(app, "h1");
  app.apply();
  record_built(app);
  app.mod("b.js").hash = "h2";  // rebuilt, but the build was not recorded
  CHECK(ids(app.graph, app.apply().changed) == V{"b.js"});

  set_hashes(app, std::nullopt);
  SECTION("not recorded: changed") {
    CHECK(ids(app.graph, app.apply().changed) == V{"b.js"});
  }
  SECTION("recorded: compared with it") {
    record_built(app);
    CHECK(app.apply().nothing());
  }
}

TEST_CASE("hash switch: none to compiler hashes, files unchanged, is no change") {
  bool hinted = GENERATE(false, true);
  CAPTURE(hinted);
  App app = three_modules();
  app.apply();  // we hash the files ourselves

  set_hashes(app, "h1");
  Diff d = apply_switch(app, hinted);
  CHECK(d.changed.empty());
  CHECK(d.nothing());
  CHECK(d.errors.empty());

  // The compiler's hashes decide from then on, without touching the disk.
  uint64_t reads = app.graph.detector().reads();
  CHECK(app.apply().nothing());
  app.mod("a.jsx").hash = "h2";
  CHECK(ids(app.graph, app.apply().changed) == V{"a.jsx"});
  CHECK(app.graph.detector().reads() == reads);
}

TEST_CASE("hash switch: none to compiler hashes, one file changed on disk is changed") {
  bool hinted = GENERATE(false, true);
  CAPTURE(hinted);
  App app = three_modules();
  app.apply();
  app.touch("a.jsx", "a.jsx v2");

  set_hashes(app, "h1");
  Diff d = apply_switch(app, hinted);
  CHECK(ids(app.graph, d.changed) == V{"a.jsx"});
}

TEST_CASE("hash switch: modules a hint left out take the compiler hash, so a lost hint is caught") {
  App app = three_modules();
  app.apply();
  app.touch("b.js", "b.js v2 (its hint was lost)");

  set_hashes(app, "h1");
  Diff d = app.apply_changed({});
  CHECK(ids(app.graph, d.changed) == V{"b.js"});  // the switch probed it once

  app.mod("main.js").hash = "h2";  // rewritten; the hint naming it was lost too
  uint64_t reads = app.graph.detector().reads();
  CHECK(ids(app.graph, app.apply_changed({}).changed) == V{"main.js"});
  CHECK(app.graph.detector().reads() == reads);
}

TEST_CASE("hash switch: both ways and back, unchanged files stay unchanged") {
  App app = three_modules();
  app.apply();
  set_hashes(app, "h1");
  CHECK(app.apply().nothing());
  record_built(app);
  set_hashes(app, std::nullopt);
  CHECK(app.apply().nothing());
  set_hashes(app, "h2");
  CHECK(app.apply().nothing());
}

TEST_CASE("record_content: an id that is not a module is ignored") {
  App app = three_modules();
  app.apply();
  size_t nodes = app.graph.node_count();
  app.graph.record_content("not-a-module.js", 42);
  CHECK(app.graph.node_count() == nodes);
  CHECK_FALSE(app.graph.find("not-a-module.js"));
  CHECK(app.apply().nothing());
}

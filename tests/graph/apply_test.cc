// Graph::apply: what changed between two recompiles, and at what cost.
#include <catch2/catch.hpp>

#include <map>

#include "app_fixture.h"

using namespace hr::graph;
using namespace hr::graph::test;
using Catch::Matchers::Contains;
using V = std::vector<std::string>;

TEST_CASE("apply: the first manifest adds every module and is marked initial") {
  App app = three_modules();
  Diff d = app.apply();
  CHECK(d.initial);
  CHECK(ids(app.graph, d.added) == V{"a.jsx", "b.js", "main.js"});
  CHECK(d.changed.empty());
  CHECK(app.graph.module_count() == 3);
  CHECK(d.errors.empty());
}

TEST_CASE("apply: importers are the reverse of imports and follow import changes") {
  App app = three_modules();
  app.apply();
  NodeId b = *app.graph.find("b.js");
  CHECK(ids(app.graph, app.graph.node(b).importers) == V{"a.jsx"});
  app.mod("main.js").imports = {"a.jsx", "b.js"};
  app.touch("main.js", "main v2");
  app.apply();
  CHECK(ids(app.graph, app.graph.node(b).importers) == V{"a.jsx", "main.js"});
  app.mod("a.jsx").imports = {};
  app.touch("a.jsx", "a v2");
  app.apply();
  CHECK(ids(app.graph, app.graph.node(b).importers) == V{"main.js"});
}

TEST_CASE("apply: an unchanged manifest and unchanged files is nothing to do") {
  App app = three_modules();
  app.apply();
  Diff d = app.apply();
  CHECK_FALSE(d.initial);
  CHECK(d.nothing());
}

TEST_CASE("apply: added and removed modules are reported, and removal unlinks importers") {
  App app = three_modules();
  app.apply();
  app.mods.pop_back();  // b.js removed
  app.mods.push_back({"c.js", "", {}});
  app.mod("a.jsx").imports = {"c.js"};
  app.touch("a.jsx", "a imports c");
  app.touch("c.js", "c");
  Diff d = app.apply();
  CHECK(ids(app.graph, d.added) == V{"c.js"});
  CHECK(ids(app.graph, d.removed) == V{"b.js"});
  CHECK(ids(app.graph, d.changed) == V{"a.jsx"});
  CHECK_FALSE(app.graph.node(*app.graph.find("b.js")).present);
  CHECK(app.graph.module_count() == 3);
}

TEST_CASE("apply: with the compiler's hash, equal means unchanged and no file is read") {
  App app = three_modules();
  for (auto& m : app.mods) m.hash = "h1";
  app.apply();
  uint64_t reads = app.graph.detector().reads();
  app.touch("b.js", "different bytes, same hash");
  Diff same = app.apply();
  CHECK(same.nothing());
  app.mod("b.js").hash = "h2";
  Diff changed = app.apply();
  CHECK(ids(app.graph, changed.changed) == V{"b.js"});
  CHECK(app.graph.detector().reads() == reads);  // hashes decide, bytes are never read
}

TEST_CASE("apply: a module listed but missing on disk is an error for that module only") {
  App app = three_modules();
  app.apply();
  std::filesystem::remove(app.dir.path() / "b.js");
  app.touch("a.jsx", "a v2");
  Diff d = app.apply();
  REQUIRE(d.errors.size() == 1);
  CHECK(d.errors[0].id == "b.js");
  CHECK_THAT(d.errors[0].message, Contains("missing on disk"));
  CHECK(ids(app.graph, d.changed) == V{"a.jsx"});  // the rest of the recompile applies
}

TEST_CASE("apply: an examined module importing an id that is not a module is a warning") {
  App app = three_modules();
  app.apply();
  app.mod("a.jsx").imports.push_back("gone.js");
  app.touch("a.jsx", "a imports gone");
  Diff d = app.apply();
  REQUIRE(d.warnings.size() == 1);
  CHECK(d.warnings[0] == "module \"a.jsx\" imports \"gone.js\", which is not in /modules");
  CHECK(ids(app.graph, d.changed) == V{"a.jsx"});
}

TEST_CASE("apply: a new module missing on disk is added and reported in error") {
  App app = three_modules();
  app.apply();
  app.mods.push_back({"ghost.js", "", {}, std::string("h")});
  Diff d = app.apply();
  CHECK(ids(app.graph, d.added) == V{"ghost.js"});
  REQUIRE(d.errors.size() == 1);
  CHECK(d.errors[0].id == "ghost.js");
}

TEST_CASE("apply with changed hint: only listed modules are examined, others are not stat'ed") {
  App app = three_modules();
  app.apply();
  app.touch("a.jsx", "a v2");
  app.touch("b.js", "b v2 (not listed: the hint says it was not written)");
  uint64_t stats = app.graph.detector().stats();
  Diff d = app.apply_changed({"a.jsx"});
  CHECK(d.hinted);
  CHECK(ids(app.graph, d.changed) == V{"a.jsx"});
  // One stat for the listed module, one for the HTML shell; none for main.js or b.js.
  CHECK(app.graph.detector().stats() - stats == 2);
}

TEST_CASE("apply with changed hint: a change whose hint was lost is found by its compiler hash") {
  // Fast recompiles: the compiler wrote b.js (hint ["b.js"]) and then a.jsx (hint ["a.jsx"])
  // before this manifest was read; only the second hint is seen, but b.js's hash moved.
  App app = three_modules();
  for (auto& m : app.mods) m.hash = "h1";
  app.apply();
  app.mod("b.js").hash = "h2";
  app.mod("a.jsx").hash = "h2";
  uint64_t stats = app.graph.detector().stats();
  Diff d = app.apply_changed({"a.jsx"});
  auto changed = ids(app.graph, d.changed);
  std::sort(changed.begin(), changed.end());
  CHECK(changed == V{"a.jsx", "b.js"});
  CHECK(app.graph.detector().stats() - stats <= 4);  // existence checks of the two, and the shell
}

TEST_CASE("apply with changed hint: a lost hint is found in a manifest read incrementally too") {
  // Read against the previous manifest, only rewritten modules' hashes are compared; b.js was
  // rewritten, so it is among them.
  App app = three_modules();
  for (auto& m : app.mods) m.hash = "h1";
  Manifest first = app.manifest();
  app.graph.apply(first);
  app.mod("b.js").hash = "h2";
  app.mod("a.jsx").hash = "h2";
  auto text = manifest_json(app.entries, app.mods, {{"changed", strings({"a.jsx"})}});
  auto second = parse_manifest(text, app.dir.path(), &first);
  REQUIRE(second.has_value());
  REQUIRE(second->rewritten);
  Diff d = app.graph.apply(*second);
  auto changed = ids(app.graph, d.changed);
  std::sort(changed.begin(), changed.end());
  CHECK(changed == V{"a.jsx", "b.js"});
}

TEST_CASE("apply with changed hint: a listed module whose bytes did not change is unchanged") {
  App app = three_modules();
  app.apply();
  app.touch("a.jsx", "a.jsx", 2'000'000);  // rewritten: same bytes, new mtime
  Diff d = app.apply_changed({"a.jsx"});
  CHECK(d.changed.empty());
  CHECK(d.nothing());
  CHECK(d.hint_size == 1);
}

TEST_CASE("apply with changed hint: new modules in `changed`, deleted ones in `removed`") {
  App app = three_modules();
  app.apply();
  app.mods.pop_back();
  app.mods.push_back({"c.js", "", {}});
  app.touch("c.js", "c");
  Diff d = app.apply({{"changed", strings({"c.js"})}, {"removed", strings({"b.js"})}});
  CHECK(ids(app.graph, d.added) == V{"c.js"});
  CHECK(ids(app.graph, d.removed) == V{"b.js"});
}

TEST_CASE("apply with changed hint: a hint that misses an added or removed module is caught") {
  App app = three_modules();
  app.apply();
  app.mods.pop_back();  // b.js gone, and not in `removed`
  app.mods.push_back({"c.js", "", {}});
  app.touch("c.js", "c");
  Diff d = app.apply_changed({});  // c.js not in `changed`
  CHECK(ids(app.graph, d.added) == V{"c.js"});
  CHECK(ids(app.graph, d.removed) == V{"b.js"});
}

TEST_CASE("apply: modules matching `ignore` never count as changed") {
  App app = three_modules();
  app.mods.push_back({"b.js.map", "asset", {}});
  app.write_all();
  boost::json::object extra{{"ignore", strings({"**/*.map"})}};
  app.apply(extra);
  app.touch("b.js.map", "new map");
  Diff unhinted = app.apply(extra);
  CHECK(unhinted.changed.empty());
  extra["changed"] = strings({"b.js.map"});
  Diff hinted = app.apply(extra);
  CHECK(hinted.changed.empty());
  CHECK(ids(app.graph, hinted.ignored) == V{"b.js.map"});
}

TEST_CASE("apply: graph-level inputs are compared (entries, resolve, HTML shell, packages)") {
  App app = three_modules();
  app.dir.write("index.html", "<html>");
  app.dir.set_mtime("index.html", 1'000'000);
  app.apply({}, {.packages = V{"react", "react-dom"}});
  SECTION("entries") {
    app.entries = {"main.js", "a.jsx"};
    CHECK(app.apply().entries_changed);
  }
  SECTION("resolve") {
    CHECK(app.apply({{"resolve", {{"alias", {{"$", "."}}}}}}).resolve_changed);
  }
  SECTION("html shell content") {
    app.dir.write("index.html", "<html lang=en>");
    CHECK(app.apply().html_changed);
  }
  SECTION("html shell path") {
    CHECK(app.apply({{"html", "other.html"}}).html_changed);
  }
  SECTION("npm package set, in any order") {
    CHECK_FALSE(app.apply({}, {.packages = V{"react-dom", "react"}}).packages_changed);
    CHECK(app.apply({}, {.packages = V{"react", "react-dom", "zustand"}}).packages_changed);
  }
  SECTION("nothing") {
    Diff d = app.apply();
    CHECK_FALSE(d.graph_inputs_changed());
    CHECK(d.nothing());
  }
}

TEST_CASE("update: a manifest error leaves the previous graph untouched") {
  App app = three_modules();
  app.dir.write("manifest.json", manifest_json(app.entries, app.mods));
  REQUIRE(update(app.graph, app.dir.path() / "manifest.json").has_value());
  app.dir.write(
      "manifest.json",
      R"({"version":1,"entries":["main.js"],"modules":[{"id":"main.js"},{"id":"main.js"}]})");
  auto bad = update(app.graph, app.dir.path() / "manifest.json");
  REQUIRE(bad.has_error());
  CHECK_THAT(bad.error().message, Contains("/modules/1/id: duplicate id \"main.js\""));
  CHECK(app.graph.module_count() == 3);
  CHECK(ids(app.graph, app.graph.node(*app.graph.find("b.js")).importers) == V{"a.jsx"});
}

TEST_CASE("apply: a module marked unbuilt is changed at the next apply, with or without a hint") {
  App app = three_modules();
  for (auto& m : app.mods) m.hash = "h1";
  app.apply();
  app.mod("b.js").hash = "h2";
  CHECK(ids(app.graph, app.apply().changed) == V{"b.js"});
  // esbuild died: b.js at h2 was never built. The compiler calls again with nothing new.
  app.graph.mark_unbuilt("b.js");
  CHECK(ids(app.graph, app.apply_changed({}).changed) == V{"b.js"});
  CHECK(app.apply().nothing());  // built the second time: no longer marked
  app.graph.mark_unbuilt("b.js");
  app.mod("a.jsx").hash = "h2";
  CHECK(ids(app.graph, app.apply_changed({"a.jsx"}).changed) == V{"a.jsx", "b.js"});
  app.graph.mark_unbuilt("a.jsx");
  app.graph.mark_unbuilt("a.jsx");
  CHECK(ids(app.graph, app.apply().changed) == V{"a.jsx"});  // once, not twice
}

TEST_CASE("apply: an unbuilt module that the next manifest removes is removed, not changed") {
  App app = three_modules();
  app.apply();
  app.graph.mark_unbuilt("b.js");
  app.mods.pop_back();  // b.js
  app.mod("a.jsx").imports = {};
  app.touch("a.jsx", "a without b");
  Diff d = app.apply();
  CHECK(ids(app.graph, d.removed) == V{"b.js"});
  CHECK(ids(app.graph, d.changed) == V{"a.jsx"});
}

// The first manifest lists the folders holding many hashed modules instead of a stat each
// (ChangeDetector::list_folders_of): what the listing lacks or shows as other than a file is
// still found, and said as a stat would say it.
TEST_CASE("apply: the first manifest finds missing and odd modules in a listed folder") {
  App app;
  app.entries = {"main.js"};
  app.mods = {{"main.js", "entry", {}, std::string("m")}};
  for (int i = 0; i < 12; ++i)
    app.mods.push_back({"lib/m" + std::to_string(i) + ".js", "", {}, std::string("h")});
  app.write_all();
  std::filesystem::remove(app.dir.path() / "lib/m3.js");
  std::filesystem::remove(app.dir.path() / "lib/m4.js");
  std::filesystem::create_directory(app.dir.path() / "lib/m4.js");
  std::filesystem::remove(app.dir.path() / "lib/m5.js");
  std::filesystem::create_symlink(app.dir.path() / "lib/m6.js", app.dir.path() / "lib/m5.js");
  const uint64_t stats = app.graph.detector().stats();
  Diff d = app.apply();
  REQUIRE(d.errors.size() == 2);
  std::map<std::string, std::string> errors;
  for (const auto& e : d.errors) errors[e.id] = e.message;
  CHECK_THAT(errors["lib/m3.js"], Contains("missing on disk") && Contains("No such file"));
  CHECK_THAT(errors["lib/m4.js"], Contains("not a regular file"));
  CHECK(app.graph.module_count() == 13);
  // The shell, main.js (alone in its folder), the two odd ones and the link: the rest from the
  // listing.
  CHECK(app.graph.detector().stats() - stats == 5);
  // Later applies stat again: a listing is only good for the apply that made it.
  std::filesystem::remove(app.dir.path() / "lib/m7.js");
  app.mod("lib/m7.js").hash = "h2";
  Diff later = app.apply();
  REQUIRE(later.errors.size() == 1);
  CHECK(later.errors[0].id == "lib/m7.js");
}

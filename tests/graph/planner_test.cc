// The planner's rules (manifest-v1.md, last table), on the spec's example app:
//
//   app/entry.client.jsx (entry) -> app/root.jsx (module) -> utils/state.js, styles/global.css,
//                                                           app/routes/_index.jsx (page)
//   app/routes/_index.jsx -> app_components/counter.jsx (component) -> utils/state.js
#include <catch2/catch.hpp>

#include "app_fixture.h"

using namespace hr::graph;
using namespace hr::graph::test;
using V = std::vector<std::string>;

namespace {

App spec_app() {
  App app;
  app.entries = {"app/entry.client.jsx"};
  app.mods = {
      {"app/entry.client.jsx", "entry", {"app/root.jsx"}},
      {"app/root.jsx", "module", {"utils/state.js", "styles/global.css", "app/routes/_index.jsx"}},
      {"app/routes/_index.jsx", "page", {"app_components/counter.jsx"}},
      {"app_components/counter.jsx", "component", {"utils/state.js"}},
      {"utils/state.js", "module", {}},
      {"styles/global.css", "style", {}},
  };
  app.write_all();
  app.apply();
  return app;
}

// Rewrites the files of `changed` with new bytes, applies, plans.
Decision edit(App& app, const V& changed, const LoadedSet& loaded = LoadedSet::everything()) {
  for (const auto& id : changed) app.touch(id, id + " edited", 3'000'000);
  Diff d = app.apply();
  return plan(app.graph, d, loaded);
}

V boundaries(const Decision& d) {
  V out;
  for (const auto& u : d.updates) out.push_back(u.boundary);
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

TEST_CASE("plan none: the first build has nothing to update") {
  App app;
  app.entries = {"m.js"};
  app.mods = {{"m.js", "entry", {}}};
  app.write_all();
  Decision d = plan(app.graph, app.apply(), LoadedSet::everything());
  CHECK(d.action == Action::none);
  CHECK(d.reason == "none: initial build, nothing served yet");
}

TEST_CASE("plan none: files rewritten with identical bytes (no-content-change)") {
  App app = spec_app();
  app.touch("utils/state.js", "utils/state.js", 5'000'000);
  Decision d = plan(app.graph, app.apply(), LoadedSet::everything());
  CHECK(d.action == Action::none);
  CHECK(d.reason == "none: no-content-change");
  Decision hinted = plan(app.graph, app.apply_changed({"utils/state.js"}), LoadedSet::everything());
  CHECK(hinted.reason == "none: no-content-change (1 module(s) rewritten with identical content)");
}

TEST_CASE("plan none: a backend-only recompile writes no module") {
  App app = spec_app();
  Decision d = plan(app.graph, app.apply_changed({}), LoadedSet::everything());
  CHECK(d.action == Action::none);
  CHECK(d.reason == "none: backend-only recompile (no module written)");
}

TEST_CASE("plan none: only ignored modules changed") {
  App app = spec_app();
  boost::json::object extra{{"ignore", strings({"utils/**"})}};
  app.apply(extra);
  app.touch("utils/state.js", "new", 4'000'000);
  extra["changed"] = strings({"utils/state.js"});
  Decision d = plan(app.graph, app.apply(extra), LoadedSet::everything());
  CHECK(d.action == Action::none);
  CHECK(d.reason == "none: ignored-only: utils/state.js");
}

TEST_CASE("plan none: a changed module no browser loaded stops propagation") {
  App app = spec_app();
  LoadedSet loaded;
  loaded.add("app/entry.client.jsx");
  loaded.add("app/root.jsx");
  Decision d = edit(app, {"utils/state.js"}, loaded);
  CHECK(d.action == Action::none);
  CHECK(d.reason == "none: changed modules not loaded by any browser: utils/state.js");
}

TEST_CASE("plan css: only style modules changed, even one imported from JS") {
  App app = spec_app();
  Decision d = edit(app, {"styles/global.css"});
  CHECK(d.action == Action::css);
  CHECK(d.css == V{"styles/global.css"});
  CHECK(d.updates.empty());
  CHECK(d.reason == "css: styles/global.css");
}

TEST_CASE("plan js-update: a self-accepting module is its own boundary") {
  App app = spec_app();
  Decision d = edit(app, {"app_components/counter.jsx"});
  CHECK(d.action == Action::js_update);
  REQUIRE(d.updates.size() == 1);
  CHECK(d.updates[0].boundary == "app_components/counter.jsx");
  CHECK(d.updates[0].chains == std::vector<Chain>{{"app_components/counter.jsx"}});
  CHECK(d.reason == "js-update: 1 boundary (app_components/counter.jsx)");
}

TEST_CASE("plan js-update: a non-accepting module walks its importers up to accepting ones") {
  App app = spec_app();
  app.mods.push_back({"utils/format.js", "module", {}});
  app.mod("app_components/counter.jsx").imports.push_back("utils/format.js");
  app.touch("utils/format.js", "format");
  app.touch("app_components/counter.jsx", "counter v2");
  app.apply();
  Decision d = edit(app, {"utils/format.js"});
  CHECK(d.action == Action::js_update);
  REQUIRE(d.updates.size() == 1);
  CHECK(d.updates[0].boundary == "app_components/counter.jsx");
  CHECK(d.updates[0].chains ==
        std::vector<Chain>{{"utils/format.js", "app_components/counter.jsx"}});
}

TEST_CASE("plan js-update: two changed modules reaching one boundary give one update, two chains") {
  App app = spec_app();
  app.mods.push_back({"utils/a.js", "module", {}});
  app.mods.push_back({"utils/b.js", "module", {}});
  app.mod("app_components/counter.jsx").imports = {"utils/a.js", "utils/b.js"};
  app.write_all("v1");
  app.apply();
  Decision d = edit(app, {"utils/a.js", "utils/b.js"});
  REQUIRE(d.updates.size() == 1);
  CHECK(d.updates[0].chains.size() == 2);
}

TEST_CASE("plan js-update: style and JS changes together carry the CSS too") {
  App app = spec_app();
  Decision d = edit(app, {"styles/global.css", "app/routes/_index.jsx"});
  CHECK(d.action == Action::js_update);
  CHECK(boundaries(d) == V{"app/routes/_index.jsx"});
  CHECK(d.css == V{"styles/global.css"});
}

TEST_CASE("plan full-reload: a chain reaching an entry without an accepting module") {
  App app = spec_app();
  Decision d = edit(app, {"utils/state.js"});
  CHECK(d.action == Action::full_reload);
  CHECK(d.culprit == Chain{"utils/state.js", "app/root.jsx", "app/entry.client.jsx"});
  CHECK(d.reason ==
        "full-reload: utils/state.js reached entry app/entry.client.jsx via utils/state.js -> "
        "app/root.jsx -> app/entry.client.jsx without an accepting module");
}

TEST_CASE("plan full-reload: an importer no browser loaded does not count as a dead end") {
  App app = spec_app();
  LoadedSet loaded;  // root.jsx's own copy never loaded: only the page's chain is live
  for (auto id : {"utils/state.js", "app_components/counter.jsx", "app/routes/_index.jsx"}) {
    loaded.add(id);
  }
  Decision d = edit(app, {"utils/state.js"}, loaded);
  CHECK(d.action == Action::js_update);
  CHECK(boundaries(d) == V{"app_components/counter.jsx"});
}

TEST_CASE("plan full-reload: an edited entry is a dead end by itself") {
  App app = spec_app();
  Decision d = edit(app, {"app/entry.client.jsx"});
  CHECK(d.action == Action::full_reload);
  CHECK(d.culprit == Chain{"app/entry.client.jsx"});
}

TEST_CASE("plan full-reload: a loaded module nothing imports is a dead end") {
  App app = spec_app();
  app.mods.push_back({"orphan.js", "module", {}});
  app.touch("orphan.js", "o");
  app.apply();
  Decision d = edit(app, {"orphan.js"});
  CHECK(d.action == Action::full_reload);
  CHECK(d.reason ==
        "full-reload: orphan.js reached orphan.js (imported by nothing) via orphan.js "
        "without an accepting module");
}

TEST_CASE("plan: cycles terminate") {
  App app = spec_app();
  app.mods.push_back({"c/a.js", "module", {"c/b.js"}});
  app.mods.push_back({"c/b.js", "module", {"c/a.js"}});
  app.mod("app_components/counter.jsx").imports.push_back("c/a.js");
  app.write_all("v1");
  app.apply();
  Decision d = edit(app, {"c/b.js"});
  CHECK(d.action == Action::js_update);
  CHECK(boundaries(d) == V{"app_components/counter.jsx"});
  CHECK(d.updates[0].chains ==
        std::vector<Chain>{{"c/b.js", "c/a.js", "app_components/counter.jsx"}});

  SECTION("a closed cycle with no boundary and no entry updates nothing") {
    app.mod("app_components/counter.jsx").imports = {"utils/state.js"};
    app.touch("app_components/counter.jsx", "no cycle");
    app.apply();
    Decision closed = edit(app, {"c/a.js"});
    CHECK(closed.action == Action::none);
  }
}

TEST_CASE("plan full-reload: the HTML shell, entries, resolve or the npm package set changed") {
  App app = spec_app();
  app.dir.write("index.html", "<html>");
  app.apply({}, {.packages = V{"react"}});
  SECTION("html") {
    app.dir.write("index.html", "<html><body>");
    CHECK(plan(app.graph, app.apply(), LoadedSet::everything()).reason ==
          "full-reload: the HTML shell changed");
  }
  SECTION("entries") {
    app.entries.push_back("app/root.jsx");
    CHECK(plan(app.graph, app.apply(), LoadedSet::everything()).reason ==
          "full-reload: the entries changed");
  }
  SECTION("resolve") {
    Decision d = plan(app.graph, app.apply({{"resolve", {{"extensions", strings({".js"})}}}}),
                      LoadedSet::everything());
    CHECK(d.action == Action::full_reload);
    CHECK(d.reason == "full-reload: the resolve settings (root, alias, extensions) changed");
  }
  SECTION("npm packages") {
    Decision d =
        plan(app.graph, app.apply({}, {.packages = V{"react", "zod"}}), LoadedSet::everything());
    CHECK(d.reason == "full-reload: the set of npm packages changed");
  }
}

TEST_CASE("plan full-reload: a removed module that a loaded module still imports") {
  App app = spec_app();
  app.mods.erase(app.mods.begin() + 4);  // utils/state.js removed, still imported by two modules
  Decision d = plan(app.graph, app.apply(), LoadedSet::everything());
  CHECK(d.action == Action::full_reload);
  CHECK(d.reason.starts_with("full-reload: utils/state.js was removed but "));
  CHECK(d.reason.ends_with(" still imports it"));
}

TEST_CASE("plan: an added module is not walked; the importer that now imports it is") {
  App app = spec_app();
  app.mods.push_back({"app_components/new.jsx", "component", {}});
  app.touch("app_components/new.jsx", "new");
  Decision alone = plan(app.graph, app.apply(), LoadedSet::everything());
  CHECK(alone.action == Action::none);
  CHECK(alone.reason == "none: only new modules, not loaded yet: app_components/new.jsx");

  app.mods.push_back({"utils/new.js", "module", {}});
  app.mod("app/routes/_index.jsx").imports.push_back("utils/new.js");
  app.touch("utils/new.js", "new util");
  app.touch("app/routes/_index.jsx", "index imports new util");
  Decision d = plan(app.graph, app.apply(), LoadedSet::everything());
  CHECK(d.action == Action::js_update);
  REQUIRE(d.updates.size() == 1);
  CHECK(d.updates[0].chains == std::vector<Chain>{{"app/routes/_index.jsx"}});
}

TEST_CASE("plan none: a removed module nothing imports any more") {
  App app = spec_app();
  app.mods.push_back({"old.js", "module", {}});
  app.touch("old.js", "old");
  app.apply();
  app.mods.pop_back();
  Decision d = plan(app.graph, app.apply(), LoadedSet::everything());
  CHECK(d.action == Action::none);
  CHECK(d.reason == "none: only modules nothing imports were removed: old.js");
}

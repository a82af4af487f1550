// The resolver: specifier + importer -> module id, file on disk, or npm package.
#include <catch2/catch.hpp>

#include "app_fixture.h"

using namespace hr::graph;
using namespace hr::graph::test;
using T = Resolver::Target;

namespace {

App resolver_app() {
  App app;
  app.entries = {"app/entry.client.jsx"};
  app.mods = {{"app/entry.client.jsx", "entry", {}},     {"app/root.jsx", "module", {}},
              {"app/routes/_index.jsx", "page", {}},     {"utils/state.js", "module", {}},
              {"components/index.tsx", "component", {}}, {"styles/global.css", "style", {}}};
  app.write_all();
  app.touch("lib/extra.mjs", "not in the manifest");
  app.apply({{"resolve", {{"alias", {{"$", "."}, {"@lib", "lib"}}}}}});
  return app;
}

}  // namespace

TEST_CASE("resolve: relative specifiers, with or without extension, from the importer's folder") {
  App app = resolver_app();
  Resolver r(app.graph);
  auto a = r.resolve("./root.jsx", "app/entry.client.jsx");
  CHECK(a.target == T::module);
  CHECK(a.id == "app/root.jsx");
  CHECK(r.resolve("./root", "app/entry.client.jsx").id == "app/root.jsx");
  CHECK(r.resolve("../../utils/state", "app/routes/_index.jsx").id == "utils/state.js");
  CHECK(r.resolve("../styles/global.css", "app/root.jsx").id == "styles/global.css");
  CHECK(r.resolve("/utils/state", "app/root.jsx").id == "utils/state.js");
}

TEST_CASE("resolve: a folder resolves to its index file") {
  App app = resolver_app();
  Resolver r(app.graph);
  auto a = r.resolve("../components", "app/root.jsx");
  CHECK(a.target == T::module);
  CHECK(a.id == "components/index.tsx");
}

TEST_CASE("resolve: alias prefixes map to folders under root") {
  App app = resolver_app();
  Resolver r(app.graph);
  CHECK(r.resolve("$/utils/state", "app/routes/_index.jsx").id == "utils/state.js");
  CHECK(r.resolve("$/app/root.jsx", "utils/state.js").id == "app/root.jsx");
  auto disk = r.resolve("@lib/extra", "app/root.jsx");
  CHECK(disk.target == T::file);
  CHECK(disk.id == "lib/extra.mjs");
}

TEST_CASE("resolve: manifest ids first, then files on disk under root") {
  App app = resolver_app();
  Resolver r(app.graph);
  auto a = r.resolve("../lib/extra", "app/root.jsx");
  CHECK(a.target == T::file);
  CHECK(a.id == "lib/extra.mjs");
  auto none = r.resolve("./nothing", "app/root.jsx");
  CHECK(none.target == T::not_found);
  CHECK(none.error == "no module or file matches");
}

TEST_CASE("resolve: a path climbing out of root is not found") {
  App app = resolver_app();
  Resolver r(app.graph);
  auto a = r.resolve("../../../etc/passwd", "app/root.jsx");
  CHECK(a.target == T::not_found);
  CHECK(a.error == "the path leaves root");
}

TEST_CASE("resolve: bare specifiers are npm packages with their subpath") {
  App app = resolver_app();
  Resolver r(app.graph);
  auto react = r.resolve("react", "app/root.jsx");
  CHECK(react.target == T::package);
  CHECK(react.package == "react");
  CHECK(react.subpath.empty());
  auto client = r.resolve("react-dom/client", "app/root.jsx");
  CHECK(client.package == "react-dom");
  CHECK(client.subpath == "client");
  auto scoped = r.resolve("@radix-ui/themes/styles.css", "app/root.jsx");
  CHECK(scoped.package == "@radix-ui/themes");
  CHECK(scoped.subpath == "styles.css");
  CHECK(r.resolve("@radix-ui", "app/root.jsx").target == T::not_found);
  CHECK(r.resolve("$lib", "app/root.jsx").package == "$lib");  // "$" alias needs "$/"
}

TEST_CASE("resolve: a query suffix is ignored") {
  App app = resolver_app();
  Resolver r(app.graph);
  CHECK(r.resolve("../styles/global.css?inline", "app/root.jsx").id == "styles/global.css");
}

TEST_CASE("resolve: a manifest id wins over an unlisted file earlier in extension order") {
  App app = resolver_app();
  app.touch("app/root.js", "an unlisted file: .js comes before .jsx");
  Resolver r(app.graph);
  auto a = r.resolve("./root", "app/entry.client.jsx");
  CHECK(a.target == T::module);
  CHECK(a.id == "app/root.jsx");
}

TEST_CASE("resolve: a removed module no longer resolves from the manifest") {
  App app = resolver_app();
  app.mods.erase(app.mods.begin() + 3);  // utils/state.js (its file stays on disk)
  app.apply({{"resolve", {{"alias", {{"$", "."}, {"@lib", "lib"}}}}}});
  Resolver r(app.graph);
  auto a = r.resolve("$/utils/state", "app/root.jsx");
  CHECK(a.target == T::file);
  CHECK(a.id == "utils/state.js");
}

// Building app modules one per URL with the real esbuild: imports rewritten to canonical URLs,
// import records kept, and a broken module not holding back the good ones.
#include <chrono>
#include <filesystem>
#include <fstream>

#include "orchestrator/module_builder.h"
#include "tests/await_result.h"
#include "tests/hr_catch.h"

using namespace hr::orch;
namespace fs = std::filesystem;

namespace {

struct Fixture {
  boost::asio::io_context io;
  std::shared_ptr<hr::esbuild::Service> svc =
      hr::esbuild::Service::create(io, {hr::esbuild::find_esbuild_binary(), HR_ESBUILD_VERSION});
  fs::path root = fs::temp_directory_path() / ("hr-mb-" + std::to_string(getpid()));
  std::unique_ptr<ModuleBuilder> builder;

  Fixture() {
    fs::create_directories(root / "utils");
    REQUIRE(hr::test::await_result<std::string>(io, [&](auto cb) { svc->start(cb); }));
    // A tiny stand-in for the graph's resolver: enough to exercise every kind of target.
    BuilderHooks hooks{
        [](std::string_view spec, std::string_view) {
          if (spec == "./b" || spec == "./b.jsx")
            return ImportTarget{ImportTarget::Kind::module, "b.jsx", ""};
          if (spec == "$/utils/state")
            return ImportTarget{ImportTarget::Kind::module, "utils/state.js", ""};
          if (spec == "./style.css")
            return ImportTarget{ImportTarget::Kind::module, "style.css", ""};
          if (spec == "./caf\u00e9")
            return ImportTarget{ImportTarget::Kind::module, "cafe.jsx", ""};
          if (spec.rfind("react", 0) == 0)
            return ImportTarget{ImportTarget::Kind::package, std::string(spec), ""};
          return ImportTarget{ImportTarget::Kind::not_found, "", "no such module"};
        },
        [](const ImportTarget& t) { return "/" + t.id + "?t=7"; },
        [](std::string_view spec) { return "/@deps/" + std::string(spec) + ".js?v=K"; }};
    builder = std::make_unique<ModuleBuilder>(*svc, root, hooks);
  }
  ~Fixture() {
    bool stopped = false;
    svc->stop([&] { stopped = true; });
    while (!stopped) io.run_one();
    fs::remove_all(root);
  }
  void write(const std::string& id, const std::string& text) { std::ofstream(root / id) << text; }
  hr::Result<ModuleBuild> build(std::vector<std::string> ids) {
    return hr::test::await_result<ModuleBuild>(io, [&](auto cb) { builder->build(ids, cb); });
  }
  const BuiltModule* find(const ModuleBuild& b, const std::string& id) {
    for (const auto& m : b.modules)
      if (m.id == id) return &m;
    return nullptr;
  }
};

}  // namespace

TEST_CASE("every import becomes an external URL and JSX uses React's dev runtime") {
  Fixture f;
  f.write("a.jsx",
          "import { useState } from 'react';\nimport { B } from './b';\nimport { s } from "
          "'$/utils/state';\n"
          "import './style.css';\nexport function A() { const [n] = useState(s); return <B n={n} "
          "/>; }\n");
  f.write("b.jsx", "export function B({n}) { return <p>{n}</p>; }\n");
  auto r = f.build({"a.jsx", "b.jsx"});
  REQUIRE(r);
  CHECK(r->errors.empty());
  const BuiltModule* a = f.find(*r, "a.jsx");
  REQUIRE(a);
  CHECK_THAT(a->code, Catch::Contains("from \"/b.jsx?t=7\""));
  CHECK_THAT(a->code, Catch::Contains("from \"/utils/state.js?t=7\""));
  CHECK_THAT(a->code, Catch::Contains("import \"/style.css?t=7\""));
  CHECK_THAT(a->code, Catch::Contains("from \"/@deps/react.js?v=K\""));
  CHECK_THAT(a->code, Catch::Contains("/@deps/react/jsx-dev-runtime.js?v=K"));
  CHECK(a->imports == std::vector<std::string>{"b.jsx", "utils/state.js", "style.css"});
  CHECK(a->packages == std::vector<std::string>{"react", "react/jsx-dev-runtime"});
  REQUIRE(f.find(*r, "b.jsx"));
}

TEST_CASE("a module that fails to compile is reported with its location; the others still build") {
  Fixture f;
  f.write("a.jsx", "export const A = () => <div>fine</div>;\n");
  f.write("b.jsx", "export const B = () => (<div>\n  broken\n;\n");
  auto r = f.build({"a.jsx", "b.jsx"});
  REQUIRE(r);
  REQUIRE_FALSE(r->errors.empty());
  REQUIRE(r->errors[0].location);
  CHECK(r->errors[0].location->file == "b.jsx");
  CHECK(r->errors[0].location->line > 0);
  CHECK(f.find(*r, "a.jsx"));
  CHECK_FALSE(f.find(*r, "b.jsx"));
}

TEST_CASE("an import nobody can resolve is a compile error naming the specifier and importer") {
  Fixture f;
  f.write("a.jsx", "import x from './nope';\nexport default x;\n");
  auto r = f.build({"a.jsx"});
  REQUIRE(r);
  REQUIRE(r->errors.size() == 1);
  CHECK_THAT(r->errors[0].text, Catch::Contains("Could not resolve \"./nope\" from a.jsx"));
  CHECK(r->modules.empty());
}

TEST_CASE("a module whose specifier esbuild prints escaped is built through the resolve plugin") {
  // The fast path cannot find "./café" in the output (esbuild writes "./caf\xE9"); the module is
  // built again with the on-resolve hook, and its import still gets the URL.
  Fixture f;
  f.write("a.jsx", "import { C } from './caf\u00e9';\nexport const A = () => <C />;\n");
  auto r = f.build({"a.jsx"});
  REQUIRE(r);
  CHECK(r->errors.empty());
  const BuiltModule* a = f.find(*r, "a.jsx");
  REQUIRE(a);
  CHECK_THAT(a->code, Catch::Contains("from \"/cafe.jsx?t=7\""));
  CHECK(a->imports == std::vector<std::string>{"cafe.jsx"});
}

TEST_CASE("a cold start's many modules go as one build; a broken one does not hold back the rest") {
  Fixture f;
  std::vector<std::string> ids;
  for (int i = 0; i < 40; ++i) {
    const std::string id = "m" + std::to_string(i) + ".jsx";
    f.write(id, i == 17 ? "export const M = () => (<div>;\n"
                        : "import { B } from './b';\nexport const M = () => <B />;\n");
    ids.push_back(id);
  }
  f.write("b.jsx", "export const B = () => <p/>;\n");
  auto r = f.build(ids);
  REQUIRE(r);
  REQUIRE(r->errors.size() >= 1);
  CHECK(r->errors[0].location->file == "m17.jsx");
  CHECK(r->modules.size() == 39);
  for (const auto& m : r->modules) {
    CHECK_THAT(m.code, Catch::Contains("from \"/b.jsx?t=7\""));
    CHECK(m.imports == std::vector<std::string>{"b.jsx"});
  }
}

TEST_CASE("a module built ahead with the same text is taken as built, not built again") {
  Fixture f;
  f.write("b.jsx", "export function B() { return <p>ahead</p>; }\n");
  auto plain = f.build({"b.jsx"});
  REQUIRE(plain);
  f.builder->build_ahead({"b.jsx"});
  auto r = f.build({"b.jsx"});  // may arrive before esbuild answered the build ahead
  REQUIRE(r);
  CHECK(f.builder->built_ahead_used() == 1);
  REQUIRE(f.find(*r, "b.jsx"));
  CHECK(f.find(*r, "b.jsx")->code == f.find(*plain, "b.jsx")->code);

  SECTION("it is taken once: the next build asks esbuild again") {
    REQUIRE(f.build({"b.jsx"}));
    CHECK(f.builder->built_ahead_used() == 1);
  }
}

TEST_CASE("a module rewritten after its build ahead is built from its new text") {
  Fixture f;
  f.write("b.jsx", "export function B() { return <p>first</p>; }\n");
  f.builder->build_ahead({"b.jsx"});
  f.write("b.jsx", "export function B() { return <p>second</p>; }\n");
  auto r = f.build({"b.jsx"});
  REQUIRE(r);
  CHECK(f.builder->built_ahead_used() == 0);
  REQUIRE(f.find(*r, "b.jsx"));
  CHECK_THAT(f.find(*r, "b.jsx")->code, Catch::Contains("second"));
}

TEST_CASE("a build ahead with a compile error gives the call the same located error") {
  Fixture f;
  f.write("b.jsx", "export const B = () => (<div>\n  broken\n;\n");
  f.builder->build_ahead({"b.jsx"});
  auto r = f.build({"b.jsx"});
  REQUIRE(r);
  CHECK(f.builder->built_ahead_used() == 1);
  REQUIRE_FALSE(r->errors.empty());
  REQUIRE(r->errors[0].location);
  CHECK(r->errors[0].location->file == "b.jsx");
}

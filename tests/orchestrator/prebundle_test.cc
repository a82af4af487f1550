// Prebundling the real react packages with the real esbuild: named imports from CommonJS work,
// React exists once, and the disk cache is reused.
#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>

#include "orchestrator/prebundle.h"
#include "tests/await_result.h"
#include "tests/hr_catch.h"

using namespace hr::orch;
namespace fs = std::filesystem;

namespace {

using hr::test::await_result;

int run(const std::string& cmd) {
  return std::system(cmd.c_str());
}

}  // namespace

TEST_CASE(
    "react, react-dom/client, the JSX runtime and react-refresh prebundle into working ES "
    "modules") {
  boost::asio::io_context io;
  auto svc =
      hr::esbuild::Service::create(io, {hr::esbuild::find_esbuild_binary(), HR_ESBUILD_VERSION});
  REQUIRE(await_result<std::string>(io, [&](auto cb) { svc->start(cb); }));

  const fs::path app = fs::temp_directory_path() / ("hr-deps-" + std::to_string(getpid()));
  fs::create_directories(app);
  fs::create_symlink(fs::path(HR_NPM_DIR) / "node_modules", app / "node_modules");
  std::ofstream(app / "package.json") << "{\"dependencies\": {\"react\": \"19.3.1\"}}";
  DepsRequest req{app,
                  {"react", "react-dom/client", "react/jsx-dev-runtime", "react-refresh/runtime"},
                  app / ".hr/deps"};

  auto bundle = await_result<DepsBundle>(io, [&](auto cb) { prebundle(*svc, req, cb); });
  REQUIRE(bundle);
  CHECK_FALSE(bundle->from_cache);
  CHECK(bundle->entry.at("react-dom/client") == "/@deps/react-dom__client.js?v=" + bundle->key);

  // React's source is in exactly one file: react and react-dom share it through a chunk.
  int copies = 0;
  const fs::path out = app / "served";
  fs::create_directories(out);
  for (const auto& f : bundle->files) {
    copies += f.url.ends_with(".js") &&
              f.contents.find("node_modules/react/cjs/react.development.js") != std::string::npos;
    std::ofstream(out / f.url.substr(7)) << f.contents;
  }
  CHECK(copies == 1);

  // Each file links its source map, served beside it, naming the package's own files.
  const auto react = std::find_if(bundle->files.begin(), bundle->files.end(),
                                  [](const DepFile& f) { return f.url == "/@deps/react.js"; });
  REQUIRE(react != bundle->files.end());
  CHECK_THAT(react->contents, Catch::Contains("//# sourceMappingURL=react.js.map"));
  const auto map = std::find_if(bundle->files.begin(), bundle->files.end(), [](const DepFile& f) {
    return f.contents.find("node_modules/react/cjs/react.development.js\"") != std::string::npos &&
           f.url.ends_with(".js.map");
  });
  CHECK(map != bundle->files.end());

  // Named imports work in a real ES module loader (node), as they must in the browser.
  std::ofstream(out / "package.json") << "{\"type\": \"module\"}";
  std::ofstream(out / "check.mjs")
      << "import React, { useState, createElement } from './react.js';\n"
         "import { createRoot } from './react-dom__client.js';\n"
         "import { jsxDEV, Fragment } from './react__jsx-dev-runtime.js';\n"
         "import RefreshRuntime, { injectIntoGlobalHook } from './react-refresh__runtime.js';\n"
         "const ok = [useState, createElement, createRoot, jsxDEV, injectIntoGlobalHook]\n"
         "  .every(f => typeof f === 'function') && React.useState === useState && Fragment\n"
         "  && RefreshRuntime.register;\n"
         "process.exit(ok ? 0 : 3);\n";
  CHECK(run("node " + (out / "check.mjs").string()) == 0);

  auto again = await_result<DepsBundle>(io, [&](auto cb) { prebundle(*svc, req, cb); });
  REQUIRE(again);
  CHECK(again->from_cache);
  CHECK(again->key == bundle->key);
  CHECK(again->files.size() == bundle->files.size());

  // A torn or tampered cache is built again, never served (nor read outside the cache).
  std::ofstream(req.cache_dir / bundle->key / "index.json")
      << R"({"entry": {"react": "/@deps/react.js"}, "files": ["/@deps/../../../../etc/passwd"]})";
  auto rebuilt = await_result<DepsBundle>(io, [&](auto cb) { prebundle(*svc, req, cb); });
  REQUIRE(rebuilt);
  CHECK_FALSE(rebuilt->from_cache);
  CHECK(rebuilt->files.size() == bundle->files.size());
  std::ofstream(req.cache_dir / bundle->key / "index.json") << R"({"entry": 3})";
  auto torn = await_result<DepsBundle>(io, [&](auto cb) { prebundle(*svc, req, cb); });
  REQUIRE(torn);
  CHECK_FALSE(torn->from_cache);

  req.specifiers.push_back("scheduler");  // a new npm import: a new bundle, a new key
  auto grown = await_result<DepsBundle>(io, [&](auto cb) { prebundle(*svc, req, cb); });
  REQUIRE(grown);
  CHECK_FALSE(grown->from_cache);
  CHECK(grown->key != bundle->key);

  bool stopped = false;
  svc->stop([&] { stopped = true; });
  while (!stopped) io.run_one();
  fs::remove_all(app);
}

TEST_CASE("a package that does not exist is an error naming it") {
  boost::asio::io_context io;
  auto svc =
      hr::esbuild::Service::create(io, {hr::esbuild::find_esbuild_binary(), HR_ESBUILD_VERSION});
  REQUIRE(await_result<std::string>(io, [&](auto cb) { svc->start(cb); }));
  const fs::path app = fs::temp_directory_path() / ("hr-deps-missing-" + std::to_string(getpid()));
  fs::create_directories(app);
  auto r = await_result<DepsBundle>(io, [&](auto cb) {
    prebundle(*svc, {app, {"no-such-package"}, ""}, cb);
  });
  fs::remove_all(app);
  REQUIRE_FALSE(r);
  CHECK_THAT(r.error().message, Catch::Contains("no-such-package"));
}

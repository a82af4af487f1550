// ModuleBuilder with the persistent module cache, on the real esbuild: a hit asks esbuild for
// nothing and gives what esbuild gave, byte for byte; a changed module is built alone; a bad entry
// is built again; the import rewrite of a hit uses the URLs of now.
#include <filesystem>
#include <fstream>

#include "orchestrator/module_builder.h"
#include "orchestrator/module_cache.h"
#include "tests/await_result.h"
#include "tests/hr_catch.h"

using namespace hr::orch;
namespace fs = std::filesystem;

namespace {

struct Fixture {
  boost::asio::io_context io;
  std::shared_ptr<hr::esbuild::Service> svc = hr::esbuild::Service::create(
      io, {hr::esbuild::find_esbuild_binary(), HR_ESBUILD_VERSION, {}});
  fs::path root = fs::temp_directory_path() / ("hr-mbc-" + std::to_string(getpid()));
  fs::path cache_dir = root / ".hr" / "cache" / "modules";
  std::unique_ptr<ModuleCache> cache;
  std::string version = "7";  // what module_url puts in ?t=

  Fixture() {
    fs::remove_all(root);
    fs::create_directories(root);
    REQUIRE(hr::test::await_result<std::string>(io, [&](auto cb) { svc->start(cb); }));
    reopen_cache();
  }
  ~Fixture() {
    cache.reset();
    bool stopped = false;
    svc->stop([&] { stopped = true; });
    while (!stopped) io.run_one();
    fs::remove_all(root);
  }
  // A restart: the same folder, a new cache object (what was queued is written first).
  void reopen_cache() {
    cache.reset();
    auto c = ModuleCache::open({cache_dir});
    REQUIRE(c);
    cache = std::move(*c);
  }
  BuilderHooks hooks() {
    return {[](std::string_view spec, std::string_view) {
              if (spec.rfind("./", 0) == 0)
                return ImportTarget{ImportTarget::Kind::module, std::string(spec.substr(2)), ""};
              return ImportTarget{ImportTarget::Kind::package, std::string(spec), ""};
            },
            [this](const ImportTarget& t) { return "/" + t.id + "?t=" + version; },
            [](std::string_view spec) { return "/@deps/" + std::string(spec) + ".js?v=K"; }};
  }
  void write(const std::string& id, const std::string& text) { std::ofstream(root / id) << text; }
  // `n` components, each importing the next and React, with a second export.
  std::vector<std::string> write_app(int n) {
    std::vector<std::string> ids;
    for (int i = 0; i < n; ++i) {
      const std::string next = "c" + std::to_string((i + 1) % n) + ".jsx";
      write("c" + std::to_string(i) + ".jsx",
            "import { useState } from 'react';\nimport { C" + std::to_string((i + 1) % n) +
                " as Next } from './" + next + "';\nexport const meta = " + std::to_string(i) +
                ";\nexport function C" + std::to_string(i) +
                "({d}) { const [n] = useState(d); return d > 0 ? <Next d={d - 1} /> : <p>{n}</p>; "
                "}\n");
      ids.push_back("c" + std::to_string(i) + ".jsx");
    }
    return ids;
  }
  // A build with a builder made for it (a restarted server's); `cached`: with the cache.
  ModuleBuild build(std::vector<std::string> ids, bool cached = true) {
    ModuleBuilder builder(*svc, root, hooks());
    if (cached) builder.use_cache(cache.get());
    auto r = hr::test::await_result<ModuleBuild>(io, [&](auto cb) { builder.build(ids, cb); });
    REQUIRE(r);
    cache->flush();
    return std::move(*r);
  }
  std::uint64_t esbuild_builds() const { return svc->builds_requested(); }
};

const BuiltModule* find(const ModuleBuild& b, const std::string& id) {
  for (const auto& m : b.modules)
    if (m.id == id) return &m;
  return nullptr;
}

void check_same(const ModuleBuild& a, const ModuleBuild& b) {
  REQUIRE(a.modules.size() == b.modules.size());
  for (const auto& m : a.modules) {
    const BuiltModule* o = find(b, m.id);
    REQUIRE(o);
    CHECK(o->code == m.code);
    CHECK(o->source_map == m.source_map);
    CHECK(o->imports == m.imports);
    CHECK(o->packages == m.packages);
    CHECK(o->exports == m.exports);
    CHECK(o->source_hash == m.source_hash);
  }
}

}  // namespace

TEST_CASE("a restart with unchanged modules asks esbuild for nothing and gets esbuild's output") {
  Fixture f;
  // 40 go as one build of files (a cold start's path), 3 inline (a recompile's).
  const int n = GENERATE(40, 3);
  const auto ids = f.write_app(n);
  const ModuleBuild fresh = f.build(ids);
  REQUIRE(fresh.errors.empty());
  REQUIRE(fresh.modules.size() == static_cast<size_t>(n));
  CHECK(f.cache->stats().written == static_cast<std::uint64_t>(n));
  f.reopen_cache();
  const auto builds = f.esbuild_builds();
  const ModuleBuild again = f.build(ids);
  CHECK(f.esbuild_builds() == builds);
  CHECK(f.cache->stats().hits == static_cast<std::uint64_t>(n));
  check_same(fresh, again);
  check_same(f.build(ids, false), again);  // and esbuild, asked now, agrees
}

TEST_CASE("after one module changed, a restart builds that module alone") {
  Fixture f;
  const auto ids = f.write_app(40);
  f.build(ids);
  f.write("c5.jsx", "export const meta = 'edited';\nexport function C5() { return null; }\n");
  f.reopen_cache();
  const auto builds = f.esbuild_builds();
  const ModuleBuild again = f.build(ids);
  CHECK(f.esbuild_builds() == builds + 1);
  CHECK(f.cache->stats().hits == 39);
  CHECK(f.cache->stats().misses == 1);
  const BuiltModule* c5 = find(again, "c5.jsx");
  REQUIRE(c5);
  CHECK_THAT(c5->code, Catch::Contains("edited"));
  CHECK(again.modules.size() == 40);
  f.reopen_cache();
  f.build(ids);  // and the edit is in the cache now
  CHECK(f.cache->stats().hits == 40);
}

TEST_CASE("a corrupted module cache entry is built again and the output is right") {
  Fixture f;
  const auto ids = f.write_app(1);
  const ModuleBuild fresh = f.build(ids);
  std::vector<fs::path> entries;
  for (const auto& e : fs::directory_iterator(f.cache_dir)) entries.push_back(e.path());
  REQUIRE(entries.size() == 1);
  std::string bytes;
  {
    std::ifstream in(entries[0], std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), {});
  }
  bytes[bytes.size() - 20] ^= 0x20;
  std::ofstream(entries[0], std::ios::binary | std::ios::trunc) << bytes;
  f.reopen_cache();
  const auto builds = f.esbuild_builds();
  const ModuleBuild again = f.build(ids);
  CHECK(f.esbuild_builds() == builds + 1);
  CHECK(f.cache->stats().corrupt == 1);
  CHECK(f.cache->stats().written == 1);
  check_same(fresh, again);
}

TEST_CASE("a module from the cache has its imports rewritten to the URLs of now") {
  Fixture f;
  const auto ids = f.write_app(2);
  f.build(ids);
  f.version = "99";
  const auto builds = f.esbuild_builds();
  const ModuleBuild again = f.build(ids);
  CHECK(f.esbuild_builds() == builds);
  const BuiltModule* c0 = find(again, "c0.jsx");
  REQUIRE(c0);
  CHECK_THAT(c0->code, Catch::Contains("from \"/c1.jsx?t=99\""));
  CHECK(c0->imports == std::vector<std::string>{"c1.jsx"});
  CHECK(c0->exports == std::vector<std::string>{"C0", "meta"});
}

TEST_CASE("other defines make other module cache entries") {
  Fixture f;
  f.write("env.jsx", "export const mode = import.meta.env.MODE;\n");
  f.build({"env.jsx"});
  ModuleBuilder builder(*f.svc, f.root, f.hooks());
  builder.use_cache(f.cache.get());
  builder.set_defines({"--define:import.meta.env.MODE=\"test\""});
  const auto builds = f.esbuild_builds();
  auto r =
      hr::test::await_result<ModuleBuild>(f.io, [&](auto cb) { builder.build({"env.jsx"}, cb); });
  REQUIRE(r);
  CHECK(f.esbuild_builds() == builds + 1);
  REQUIRE(r->modules.size() == 1);
  CHECK_THAT(r->modules[0].code, Catch::Contains("\"test\""));
}

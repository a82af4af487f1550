// AssetTable: the persistent map the served snapshot keeps its modules in. A table never changes
// once made; with() shares what the changes leave alone.
#include <catch2/catch.hpp>

#include <string>

#include "server/asset_table.h"
#include "server/server.h"

using namespace hr::server;

namespace {

AssetTable::Map many(int n) {
  AssetTable::Map all;
  for (int i = 0; i < n; ++i) {
    std::string path = "/app/c" + std::to_string(i) + ".jsx";
    all[path] = make_asset("export const c = " + std::to_string(i) + ";");
  }
  return all;
}

}  // namespace

TEST_CASE("asset table: finds what it was made from, and nothing else") {
  AssetTable t(many(500));
  CHECK(t.size() == 500);
  REQUIRE(t.find("/app/c42.jsx"));
  CHECK(t.find("/app/c42.jsx")->bytes == "export const c = 42;");
  CHECK_FALSE(t.find("/app/c500.jsx"));
  CHECK_FALSE(AssetTable().find("/app/c1.jsx"));
  CHECK(AssetTable().size() == 0);
}

TEST_CASE(
    "asset table: with() replaces, adds and removes, in order, leaving the old table as it was") {
  AssetTable old(many(500));
  auto c1 = old.find("/app/c1.jsx");
  AssetTable next = old.with({{"/app/c1.jsx", make_asset("v2")},
                              {"/app/new.jsx", make_asset("new")},
                              {"/app/c2.jsx", nullptr},
                              {"/app/c3.jsx", make_asset("gone soon")},
                              {"/app/c3.jsx", nullptr}});
  CHECK(next.find("/app/c1.jsx")->bytes == "v2");
  CHECK(next.find("/app/new.jsx")->bytes == "new");
  CHECK_FALSE(next.find("/app/c2.jsx"));
  CHECK_FALSE(next.find("/app/c3.jsx"));
  CHECK(next.size() == 499);  // one added, two removed
  // The old table: untouched, as a reader that took it before the change sees it.
  CHECK(old.find("/app/c1.jsx") == c1);
  CHECK(old.find("/app/c2.jsx"));
  CHECK(old.find("/app/c3.jsx"));
  CHECK_FALSE(old.find("/app/new.jsx"));
  CHECK(old.size() == 500);
}

TEST_CASE("asset table: unchanged assets are shared, not copied") {
  AssetTable old(many(100));
  AssetTable next = old.with({{"/app/c7.jsx", make_asset("v2")}});
  for (int i = 0; i < 100; ++i) {
    std::string path = "/app/c" + std::to_string(i) + ".jsx";
    if (i != 7) CHECK(next.find(path) == old.find(path));
  }
}

TEST_CASE("asset table: an empty table takes changes") {
  AssetTable next = AssetTable().with({{"/a.js", make_asset("a")}, {"/b.js", nullptr}});
  CHECK(next.size() == 1);
  CHECK(next.find("/a.js")->bytes == "a");
}

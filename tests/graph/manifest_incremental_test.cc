// Incremental manifest reading: given the manifest read before, unchanged modules are taken over
// byte for byte, and the result is always what a fresh parse of the same text gives.
#include <catch2/catch.hpp>

#include <algorithm>
#include <numeric>
#include <random>

#include "test_util.h"

using namespace hr::graph;
using namespace hr::graph::test;
using Catch::Matchers::Contains;

namespace {

std::string module_json(int n, int version) {
  return R"({"id":"m)" + std::to_string(n) + R"(.js","kind":"component","hash":"h)" +
         std::to_string(version) + R"(","imports":["m)" + std::to_string(n + 1) + R"(.js"]})";
}

// A manifest whose module n has hash h<versions[n]>; `order` lists the module numbers in order.
std::string manifest_json(const std::vector<int>& order, const std::vector<int>& versions,
                          const std::string& build = "1") {
  std::string s = R"({"version":1,"build":")" + build + R"(","entries":[],"modules":[)";
  for (size_t i = 0; i < order.size(); ++i) {
    if (i) s += i % 3 ? "," : ",\n  ";
    s += module_json(order[i], versions[order[i]]);
  }
  return s + "]}";
}

std::vector<std::string> ids_of(const std::vector<std::string_view>& v) {
  std::vector<std::string> out(v.begin(), v.end());
  std::sort(out.begin(), out.end());
  return out;
}

// Everything a reader of a Manifest can observe.
std::string describe(const Manifest& m) {
  std::string s = std::string(m.build) + "|";
  for (const auto& spec : m.modules) {
    s += std::string(spec.id) + ":" + std::string(to_string(spec.kind)) + ":" +
         std::string(spec.hash) + ":" + (spec.accept ? "a" : "-") + "[";
    for (auto imp : m.imports_of(spec)) s += std::string(imp) + ",";
    s += "]";
    const ModuleSpec* found = m.find(spec.id);
    if (found != &spec) s += "(index points elsewhere)";
  }
  return s + "|" + std::to_string(m.index->positions.size()) + "|" +
         std::to_string(m.id_set_fingerprint);
}

}  // namespace

TEST_CASE("incremental manifest: a fresh parse lists no rewritten modules (all may have changed)") {
  Manifest m = parse_ok(manifest_json({0, 1, 2}, {1, 1, 1}));
  CHECK_FALSE(m.rewritten.has_value());
  CHECK(m.modules.arenas_held() == 1);
}

TEST_CASE("incremental manifest: only the module whose bytes changed is parsed again") {
  constexpr int kModules = 3 * ModuleTable::kChunkSize + 5;
  std::vector<int> versions(kModules, 1);
  std::vector<int> order(kModules);
  std::iota(order.begin(), order.end(), 0);
  Manifest before = parse_ok(manifest_json(order, versions, "1"));
  versions[ModuleTable::kChunkSize + 17] = 2;
  const std::string edited = "m" + std::to_string(ModuleTable::kChunkSize + 17) + ".js";
  auto after = parse_manifest(manifest_json(order, versions, "2"), "/nonexistent", &before);
  REQUIRE(after.has_value());
  REQUIRE(after->rewritten);
  CHECK(ids_of(*after->rewritten) == std::vector<std::string>{edited});
  CHECK(after->find(edited)->hash == "h2");
  CHECK(after->build == "2");
  CHECK(describe(*after) == describe(parse_ok(manifest_json(order, versions, "2"))));

  SECTION("the chunks without the edited module are shared, the index too") {
    const auto& chunks = after->modules.chunks();
    REQUIRE(chunks.size() == 4);
    CHECK(chunks[0] == before.modules.chunks()[0]);
    CHECK(chunks[1] != before.modules.chunks()[1]);
    CHECK(chunks[2] == before.modules.chunks()[2]);
    CHECK(after->index == before.index);
  }
}

TEST_CASE("incremental manifest: a module inserted before a chunk shifts it, still read right") {
  constexpr int kModules = 2 * ModuleTable::kChunkSize + 3;
  std::vector<int> versions(kModules + 1, 1);
  std::vector<int> order(kModules);
  std::iota(order.begin(), order.end(), 0);
  Manifest before = parse_ok(manifest_json(order, versions));
  order.insert(order.begin() + 2, kModules);
  const std::string text = manifest_json(order, versions);
  auto after = parse_manifest(text, "/nonexistent", &before);
  REQUIRE(after.has_value());
  CHECK(ids_of(*after->rewritten) ==
        std::vector<std::string>{"m" + std::to_string(kModules) + ".js"});
  CHECK(describe(*after) == describe(parse_ok(text)));
}

TEST_CASE("incremental manifest: the taken-over strings outlive the manifest they came from") {
  auto before = std::make_unique<Manifest>(parse_ok(manifest_json({0, 1, 2}, {1, 1, 1})));
  auto after = parse_manifest(manifest_json({0, 1, 2}, {1, 2, 1}), "/nonexistent", before.get());
  REQUIRE(after.has_value());
  const std::string expected = describe(parse_ok(manifest_json({0, 1, 2}, {1, 2, 1})));
  before.reset();
  CHECK(describe(*after) == expected);
}

TEST_CASE("incremental manifest: every module rewritten in place still shares a live index") {
  auto before = std::make_unique<Manifest>(parse_ok(manifest_json({0, 1}, {1, 1})));
  auto after = parse_manifest(manifest_json({0, 1}, {2, 2}), "/nonexistent", before.get());
  REQUIRE(after.has_value());
  CHECK(after->rewritten->size() == 2);
  before.reset();
  REQUIRE(after->find("m1.js") != nullptr);
  CHECK(after->find("m1.js")->hash == "h2");
}

TEST_CASE("incremental manifest: a duplicate id written into a changed module is still caught") {
  Manifest before = parse_ok(manifest_json({0, 1, 2}, {1, 1, 1}));
  std::string text = manifest_json({0, 1, 2}, {1, 1, 1});
  text.replace(text.find("\"id\":\"m2.js\""), 12, "\"id\":\"m0.js\"");
  auto after = parse_manifest(text, "/nonexistent", &before);
  REQUIRE_FALSE(after.has_value());
  CHECK_THAT(after.error().message, Contains("/modules/2/id: duplicate id \"m0.js\""));
}

TEST_CASE("incremental manifest: a syntax error in a changed module names its line and column") {
  Manifest before = parse_ok(manifest_json({0, 1, 2}, {1, 1, 1}));
  std::string text = manifest_json({0, 1, 2}, {1, 1, 1});
  text.replace(text.find("\"kind\":\"component\",\"hash\":\"h1\",\"imports\":[\"m2"), 7,
               "\"kind\"");
  auto after = parse_manifest(text, "/nonexistent", &before);
  REQUIRE_FALSE(after.has_value());
  CHECK_THAT(after.error().message, Contains("invalid JSON at line 1, column"));
}

TEST_CASE("incremental manifest: a module edited over and over does not pile up arenas") {
  auto m = std::make_shared<Manifest>(parse_ok(manifest_json({0, 1}, {0, 0})));
  size_t most = 0;
  for (int i = 1; i < 200; ++i) {
    auto next = parse_manifest(manifest_json({0, 1}, {i, 0}), "/nonexistent", m.get());
    REQUIRE(next.has_value());
    most = std::max(most, next->modules.arenas_held());
    m = std::make_shared<Manifest>(std::move(*next));
  }
  CHECK(most > 1);
  CHECK(most <= 9);
  CHECK(describe(*m) == describe(parse_ok(manifest_json({0, 1}, {199, 0}))));
}

// The property: for random edits (changed, inserted, removed, moved modules), reading against the
// previous manifest gives exactly what a fresh parse gives, and `rewritten` covers every module
// whose hash or imports differ.
TEST_CASE("incremental manifest: random edits read incrementally equal a fresh parse") {
  // Edits are few against several chunks of modules, so whole chunks are often shared.
  std::mt19937 rng(7);
  const int kModules = 3 * ModuleTable::kChunkSize;
  std::vector<int> versions(2 * kModules, 0);
  std::vector<int> order;
  for (int i = 0; i < kModules; ++i) order.push_back(i);
  size_t shared_chunks = 0;
  auto prev = std::make_shared<Manifest>(parse_ok(manifest_json(order, versions)));
  for (int round = 0; round < 300; ++round) {
    const int edits = 1 + rng() % 3;
    for (int e = 0; e < edits; ++e) {
      const size_t at = rng() % order.size();
      switch (rng() % 4) {
        case 0:  // content edit
          ++versions[order[at]];
          break;
        case 1: {  // insert a module not present
          int n = rng() % (2 * kModules);
          if (std::find(order.begin(), order.end(), n) == order.end())
            order.insert(order.begin() + at, n);
          break;
        }
        case 2:  // remove
          if (order.size() > 2) order.erase(order.begin() + at);
          break;
        case 3:  // move (not far: a swap across chunks would be two edits)
          std::swap(order[at], order[std::min(order.size() - 1, at + rng() % 3)]);
          break;
      }
    }
    const std::string text = manifest_json(order, versions, std::to_string(round));
    auto incremental = parse_manifest(text, "/nonexistent", prev.get());
    REQUIRE(incremental.has_value());
    INFO("round " << round);
    REQUIRE(describe(*incremental) == describe(parse_ok(text)));
    for (const auto& chunk : incremental->modules.chunks()) {
      const auto& before = prev->modules.chunks();
      shared_chunks += std::find(before.begin(), before.end(), chunk) != before.end();
    }
    if (incremental->rewritten) {
      for (const auto& spec : incremental->modules) {
        const ModuleSpec* old = prev->find(spec.id);
        const bool listed =
            std::count(incremental->rewritten->begin(), incremental->rewritten->end(), spec.id);
        if (old && old->hash != spec.hash) CHECK(listed);
      }
    }
    prev = std::make_shared<Manifest>(std::move(*incremental));
  }
  CHECK(shared_chunks > 100);
}

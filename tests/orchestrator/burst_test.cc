// Merging queued recompiles into one run.
#include "orchestrator/burst.h"
#include "graph/manifest.h"
#include "tests/hr_catch.h"

using namespace hr;

namespace {
std::shared_ptr<graph::Manifest> manifest(const std::string& changed_json,
                                          const std::string& removed_json = "[]") {
  std::string text =
      R"({"version": 1, "entries": ["a.js"], "modules": [{"id": "a.js"}, {"id": "b.js"}, {"id": "c.js"}])";
  if (!changed_json.empty())
    text += R"(, "changed": )" + changed_json + R"(, "removed": )" + removed_json;
  text += "}";
  auto m = graph::parse_manifest(text, "/app");
  REQUIRE(m);
  return std::make_shared<graph::Manifest>(std::move(*m));
}
std::vector<std::string> strings(const std::vector<std::string_view>& v) {
  return {v.begin(), v.end()};
}
}  // namespace

TEST_CASE("a merged burst runs the latest manifest with the union of every hint") {
  std::vector ms = {manifest(R"(["a.js"])"), manifest(R"(["b.js"])", R"(["x.js"])"),
                    manifest(R"(["a.js", "c.js"])")};
  orch::merge_hints(ms);
  REQUIRE(ms.back()->changed);
  CHECK(strings(*ms.back()->changed) == std::vector<std::string>{"a.js", "b.js", "c.js"});
  CHECK(strings(ms.back()->removed) == std::vector<std::string>{"x.js"});
}

TEST_CASE("a burst with one unhinted recompile examines every module") {
  std::vector ms = {manifest(R"(["a.js"])"), manifest(""), manifest(R"(["b.js"])")};
  orch::merge_hints(ms);
  CHECK_FALSE(ms.back()->changed.has_value());
}

TEST_CASE("a single recompile keeps its own hint") {
  std::vector ms = {manifest(R"(["b.js"])")};
  orch::merge_hints(ms);
  CHECK(strings(*ms.back()->changed) == std::vector<std::string>{"b.js"});
}

TEST_CASE("a merged burst compares the hashes of every module any of its manifests rewrote") {
  std::vector ms = {manifest(R"(["a.js"])"), manifest(R"(["b.js"])"), manifest(R"(["c.js"])")};
  ms[0]->rewritten = std::vector<std::string_view>{"a.js"};
  ms[1]->rewritten = std::vector<std::string_view>{"b.js", "a.js"};
  ms[2]->rewritten.emplace();
  orch::merge_hints(ms);
  REQUIRE(ms.back()->rewritten);
  CHECK(strings(*ms.back()->rewritten) == std::vector<std::string>{"a.js", "b.js"});
  // The merged strings live in the latest manifest: the others may go.
  ms.erase(ms.begin(), ms.end() - 1);
  CHECK(strings(*ms.back()->changed) == std::vector<std::string>{"a.js", "b.js", "c.js"});
}

TEST_CASE("a burst with one manifest read from scratch compares every module's hash") {
  std::vector ms = {manifest(R"(["a.js"])"), manifest(R"(["b.js"])")};
  ms[1]->rewritten = std::vector<std::string_view>{"b.js"};
  orch::merge_hints(ms);
  CHECK_FALSE(ms.back()->rewritten.has_value());
}

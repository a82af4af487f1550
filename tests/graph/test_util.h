// Helpers for the graph tests: temp directories with real files, and manifests built as JSON.
#pragma once

#include <stdlib.h>
#include <sys/stat.h>
#include <sys/time.h>

#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "graph/graph.h"
#include "tests/temp_dir.h"

namespace hr::graph::test {

namespace fs = std::filesystem;

using hr::test::TempDir;

struct Mod {
  std::string id;
  std::string kind;  // empty: not written (defaults to "module")
  std::vector<std::string> imports;
  std::optional<std::string> hash = {};
  std::optional<bool> accept = {};
};

// Builds a version-1 manifest; `extra` fields are merged at top level.
inline std::string manifest_json(const std::vector<std::string>& entries,
                                 const std::vector<Mod>& mods, boost::json::object extra = {}) {
  boost::json::object top;
  top["version"] = 1;
  boost::json::array e;
  for (const auto& id : entries) e.emplace_back(id.c_str());
  top["entries"] = e;
  boost::json::array ms;
  for (const auto& m : mods) {
    boost::json::object o;
    o["id"] = m.id;
    if (!m.kind.empty()) o["kind"] = m.kind;
    boost::json::array imps;
    for (const auto& i : m.imports) imps.emplace_back(i.c_str());
    o["imports"] = imps;
    if (m.hash) o["hash"] = *m.hash;
    if (m.accept) o["accept"] = *m.accept;
    ms.push_back(o);
  }
  top["modules"] = ms;
  for (const auto& kv : extra) top[kv.key()] = kv.value();
  return boost::json::serialize(top);
}

inline boost::json::array strings(const std::vector<std::string>& v) {
  boost::json::array a;
  for (const auto& s : v) a.emplace_back(s.c_str());
  return a;
}

inline Manifest parse_ok(const std::string& json, const fs::path& dir = "/nonexistent") {
  auto m = parse_manifest(json, dir);
  if (!m) FAIL("unexpected manifest error: " << m.error().message);
  return std::move(*m);
}

inline std::string parse_error(const std::string& json) {
  auto m = parse_manifest(json, "/nonexistent");
  if (m) FAIL("expected a manifest error for " << json);
  return m.error().message;
}

inline std::vector<std::string> ids(const Graph& g, const std::vector<NodeId>& nodes) {
  std::vector<std::string> out;
  for (NodeId n : nodes) out.emplace_back(g.id(n));
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace hr::graph::test

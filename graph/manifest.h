// The compiler's manifest, version 1 (contract: shared/spec/manifest-v1.md), read into memory.
//
// The compiler rewrites .web/manifest.json after every recompile; this reader turns it into a
// Manifest or into one error naming the JSON pointer at fault and what was expected
// ("/modules/12/id: duplicate id \"a.jsx\""). It never half-succeeds: a Manifest value has passed
// every check, so applying it to the Graph cannot fail on its content.
//
// Strings are views into arenas (see arena.h) held by the Manifest and its module chunks: parsing
// a 10,000-module manifest makes a handful of allocations instead of one per string. Its views
// stay valid for its lifetime, moves included.
//
// Reading is incremental: given the manifest read before, a module whose object has the same bytes
// at the expected place is taken over without parsing, and a chunk of modules (module_table.h)
// whose bytes are all the same is shared as it is. A one-module recompile of a 10,000-module app
// then costs a hash of the text and the rebuild of one chunk, not a parse; the result is the same
// Manifest a fresh parse gives.
//
// Checks made here: types of every known field, `version` == 1, module ids valid (relative,
// normalized, no '..') and unique, `kind` one of the six kinds, `entries` naming known modules,
// `removed` not naming a listed module. Unknown fields are ignored at any level. Left lenient on
// purpose: `imports` naming ids that are not modules (an import of a module removed by this
// recompile is a planner decision, not a broken manifest; Graph::apply warns about those it
// examines), and `changed` naming ids that are not modules (a warning here).
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <tsl/robin_map.h>

#include "common/result.h"
#include "graph/arena.h"
#include "graph/module_table.h"

namespace hr::graph {

std::string_view to_string(Kind kind);
// The `accept` default: page, component and style modules can be hot-swapped on their own.
bool default_accept(Kind kind);

// id -> position in `modules`. Its keys live in the arenas of the chunks it was built from, which
// it keeps alive: a later manifest with every id in place shares it.
struct ModuleIndex {
  tsl::robin_map<std::string_view, uint32_t> positions;
  std::vector<ModuleTable::Chunk> keys_from;
};

struct Alias {
  std::string_view prefix;  // "$"
  std::string_view target;  // "." (relative to root)
};

struct Manifest {
  // Where things are.
  std::filesystem::path dir;   // folder holding the manifest
  std::filesystem::path root;  // dir / `root`, lexically normalized
  std::string_view html = "index.html";
  std::string_view public_dir = "public";

  // The app.
  std::vector<std::string_view> entries;
  ModuleTable modules;

  // This recompile's hints.
  std::optional<std::vector<std::string_view>> changed;
  std::vector<std::string_view> removed;
  std::string_view build;

  // Settings.
  std::vector<Alias> alias;
  std::vector<std::string_view> extensions = {".js", ".jsx", ".ts", ".tsx", ".mjs"};
  std::vector<std::string_view> ignore;
  std::string_view backend;
  // React Router's framework mode (`ssr: false`): the root route module; "" when absent. The
  // orchestrator then serves the document and the client entry, each `page` with a `route` a route.
  std::string_view router_root;

  // Lenient findings worth a log line (unknown ids in `changed`).
  std::vector<std::string> warnings;

  const ModuleSpec* find(std::string_view id) const {
    auto it = index->positions.find(id);
    return it == index->positions.end() ? nullptr : &modules[it->second];
  }
  std::span<const std::string_view> imports_of(const ModuleSpec& m) const { return m.imports; }

  // Shared with the previous manifest when every module kept its id and position.
  std::shared_ptr<const ModuleIndex> index = std::make_shared<ModuleIndex>();
  uint64_t id_set_fingerprint = 0;  // sum of id_fingerprint() over module ids
  std::shared_ptr<StringArena> arena = std::make_shared<StringArena>();

  // Incremental reading. `rewritten`: ids of the modules whose bytes differ from the manifest this
  // one was read against (absent when read from scratch: any module may have changed). A module
  // not listed has the bytes, hence the hash, it had there.
  std::optional<std::vector<std::string_view>> rewritten;
};

// Parses manifest text; relative paths are resolved against `manifest_dir`. With `previous` (the
// manifest read before from the same file), unchanged modules are taken over from it.
Result<Manifest> parse_manifest(std::string_view json, const std::filesystem::path& manifest_dir,
                                const Manifest* previous = nullptr);

// Reads and parses a manifest file; errors start with the file's path.
Result<Manifest> read_manifest(const std::filesystem::path& path,
                               const Manifest* previous = nullptr);

}  // namespace hr::graph

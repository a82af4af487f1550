// The compiler's manifest, version 1 (contract: shared/spec/manifest-v1.md), read into memory.
//
// The compiler rewrites .web/manifest.json after every recompile; this reader turns it into a
// Manifest or into one error naming the JSON pointer at fault and what was expected
// ("/modules/12/id: duplicate id \"a.jsx\""). It never half-succeeds: a Manifest value has passed
// every check, so applying it to the Graph cannot fail on its content.
//
// Strings are views into the Manifest's own arena (see arena.h): parsing a 10,000-module manifest
// makes a handful of allocations instead of one per string. A Manifest is move-only; its views stay
// valid for its lifetime, moves included.
//
// Reading is incremental: given the manifest read before, a module whose object has the same bytes
// at the expected place is taken over without parsing (its strings stay in the earlier manifest's
// arena, which the new one keeps alive). A one-module recompile of a 10,000-module app then costs a
// hash of the text, not a parse of it; the result is the same Manifest a fresh parse gives.
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

namespace hr::graph {

enum class Kind : uint8_t { entry, page, component, module, style, asset };

std::string_view to_string(Kind kind);
// The `accept` default: page, component and style modules can be hot-swapped on their own.
bool default_accept(Kind kind);

struct ModuleSpec {
  std::string_view id;
  Kind kind = Kind::module;
  bool accept = false;
  bool has_hash = false;  // `hash` given: compared for equality, the file is not read
  std::string_view hash;
  std::string_view route;
  uint32_t imports_begin = 0;  // into Manifest::import_pool
  uint32_t imports_count = 0;
};

using ModuleIndex = tsl::robin_map<std::string_view, uint32_t>;  // id -> position in `modules`

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
  std::vector<ModuleSpec> modules;
  std::vector<std::string_view> import_pool;

  // This recompile's hints.
  std::optional<std::vector<std::string_view>> changed;
  std::vector<std::string_view> removed;
  std::string_view build;

  // Settings.
  std::vector<Alias> alias;
  std::vector<std::string_view> extensions = {".js", ".jsx", ".ts", ".tsx", ".mjs"};
  std::vector<std::string_view> ignore;
  std::string_view backend;

  // Lenient findings worth a log line (unknown ids in `changed`).
  std::vector<std::string> warnings;

  const ModuleSpec* find(std::string_view id) const {
    auto it = index->find(id);
    return it == index->end() ? nullptr : &modules[it->second];
  }
  std::span<const std::string_view> imports_of(const ModuleSpec& m) const {
    return {import_pool.data() + m.imports_begin, m.imports_count};
  }

  // Shared with the previous manifest when every module kept its id and position.
  std::shared_ptr<const ModuleIndex> index = std::make_shared<ModuleIndex>();
  uint64_t id_set_fingerprint = 0;  // sum of id_fingerprint() over module ids
  std::shared_ptr<StringArena> arena = std::make_shared<StringArena>();

  // Incremental reading. `rewritten`: ids of the modules whose bytes differ from the manifest this
  // one was read against (absent when read from scratch: any module may have changed). A module
  // not listed has the bytes, hence the hash, it had there.
  std::optional<std::vector<std::string_view>> rewritten;
  // Each module object's length and 128-bit xxh3 hash, in order: what the next read compares its
  // bytes with (the text itself is not kept: a 10,000-module manifest is megabytes).
  struct ModuleBytes {
    uint32_t length = 0;
    uint64_t hash_low = 0, hash_high = 0;
    bool operator==(const ModuleBytes&) const = default;
  };
  std::vector<ModuleBytes> module_bytes;
  std::vector<std::shared_ptr<StringArena>> borrowed;  // earlier arenas holding reused strings
};

// Parses manifest text; relative paths are resolved against `manifest_dir`. With `previous` (the
// manifest read before from the same file), unchanged modules are taken over from it.
Result<Manifest> parse_manifest(std::string_view json, const std::filesystem::path& manifest_dir,
                                const Manifest* previous = nullptr);

// Reads and parses a manifest file; errors start with the file's path.
Result<Manifest> read_manifest(const std::filesystem::path& path,
                               const Manifest* previous = nullptr);

}  // namespace hr::graph

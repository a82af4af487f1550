// What module_builder.cc (the plugin path) and module_builder_fast.cc (the fast path) share: a
// build in progress (ModuleBuilder::Batch) and the helpers both read esbuild's answers with. Not a
// public header: only those two files include it.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "orchestrator/module_builder.h"

namespace hr::orch {

inline const std::string kEntryPrefix = "hr-module:";
inline const std::string kNamespace = "hr-module";
// More modules than this are built from files esbuild reads, not from text sent to it.
inline constexpr std::size_t kMaxInMemoryEntries = 16;

// esbuild picks a loader by extension for files; for our namespace we say it.
std::string loader_for(std::string_view id);

// The module ids an error list names (locations are relative to root, i.e. module ids).
std::set<std::string> failing_ids(const std::vector<esbuild::Message>& errors,
                                  const std::vector<std::string>& ids);

// With `--sourcemap=external` each output "<out>.js" comes with "<out>.js.map": the maps, by the
// path of their JS output.
std::map<std::string, const esbuild::OutputFile*> maps_by_js(
    const std::vector<esbuild::OutputFile>& outputs);

struct ModuleBuilder::Batch {
  std::vector<std::string> ids;
  std::map<std::string, BuiltModule> seen;  // imports seen per importer id during this build
  ModuleBuild result;
  esbuild::Callback<ModuleBuild> done;
  // The fast path: builds in flight, modules left for the plugin path, and a failure to reach
  // esbuild at all.
  size_t in_flight = 0;
  std::vector<std::string> slow;
  std::optional<Error> unreachable;
  std::map<std::string, uint64_t> source_hashes;  // of the texts read before building
  // The persistent cache: each module's key (of the text read), and whether the batch's modules
  // were looked up already (a batch built again after a compile error does not look twice).
  std::map<std::string, std::string> cache_keys;
  bool looked_up = false;

  void take(BuiltModule m) {
    auto it = source_hashes.find(m.id);
    if (it != source_hashes.end()) m.source_hash = it->second;
    result.modules.push_back(std::move(m));
  }
};

}  // namespace hr::orch

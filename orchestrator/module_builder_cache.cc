// ModuleBuilder's persistent cache (module_cache.h): what the fast path stores and takes back.
//
// An entry is esbuild's output of one module with every import external, before the import
// rewrite: the code, the source map (its sources already named by file URL: that depends on the
// root alone, which is in the key), the import specifiers and the export names from the metafile.
// The rewrite depends on how the graph resolves each specifier now, so a hit is rewritten like a
// fresh build (rewritten()); a hit whose rewrite fails is built again, which then takes the plugin
// path and reports why.
//
// The key names everything that determines that output: the esbuild version (the handshake
// refuses any other binary), the fast path's flags (defines included), the root, the module id
// and its text (XXH3-128 and length). A file build's output is stored only if the file still holds
// the text hashed before the build, checked on the cache's worker thread: esbuild read the file
// itself, and an edit during the build must not store new output under the old text's key.
#include <xxhash.h>

#include <cstdio>

#include "common/read_file.h"
#include "graph/change_detector.h"
#include "orchestrator/import_rewrite.h"
#include "orchestrator/module_builder_batch.h"
#include "orchestrator/module_cache.h"

namespace hr::orch {

namespace fs = std::filesystem;

void ModuleBuilder::use_cache(ModuleCache* cache) {
  cache_ = cache;
}

std::string ModuleBuilder::cache_key(const std::string& id, std::string_view text) const {
  const XXH128_hash_t h = XXH3_128bits(text.data(), text.size());
  char hash[48];
  std::snprintf(hash, sizeof hash, "%016llx%016llx %zu", static_cast<unsigned long long>(h.high64),
                static_cast<unsigned long long>(h.low64), text.size());
  return options_fingerprint() + "\nloader " + loader_for(id) + "\nid " + id + "\ntext " + hash;
}

// The part of every key that only the builder's options change: made again when the defines did.
const std::string& ModuleBuilder::options_fingerprint() const {
  if (!fingerprint_.empty() && fingerprint_defines_ == defines_) return fingerprint_;
  fingerprint_ = "hr module\nesbuild ";
  fingerprint_ += esbuild::pinned_esbuild_version();
  fingerprint_ += "\nroot " + root_.string() + "\nflags";
  for (const auto& f : fast_options().flags) fingerprint_ += " " + f;
  fingerprint_defines_ = defines_;
  return fingerprint_;
}

// The module from the cache, rewritten and taken into the batch; false on a miss.
bool ModuleBuilder::take_cached(Batch& batch, const std::string& id, std::string_view text) {
  if (!cache_) return false;
  std::string key = cache_key(id, text);
  auto payload = cache_->get(key);
  batch.cache_keys[id] = std::move(key);
  if (!payload) return false;
  auto parts = decode_strings(*payload);
  if (!parts || parts->size() != 4) return false;
  auto specifiers = decode_strings((*parts)[2]);
  auto exports = decode_strings((*parts)[3]);
  if (!specifiers || !exports) return false;
  std::optional<BuiltModule> m = rewritten(id, (*parts)[0], *specifiers);
  if (!m) return false;
  m->exports = std::move(*exports);
  m->source_map = std::move((*parts)[1]);
  batch.take(std::move(*m));
  ++cache_served_;
  return true;
}

ModuleCacheStats ModuleBuilder::cache_stats() const {
  if (!cache_) return {};
  ModuleCacheStats s = cache_->stats();
  s.served = cache_served_;
  return s;
}

// Stores what esbuild built of `id` (before the rewrite), under the key its text had.
void ModuleBuilder::cache_put(const Batch& batch, const std::string& id, const std::string& code,
                              const std::string& map, const MetafileOutput& meta, bool from_file) {
  if (!cache_) return;
  auto key = batch.cache_keys.find(id);
  auto hash = batch.source_hashes.find(id);
  if (key == batch.cache_keys.end() || hash == batch.source_hashes.end()) return;
  std::vector<std::string_view> specs(meta.imports.begin(), meta.imports.end());
  std::vector<std::string_view> exports(meta.exports.begin(), meta.exports.end());
  std::string payload = encode_strings({code, map, encode_strings(specs), encode_strings(exports)});
  std::function<bool()> still_valid;
  if (from_file) {
    still_valid = [path = root_ / id, h = hash->second] {
      auto text = read_file(path);
      return text && graph::content_hash(*text) == h;
    };
  }
  cache_->put(key->second, std::move(payload), std::move(still_valid));
}

esbuild::Callback<ModuleBuild> ModuleBuilder::holding_cache(esbuild::Callback<ModuleBuild> done) {
  if (building_++ == 0 && cache_) cache_->hold(true);
  return [this, done = std::move(done)](Result<ModuleBuild> r) {
    if (--building_ == 0 && cache_) cache_->hold(false);
    done(std::move(r));
  };
}

// Whether `id` with this text is in the cache (without reading the entry: build_ahead() skips it).
bool ModuleBuilder::cached(const std::string& id, std::string_view text) const {
  std::error_code ec;
  return cache_ && fs::exists(cache_->path_of(cache_key(id, text)), ec);
}

}  // namespace hr::orch

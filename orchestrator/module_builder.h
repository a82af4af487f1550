// Builds app modules one ES module per module id, with every import rewritten to a canonical URL.
//
// Every import becomes the URL the browser will fetch: app modules at "/" + id (with the `?t=`
// version the orchestrator gives a re-emitted module), npm packages at their prebundled URL. JSX
// becomes React's automatic dev runtime. Each module comes with esbuild's source map of it, its
// source named by the file's URL (source_map.h).
//
// The fast path asks esbuild for no callbacks: every import is left external (`--external:*`),
// the metafile lists the specifiers, and import_rewrite.h puts the URLs in. A recompile's few
// modules go one build each, their text sent inline (stdin); a cold start's many go as one build
// of file entry points, which esbuild works on in parallel. The plugin path is the fallback, for a
// module with an import that does not resolve (esbuild then reports it with line and column) or
// whose output the rewrite cannot place: in bundle mode esbuild asks our on-resolve hook about
// every import, and the hook answers with the URL, marked external.
//
// A build can start ahead of its call: build_ahead() sends the fast-path builds of modules the
// compiler just rewrote, while the compiler is still starting its call (see manifest_watch.h); a
// build() that then finds a module's text unchanged takes that result instead of building again.
// esbuild's output of one module, every import external, depends only on its id and text.
//
// That output persists in a ModuleCache when one is given (use_cache; module_cache.h, and
// module_builder_cache.cc for the key): a module whose text is in the cache is taken from it and
// only its imports are rewritten, so a restart of an unchanged app asks esbuild for nothing, and a
// cold start sends esbuild only the modules the cache lacks. The plugin path is not cached.
//
// A module that fails to compile must not hold back the others: when a batch has errors, the
// modules they name are dropped and the rest are built again, so a recompile that broke one
// module still updates the good ones (the broken one keeps its last good output, upstream).
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "esbuild_bridge/esbuild.h"
#include "orchestrator/module_cache.h"

namespace hr::orch {

struct MetafileOutput;

// What an import specifier written in a module names (filled by the graph's resolver).
struct ImportTarget {
  enum class Kind { module, package, not_found } kind = Kind::not_found;
  std::string id;     // module: the module id; package: the full specifier ("react-dom/client")
  std::string error;  // not_found: why
  // module: how the import takes it, Vite's way. "" for the module itself; "url" (its URL: an
  // asset, or `?url`), "raw" (its text, `?raw`) or "inline" (a data URL, `?inline`) are served
  // by a small wrapper module whose default export is that value.
  std::string variant = "";
};

struct BuilderHooks {
  // Resolves `specifier` written in module `importer_id`.
  std::function<ImportTarget(std::string_view specifier, std::string_view importer_id)> resolve;
  // The URL an importer should use for a module ("/app/x.jsx?t=3").
  std::function<std::string(const ImportTarget& module)> module_url;
  // The URL for an npm specifier; may contain a placeholder that publishing replaces.
  std::function<std::string(std::string_view specifier)> package_url;
};

struct BuiltModule {
  std::string id;
  std::string code;
  // esbuild's source map of `code` (JSON), its source named by file_url(); "" when esbuild gave
  // none.
  std::string source_map;
  std::vector<std::string> imports;   // app module ids it imports, as resolved
  std::vector<std::string> packages;  // npm specifiers it imports
  std::vector<std::string> exports;   // the names it exports, from esbuild's metafile
  // The imports taken through a wrapper (ImportTarget::variant): {id, variant}; also in imports.
  std::vector<std::pair<std::string, std::string>> wrapped;
  // graph::content_hash of the text read before the build: what was built, or (when the file moved
  // while esbuild read it) an older text, so a comparison with the disk errs towards "changed".
  std::optional<uint64_t> source_hash;
};

struct ModuleBuild {
  std::vector<BuiltModule> modules;      // the modules that compiled
  std::vector<esbuild::Message> errors;  // those that did not, with file:line:column
  std::vector<esbuild::Message> warnings;
};

class ModuleBuilder {
 public:
  ModuleBuilder(esbuild::Service& service, std::filesystem::path root, BuilderHooks hooks);

  // Builds `ids` (paths under root). Never fails for a compile error: those come back in
  // ModuleBuild::errors. Fails only when esbuild itself could not be asked (e.g. it died).
  void build(std::vector<std::string> ids, esbuild::Callback<ModuleBuild> done);

  // Starts building `ids` from their text now, for a build() that may follow; replaces whatever
  // was built ahead before. More than a recompile's few modules are not built ahead.
  void build_ahead(const std::vector<std::string>& ids);
  // How many modules build() took from a build ahead.
  std::uint64_t built_ahead_used() const { return ahead_used_; }
  // How many esbuild builds it asked for (a module taken from the cache or a build ahead is none).
  std::uint64_t esbuild_builds() const { return esbuild_builds_; }

  // Extra esbuild flags for every build from now on (import.meta.env's defines: app_env.h). What
  // was built ahead with the old ones is dropped.
  void set_defines(std::vector<std::string> flags);

  // Takes modules from `cache` and stores what the fast path builds there from now on; null: no
  // cache. Not owned: it outlives the builder.
  void use_cache(ModuleCache* cache);
  ModuleCacheStats cache_stats() const;

 private:
  // Every esbuild build of modules goes through here, to be counted (esbuild_builds()).
  void esbuild_build(esbuild::BuildOptions options, std::optional<esbuild::Plugin> plugin,
                     esbuild::Callback<esbuild::BuildResult> done);
  // One module's esbuild build from its text, sent ahead of the call that needs it.
  struct Ahead {
    std::string text;
    std::optional<Result<esbuild::BuildResult>> result;  // once esbuild answered
    std::vector<esbuild::Callback<esbuild::BuildResult>> waiting;
  };
  esbuild::BuildOptions one_module_options(const std::string& id, std::string text) const;
  bool take_ahead(const std::string& id, const std::string& text,
                  esbuild::Callback<esbuild::BuildResult> done);
  struct Batch;
  // The fast path.
  void fast(std::shared_ptr<Batch> batch);
  void fast_files(std::shared_ptr<Batch> batch);
  bool take_cached_files(std::shared_ptr<Batch> batch);
  void fast_one(std::shared_ptr<Batch> batch, const std::string& id);
  void send_one(std::shared_ptr<Batch> batch, const std::string& id, std::string text);
  void take_outputs(Batch& batch, const esbuild::BuildResult& r, const std::string& stdin_id);
  std::string source_map(const esbuild::OutputFile* map) const;
  std::optional<BuiltModule> rewritten(const std::string& id, const std::string& code,
                                       const std::vector<std::string>& specifiers) const;
  void fast_done(std::shared_ptr<Batch> batch);
  esbuild::BuildOptions fast_options() const;
  // The persistent cache (module_builder_cache.cc).
  std::string cache_key(const std::string& id, std::string_view text) const;
  const std::string& options_fingerprint() const;
  bool take_cached(Batch& batch, const std::string& id, std::string_view text);
  void cache_put(const Batch& batch, const std::string& id, const std::string& code,
                 const std::string& map, const MetafileOutput& meta, bool from_file);
  bool cached(const std::string& id, std::string_view text) const;
  // `done`, and the cache's writes held until no build is under way (module_cache.h, hold).
  esbuild::Callback<ModuleBuild> holding_cache(esbuild::Callback<ModuleBuild> done);
  // The plugin path.
  void run(std::shared_ptr<Batch> batch);
  esbuild::Plugin plugin(std::shared_ptr<Batch> batch) const;
  esbuild::BuildOptions base_options() const;
  esbuild::BuildOptions options(const std::vector<std::string>& ids) const;

  esbuild::Service& service_;
  std::filesystem::path root_;
  std::filesystem::path outdir_;
  BuilderHooks hooks_;
  std::vector<std::string> defines_;
  std::map<std::string, std::shared_ptr<Ahead>> ahead_;
  std::uint64_t ahead_used_ = 0;
  std::uint64_t esbuild_builds_ = 0;
  ModuleCache* cache_ = nullptr;
  int building_ = 0;                 // build() calls under way
  std::uint64_t cache_served_ = 0;   // modules taken from the cache
  mutable std::string fingerprint_;  // options_fingerprint(), for these defines
  mutable std::vector<std::string> fingerprint_defines_;
};

// The module id a path names, relative to root ("app/x.jsx"), or "" when outside it.
std::string module_id_of(const std::filesystem::path& root, std::string_view path);

// "app/routes/_index.jsx" -> "app/routes/_index.jsx.js": unique output names for esbuild, since
// "x.js" and "x.jsx" may both exist.
std::string output_name(std::string_view id);

}  // namespace hr::orch

// Builds app modules one ES module per module id, with every import rewritten to a canonical URL.
//
// A batch of modules goes to esbuild as one request (each module its own entry point, so esbuild
// works on them in parallel), in bundle mode so that esbuild asks our on-resolve hook about every
// import, and the hook marks every import external with the URL the browser will fetch: app
// modules at "/" + id (with the `?t=` version the orchestrator gives a re-emitted module), npm
// packages at their prebundled URL. JSX becomes React's automatic dev runtime.
//
// A module that fails to compile must not hold back the others: when a batch has errors, the
// modules they name are dropped and the rest are built again, so a recompile that broke one
// module still updates the good ones (the broken one keeps its last good output, upstream).
#pragma once

#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "esbuild_bridge/esbuild.h"

namespace hr::orch {

// What an import specifier written in a module names (filled by the graph's resolver).
struct ImportTarget {
  enum class Kind { module, package, not_found } kind = Kind::not_found;
  std::string id;     // module: the module id; package: the full specifier ("react-dom/client")
  std::string error;  // not_found: why
};

struct BuilderHooks {
  // Resolves `specifier` written in module `importer_id`.
  std::function<ImportTarget(std::string_view specifier, std::string_view importer_id)> resolve;
  // The URL an importer should use for a module id ("/app/x.jsx?t=3").
  std::function<std::string(std::string_view id)> module_url;
  // The URL for an npm specifier; may contain a placeholder that publishing replaces.
  std::function<std::string(std::string_view specifier)> package_url;
};

struct BuiltModule {
  std::string id;
  std::string code;
  std::vector<std::string> imports;   // app module ids it imports, as resolved
  std::vector<std::string> packages;  // npm specifiers it imports
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

 private:
  struct Batch;
  void run(std::shared_ptr<Batch> batch);
  esbuild::Plugin plugin(std::shared_ptr<Batch> batch) const;
  esbuild::BuildOptions options(const std::vector<std::string>& ids) const;

  esbuild::Service& service_;
  std::filesystem::path root_;
  std::filesystem::path outdir_;
  BuilderHooks hooks_;
};

// The module id a path names, relative to root ("app/x.jsx"), or "" when outside it.
std::string module_id_of(const std::filesystem::path& root, std::string_view path);

// "app/routes/_index.jsx" -> "app/routes/_index.jsx.js": unique output names for esbuild, since
// "x.js" and "x.jsx" may both exist.
std::string output_name(std::string_view id);

}  // namespace hr::orch

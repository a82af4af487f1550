#include "orchestrator/module_builder.h"

#include <algorithm>
#include <map>
#include <set>

#include "common/read_file.h"
#include "orchestrator/import_rewrite.h"
#include "orchestrator/module_builder_batch.h"
#include "orchestrator/source_map.h"

namespace hr::orch {

namespace fs = std::filesystem;

namespace {

// Locations in our namespace read "hr-module:app/x.jsx"; callers want the module id.
void strip_namespace(std::vector<esbuild::Message>& messages) {
  for (auto& m : messages) {
    if (m.location && m.location->file.rfind(kEntryPrefix, 0) == 0)
      m.location->file.erase(0, kEntryPrefix.size());
  }
}

}  // namespace

// esbuild picks a loader by extension for files; for our namespace we say it.
std::string loader_for(std::string_view id) {
  for (const auto& [ext, loader] : {std::pair{".tsx", "tsx"},
                                    {".ts", "ts"},
                                    {".jsx", "jsx"},
                                    {".js", "jsx"},
                                    {".mjs", "js"},
                                    {".cjs", "js"},
                                    {".json", "json"},
                                    {".css", "css"}}) {
    if (id.ends_with(ext)) return loader;
  }
  return "jsx";
}

// The module ids an error list names (locations are relative to root, i.e. module ids).
std::set<std::string> failing_ids(const std::vector<esbuild::Message>& errors,
                                  const std::vector<std::string>& ids) {
  std::set<std::string> out;
  for (const auto& e : errors) {
    if (e.location && std::find(ids.begin(), ids.end(), e.location->file) != ids.end()) {
      out.insert(e.location->file);
    }
  }
  return out;
}

// With `--sourcemap=external` each output "<out>.js" comes with "<out>.js.map": the maps, by the
// path of their JS output.
std::map<std::string, const esbuild::OutputFile*> maps_by_js(
    const std::vector<esbuild::OutputFile>& outputs) {
  std::map<std::string, const esbuild::OutputFile*> out;
  for (const auto& f : outputs)
    if (f.path.ends_with(".map")) out[f.path.substr(0, f.path.size() - 4)] = &f;
  return out;
}

std::string module_id_of(const fs::path& root, std::string_view path) {
  const fs::path rel = fs::path(path).lexically_relative(root);
  const std::string s = rel.generic_string();
  if (rel.empty() || s.rfind("..", 0) == 0) return "";
  return s;
}

std::string output_name(std::string_view id) {
  return std::string(id);
}

ModuleBuilder::ModuleBuilder(esbuild::Service& service, fs::path root, BuilderHooks hooks)
    : service_(service),
      root_(std::move(root)),
      outdir_(root_ / ".hr-out"),
      hooks_(std::move(hooks)) {}

esbuild::BuildOptions ModuleBuilder::base_options() const {
  esbuild::BuildOptions o;
  o.abs_working_dir = root_.string();
  o.flags = {"--bundle", "--format=esm", "--target=es2020", "--jsx=automatic", "--jsx-dev",
             "--outdir=" + outdir_.string(), "--define:process.env.NODE_ENV=\"development\"",
             "--loader:.js=jsx",  // compilers write JSX into .js files too
             // A map per output, as a second output file: source_map.h serves it inline.
             "--sourcemap=external"};
  o.flags.insert(o.flags.end(), defines_.begin(), defines_.end());
  o.metafile = true;  // its outputs' export names (a route module's clientLoader, meta, ...)
  return o;
}

void ModuleBuilder::set_defines(std::vector<std::string> flags) {
  defines_ = std::move(flags);
  ahead_.clear();
}

esbuild::BuildOptions ModuleBuilder::options(const std::vector<std::string>& ids) const {
  esbuild::BuildOptions o = base_options();
  // A few modules (a recompile): through our namespace, so esbuild does not list their folders.
  // Many (cold start): as files, where one folder listing per request is cheaper than two round
  // trips (resolve and load) per module.
  const bool from_memory = ids.size() <= kMaxInMemoryEntries;
  for (const auto& id : ids) {
    o.entry_points.emplace_back(from_memory ? kEntryPrefix + id : (root_ / id).string(),
                                output_name(id));
  }
  return o;
}

namespace {

// "hr-module:app/x.jsx" (an entry we name) is module app/x.jsx of our namespace.
esbuild::ResolveHook entry_in_namespace() {
  return {"^hr-module:", "", [](const esbuild::OnResolveArgs& a) {
            esbuild::OnResolveResult r;
            r.path = a.path.substr(kEntryPrefix.size());
            r.ns = kNamespace;
            return std::optional(r);
          }};
}

// A module of our namespace is read from its file under root, its loader said by its extension.
esbuild::LoadHook source_from_disk(const fs::path& root) {
  return {".*", kNamespace,
          [root](const esbuild::OnLoadArgs& a) -> std::optional<esbuild::OnLoadResult> {
            esbuild::OnLoadResult r;
            auto contents = read_file(root / a.path);
            if (!contents) {
              r.errors.push_back(esbuild::message(contents.error().message));
              return r;
            }
            r.contents = std::move(*contents);
            r.loader = loader_for(a.path);
            r.resolve_dir = (root / a.path).parent_path().string();
            return r;
          }};
}

// The import `specifier` of `importer` as the URL it becomes (external), recorded in what the
// importer's build saw; one that does not resolve is an error at the import.
esbuild::OnResolveResult import_url(const BuilderHooks& hooks, const std::string& specifier,
                                    const std::string& importer, BuiltModule& record) {
  const ImportTarget t = hooks.resolve(specifier, importer);
  esbuild::OnResolveResult r;
  r.external = true;
  switch (t.kind) {
    case ImportTarget::Kind::module:
      r.path = hooks.module_url(t);
      record.imports.push_back(t.id);
      if (!t.variant.empty()) record.wrapped.emplace_back(t.id, t.variant);
      break;
    case ImportTarget::Kind::package:
      r.path = hooks.package_url(t.id);
      record.packages.push_back(t.id);
      break;
    case ImportTarget::Kind::not_found:
      r.external = false;
      r.errors.push_back(esbuild::message("Could not resolve \"" + specifier + "\" from " +
                                          importer + ": " + t.error));
      break;
  }
  return r;
}

}  // namespace

// Entries live in our own namespace and their sources come from on-load: esbuild then never
// touches the disk itself. (In the file namespace it lists the entry's folder to resolve it, which
// costs milliseconds per one-module build when a folder holds thousands of components.) Every
// other import is answered with its URL, marked external.
esbuild::Plugin ModuleBuilder::plugin(std::shared_ptr<Batch> batch) const {
  esbuild::Plugin p;
  p.on_resolve.push_back(entry_in_namespace());
  p.on_load.push_back(source_from_disk(root_));
  p.on_resolve.push_back({".*", "",
                          [batch, root = root_, hooks = hooks_](const esbuild::OnResolveArgs& a)
                              -> std::optional<esbuild::OnResolveResult> {
                            if (a.kind == "entry-point")
                              return std::nullopt;  // a file entry: esbuild reads it
                            // Importers are entries of our namespace (path = module id) or files.
                            const std::string importer =
                                a.ns == kNamespace ? a.importer : module_id_of(root, a.importer);
                            return import_url(hooks, a.path, importer, batch->seen[importer]);
                          }});
  return p;
}

void ModuleBuilder::build(std::vector<std::string> ids, esbuild::Callback<ModuleBuild> done) {
  auto batch = std::make_shared<Batch>();
  batch->ids = std::move(ids);
  batch->done = holding_cache(std::move(done));
  if (batch->ids.empty()) return batch->done(std::move(batch->result));
  fast(batch);
}

void ModuleBuilder::esbuild_build(esbuild::BuildOptions options,
                                  std::optional<esbuild::Plugin> plugin,
                                  esbuild::Callback<esbuild::BuildResult> done) {
  ++esbuild_builds_;
  service_.build(std::move(options), std::move(plugin), std::move(done));
}

void ModuleBuilder::run(std::shared_ptr<Batch> batch) {
  batch->seen.clear();
  esbuild_build(options(batch->ids), plugin(batch), [this, batch](Result<esbuild::BuildResult> r) {
    if (!r) return batch->done(r.error());
    strip_namespace(r->errors);
    strip_namespace(r->warnings);
    auto& res = batch->result;
    res.warnings.insert(res.warnings.end(), r->warnings.begin(), r->warnings.end());
    if (!r->errors.empty()) {
      const auto failing = failing_ids(r->errors, batch->ids);
      res.errors.insert(res.errors.end(), r->errors.begin(), r->errors.end());
      std::vector<std::string> rest;
      for (const auto& id : batch->ids)
        if (!failing.count(id)) rest.push_back(id);
      // Without a module to blame, or nothing left, the batch is done (all of it failed).
      if (failing.empty() || rest.empty()) return batch->done(std::move(res));
      batch->ids = std::move(rest);
      return run(batch);
    }
    const auto maps = maps_by_js(r->output_files);
    std::map<std::string, std::vector<std::string>> exports;
    if (auto outputs = read_metafile_outputs(r->metafile))
      for (auto& o : *outputs) exports[o.path] = std::move(o.exports);
    for (auto& f : r->output_files) {
      if (f.path.ends_with(".map")) continue;
      const std::string rel = module_id_of(outdir_, f.path);
      // esbuild names the output after the entry's `out` plus ".js".
      const std::string id = rel.size() > 3 ? rel.substr(0, rel.size() - 3) : rel;
      BuiltModule m = std::move(batch->seen[id]);
      m.id = id;
      m.code = std::move(f.contents);
      m.exports = std::move(exports[module_id_of(root_, f.path)]);
      auto map = maps.find(f.path);
      if (map != maps.end()) m.source_map = source_map(map->second);
      batch->take(std::move(m));
    }
    batch->done(std::move(res));
  });
}

}  // namespace hr::orch

#include "orchestrator/module_builder.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <set>

#include "common/read_file.h"
#include "graph/change_detector.h"
#include "orchestrator/import_rewrite.h"

namespace hr::orch {

namespace fs = std::filesystem;

namespace {

const std::string kEntryPrefix = "hr-module:";
const std::string kNamespace = "hr-module";
constexpr size_t kMaxInMemoryEntries = 16;

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

// Locations in our namespace read "hr-module:app/x.jsx"; callers want the module id.
void strip_namespace(std::vector<esbuild::Message>& messages) {
  for (auto& m : messages) {
    if (m.location && m.location->file.rfind(kEntryPrefix, 0) == 0)
      m.location->file.erase(0, kEntryPrefix.size());
  }
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

}  // namespace

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

  void take(BuiltModule m) {
    auto it = source_hashes.find(m.id);
    if (it != source_hashes.end()) m.source_hash = it->second;
    result.modules.push_back(std::move(m));
  }
};

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
  o.flags = {"--bundle",
             "--format=esm",
             "--target=es2020",
             "--jsx=automatic",
             "--jsx-dev",
             "--outdir=" + outdir_.string(),
             "--define:process.env.NODE_ENV=\"development\"",
             "--loader:.js=jsx"};  // compilers write JSX into .js files too
  o.flags.insert(o.flags.end(), defines_.begin(), defines_.end());
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

// Entries live in our own namespace and their sources come from on-load: esbuild then never
// touches the disk itself. (In the file namespace it lists the entry's folder to resolve it, which
// costs milliseconds per one-module build when a folder holds thousands of components.)
esbuild::Plugin ModuleBuilder::plugin(std::shared_ptr<Batch> batch) const {
  esbuild::Plugin p;
  const fs::path root = root_;
  p.on_resolve.push_back({"^hr-module:", "", [](const esbuild::OnResolveArgs& a) {
                            esbuild::OnResolveResult r;
                            r.path = a.path.substr(kEntryPrefix.size());
                            r.ns = kNamespace;
                            return std::optional(r);
                          }});
  p.on_load.push_back(
      {".*", kNamespace,
       [root](const esbuild::OnLoadArgs& a) -> std::optional<esbuild::OnLoadResult> {
         esbuild::OnLoadResult r;
         auto contents = read_file(root / a.path);
         if (!contents) {
           esbuild::Message m;
           m.text = contents.error().message;
           r.errors.push_back(std::move(m));
           return r;
         }
         r.contents = std::move(*contents);
         r.loader = loader_for(a.path);
         r.resolve_dir = (root / a.path).parent_path().string();
         return r;
       }});
  p.on_resolve.push_back(
      {".*", "",
       [batch, root, hooks = hooks_](
           const esbuild::OnResolveArgs& a) -> std::optional<esbuild::OnResolveResult> {
         if (a.kind == "entry-point") return std::nullopt;  // a file entry: esbuild reads it
         // Importers are entries of our namespace (path = module id) or files.
         const std::string importer =
             a.ns == kNamespace ? a.importer : module_id_of(root, a.importer);
         const ImportTarget t = hooks.resolve(a.path, importer);
         esbuild::OnResolveResult r;
         r.external = true;
         BuiltModule& record = batch->seen[importer];
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
             esbuild::Message m;
             m.text = "Could not resolve \"" + a.path + "\" from " + importer + ": " + t.error;
             r.errors.push_back(std::move(m));
             break;
         }
         return r;
       }});
  return p;
}

void ModuleBuilder::build(std::vector<std::string> ids, esbuild::Callback<ModuleBuild> done) {
  auto batch = std::make_shared<Batch>();
  batch->ids = std::move(ids);
  batch->done = std::move(done);
  if (batch->ids.empty()) return batch->done(std::move(batch->result));
  fast(batch);
}

void ModuleBuilder::run(std::shared_ptr<Batch> batch) {
  batch->seen.clear();
  service_.build(options(batch->ids), plugin(batch), [this, batch](Result<esbuild::BuildResult> r) {
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
    for (auto& f : r->output_files) {
      const std::string rel = module_id_of(outdir_, f.path);
      // esbuild names the output after the entry's `out` plus ".js".
      const std::string id = rel.size() > 3 ? rel.substr(0, rel.size() - 3) : rel;
      BuiltModule m = std::move(batch->seen[id]);
      m.id = id;
      m.code = std::move(f.contents);
      batch->take(std::move(m));
    }
    batch->done(std::move(res));
  });
}

// --- The fast path: no callbacks ---

esbuild::BuildOptions ModuleBuilder::fast_options() const {
  esbuild::BuildOptions o = base_options();
  o.flags.push_back("--external:*");
  o.metafile = true;
  return o;
}

void ModuleBuilder::fast(std::shared_ptr<Batch> batch) {
  if (batch->ids.size() > kMaxInMemoryEntries) return fast_files(batch);
  batch->in_flight = batch->ids.size();
  for (const auto& id : batch->ids) fast_one(batch, id);
}

// One module, its text sent inline: esbuild neither lists its folder nor calls back.
void ModuleBuilder::fast_one(std::shared_ptr<Batch> batch, const std::string& id) {
  const fs::path path = root_ / id;
  auto contents = read_file(path);
  if (!contents) {
    esbuild::Message m;
    m.text = contents.error().message;
    m.location.emplace();
    m.location->file = id;
    batch->result.errors.push_back(std::move(m));
    if (--batch->in_flight == 0) fast_done(batch);
    return;
  }
  batch->source_hashes[id] = graph::content_hash(*contents);
  auto done = [this, batch, id](Result<esbuild::BuildResult> r) {
    if (!r) {
      batch->unreachable = r.error();
    } else if (!r->errors.empty()) {
      batch->result.errors.insert(batch->result.errors.end(), r->errors.begin(), r->errors.end());
    } else {
      take_outputs(*batch, *r, id);
    }
    if (r)
      batch->result.warnings.insert(batch->result.warnings.end(), r->warnings.begin(),
                                    r->warnings.end());
    if (--batch->in_flight == 0) fast_done(batch);
  };
  if (take_ahead(id, *contents, done)) return;
  service_.build(one_module_options(id, std::move(*contents)), {}, std::move(done));
}

esbuild::BuildOptions ModuleBuilder::one_module_options(const std::string& id,
                                                        std::string text) const {
  const fs::path path = root_ / id;
  esbuild::BuildOptions o = fast_options();
  o.stdin_contents = std::move(text);
  o.stdin_resolve_dir = path.parent_path().string();
  o.flags.push_back("--loader=" + loader_for(id));
  o.flags.push_back("--sourcefile=" + path.string());  // locations then read as the module id
  return o;
}

void ModuleBuilder::build_ahead(const std::vector<std::string>& ids) {
  ahead_.clear();
  if (ids.size() > kMaxInMemoryEntries) return;
  for (const auto& id : ids) {
    auto text = read_file(root_ / id);
    if (!text) continue;
    auto ahead = std::make_shared<Ahead>();
    ahead->text = *text;
    ahead_[id] = ahead;
    service_.build(one_module_options(id, std::move(*text)), {},
                   [ahead](Result<esbuild::BuildResult> r) {
                     ahead->result = std::move(r);
                     for (auto& done : std::exchange(ahead->waiting, {})) done(*ahead->result);
                   });
  }
}

// The result built ahead for `id`, if it was built from this text: given to `done` now, or when
// esbuild answers.
bool ModuleBuilder::take_ahead(const std::string& id, const std::string& text,
                               esbuild::Callback<esbuild::BuildResult> done) {
  auto it = ahead_.find(id);
  if (it == ahead_.end()) return false;
  std::shared_ptr<Ahead> ahead = std::move(it->second);
  ahead_.erase(it);
  // Built from other text, or esbuild could not be asked (it died since): build now.
  if (ahead->text != text || (ahead->result && !*ahead->result)) return false;
  ++ahead_used_;
  if (ahead->result) {
    done(*ahead->result);
  } else {
    ahead->waiting.push_back(std::move(done));
  }
  return true;
}

// Many modules as file entry points of one build; a compile error drops the modules it names and
// builds the rest again.
void ModuleBuilder::fast_files(std::shared_ptr<Batch> batch) {
  esbuild::BuildOptions o = fast_options();
  for (const auto& id : batch->ids) {
    o.entry_points.emplace_back((root_ / id).string(), output_name(id));
    // esbuild reads the files itself; what it builds is this text or a newer one.
    if (auto text = read_file(root_ / id)) batch->source_hashes[id] = graph::content_hash(*text);
  }
  service_.build(o, {}, [this, batch](Result<esbuild::BuildResult> r) {
    if (!r) {
      batch->unreachable = r.error();
      return fast_done(batch);
    }
    auto& res = batch->result;
    res.warnings.insert(res.warnings.end(), r->warnings.begin(), r->warnings.end());
    if (r->errors.empty()) {
      take_outputs(*batch, *r, "");
      return fast_done(batch);
    }
    const auto failing = failing_ids(r->errors, batch->ids);
    res.errors.insert(res.errors.end(), r->errors.begin(), r->errors.end());
    std::vector<std::string> rest;
    for (const auto& id : batch->ids)
      if (!failing.count(id)) rest.push_back(id);
    if (failing.empty() || rest.empty()) return fast_done(batch);
    batch->ids = std::move(rest);
    fast(batch);
  });
}

void ModuleBuilder::take_outputs(Batch& batch, const esbuild::BuildResult& r,
                                 const std::string& stdin_id) {
  auto outputs = read_metafile_outputs(r.metafile);
  std::map<std::string, const MetafileOutput*> by_path;
  if (outputs)
    for (const auto& o : *outputs) by_path[o.path] = &o;
  for (const auto& f : r.output_files) {
    const std::string rel = module_id_of(root_, f.path);
    const std::string out_id = module_id_of(outdir_, f.path);
    const std::string id = !stdin_id.empty()   ? stdin_id
                           : out_id.size() > 3 ? out_id.substr(0, out_id.size() - 3)
                                               : out_id;
    auto it = by_path.find(rel);
    std::optional<BuiltModule> m;
    if (it != by_path.end()) m = rewritten(id, f.contents, it->second->imports);
    if (m) {
      batch.take(std::move(*m));
    } else {
      batch.slow.push_back(id);
    }
  }
}

// The module with its specifiers replaced by URLs; nothing when an import does not resolve or the
// rewrite cannot place it (the plugin path then builds it and reports why).
std::optional<BuiltModule> ModuleBuilder::rewritten(
    const std::string& id, const std::string& code,
    const std::vector<std::string>& specifiers) const {
  BuiltModule m;
  m.id = id;
  std::vector<SpecifierUrl> urls;
  for (const auto& spec : specifiers) {
    const ImportTarget t = hooks_.resolve(spec, id);
    if (t.kind == ImportTarget::Kind::not_found) return std::nullopt;
    const bool module = t.kind == ImportTarget::Kind::module;
    urls.push_back({spec, module ? hooks_.module_url(t) : hooks_.package_url(t.id)});
    (module ? m.imports : m.packages).push_back(t.id);
    if (module && !t.variant.empty()) m.wrapped.emplace_back(t.id, t.variant);
  }
  auto code_out = rewrite_imports(code, urls);
  if (!code_out) {
    spdlog::debug("{}: {}; building it through the resolve plugin", id, code_out.error().message);
    return std::nullopt;
  }
  m.code = std::move(*code_out);
  return m;
}

void ModuleBuilder::fast_done(std::shared_ptr<Batch> batch) {
  if (batch->unreachable) return batch->done(*batch->unreachable);
  if (batch->slow.empty()) return batch->done(std::move(batch->result));
  batch->ids = std::exchange(batch->slow, {});
  run(batch);
}

}  // namespace hr::orch

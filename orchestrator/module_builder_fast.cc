// The fast path of ModuleBuilder (module_builder.h): esbuild asked for no callbacks, every import
// left external, and the metafile's specifiers turned into URLs by import_rewrite.h. A module the
// rewrite cannot place goes to the plugin path (module_builder.cc).
#include <spdlog/spdlog.h>

#include "common/read_file.h"
#include "graph/change_detector.h"
#include "orchestrator/import_rewrite.h"
#include "orchestrator/module_builder_batch.h"
#include "orchestrator/source_map.h"

namespace hr::orch {

namespace fs = std::filesystem;

esbuild::BuildOptions ModuleBuilder::fast_options() const {
  esbuild::BuildOptions o = base_options();
  o.flags.push_back("--external:*");
  o.metafile = true;
  return o;
}

void ModuleBuilder::fast(std::shared_ptr<Batch> batch) {
  if (batch->ids.size() > kMaxInMemoryEntries) return fast_files(batch);
  batch->in_flight = batch->ids.size();
  // A copy: the last module may finish the batch at once, and the batch then reuses its ids.
  const std::vector<std::string> ids = batch->ids;
  for (const auto& id : ids) fast_one(batch, id);
}

// One module, from the cache or its text sent inline: esbuild neither lists its folder nor calls
// back.
void ModuleBuilder::fast_one(std::shared_ptr<Batch> batch, const std::string& id) {
  const fs::path path = root_ / id;
  auto contents = read_file(path);
  if (!contents) {
    batch->result.errors.push_back(esbuild::message_at(id, contents.error().message));
    if (--batch->in_flight == 0) fast_done(batch);
    return;
  }
  batch->source_hashes[id] = graph::content_hash(*contents);
  // Looked up already (built again after a compile error): only the key of this text, which is
  // what esbuild gets.
  if (cache_ && batch->looked_up) batch->cache_keys[id] = cache_key(id, *contents);
  if (!batch->looked_up && take_cached(*batch, id, *contents)) {
    if (--batch->in_flight == 0) fast_done(batch);
    return;
  }
  send_one(batch, id, std::move(*contents));
}

void ModuleBuilder::send_one(std::shared_ptr<Batch> batch, const std::string& id,
                             std::string text) {
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
  if (take_ahead(id, text, done)) return;
  esbuild_build(one_module_options(id, std::move(text)), {}, std::move(done));
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
    if (!text || cached(id, *text)) continue;
    auto ahead = std::make_shared<Ahead>();
    ahead->text = *text;
    ahead_[id] = ahead;
    esbuild_build(one_module_options(id, std::move(*text)), {},
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

// Many modules: those in the cache are taken from it (true when that leaves nothing to build as
// files: the batch is then done, or its few misses are sent inline).
bool ModuleBuilder::take_cached_files(std::shared_ptr<Batch> batch) {
  batch->looked_up = true;
  std::vector<std::string> misses;
  std::map<std::string, std::string> texts;  // of the misses, while they are few
  for (const auto& id : batch->ids) {
    auto text = read_file(root_ / id);
    if (text) batch->source_hashes[id] = graph::content_hash(*text);
    if (text && take_cached(*batch, id, *text)) continue;
    misses.push_back(id);
    if (text && misses.size() <= kMaxInMemoryEntries) texts[id] = std::move(*text);
  }
  batch->ids = std::move(misses);
  if (batch->ids.empty()) {
    fast_done(batch);
    return true;
  }
  if (batch->ids.size() > kMaxInMemoryEntries) return false;
  batch->in_flight = batch->ids.size();
  const std::vector<std::string> ids = batch->ids;
  for (const auto& id : ids) {
    auto text = texts.find(id);
    if (text == texts.end()) {
      fast_one(batch, id);  // unreadable: fast_one reports it
    } else {
      send_one(batch, id, std::move(text->second));
    }
  }
  return true;
}

// Many modules as file entry points of one build; a compile error drops the modules it names and
// builds the rest again.
void ModuleBuilder::fast_files(std::shared_ptr<Batch> batch) {
  if (cache_ && !batch->looked_up && take_cached_files(batch)) return;
  esbuild::BuildOptions o = fast_options();
  for (const auto& id : batch->ids) {
    o.entry_points.emplace_back((root_ / id).string(), output_name(id));
    // esbuild reads the files itself; what it builds is this text or a newer one.
    if (batch->source_hashes.count(id)) continue;
    if (auto text = read_file(root_ / id)) batch->source_hashes[id] = graph::content_hash(*text);
  }
  esbuild_build(o, {}, [this, batch](Result<esbuild::BuildResult> r) {
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
  const auto maps = maps_by_js(r.output_files);
  for (const auto& f : r.output_files) {
    if (f.path.ends_with(".map")) continue;
    const std::string rel = module_id_of(root_, f.path);
    const std::string out_id = module_id_of(outdir_, f.path);
    const std::string id = !stdin_id.empty()   ? stdin_id
                           : out_id.size() > 3 ? out_id.substr(0, out_id.size() - 3)
                                               : out_id;
    auto it = by_path.find(rel);
    std::optional<BuiltModule> m;
    if (it != by_path.end()) m = rewritten(id, f.contents, it->second->imports);
    if (m) {
      m->exports = it->second->exports;
      auto map = maps.find(f.path);
      if (map != maps.end()) m->source_map = source_map(map->second);
      cache_put(batch, id, f.contents, m->source_map, *it->second, stdin_id.empty());
      batch.take(std::move(*m));
    } else {
      batch.slow.push_back(id);
    }
  }
}

// esbuild names a source relative to the map's folder (stdin builds too: --sourcefile is absolute),
// or "hr-module:<id>" in our namespace; the served map names the file itself (source_map.h).
std::string ModuleBuilder::source_map(const esbuild::OutputFile* map) const {
  const fs::path dir = fs::path(map->path).parent_path();
  return with_file_sources(map->contents, [&](std::string_view source) {
    if (source.starts_with(kEntryPrefix)) return root_ / source.substr(kEntryPrefix.size());
    return (dir / source).lexically_normal();
  });
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

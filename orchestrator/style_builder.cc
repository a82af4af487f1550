#include "orchestrator/style_builder.h"

#include <algorithm>
#include <boost/json.hpp>

#include "common/read_file.h"
#include "graph/change_detector.h"

namespace hr::orch {

namespace fs = std::filesystem;
namespace json = boost::json;

namespace {

// The app files a build read: the metafile's inputs, relative to the app root, minus node_modules.
std::vector<std::string> app_inputs(const std::string& metafile) {
  std::vector<std::string> out;
  boost::system::error_code ec;
  json::value meta = json::parse(metafile, ec);
  const json::value* inputs =
      ec || !meta.is_object() ? nullptr : meta.as_object().if_contains("inputs");
  if (!inputs || !inputs->is_object()) return out;
  for (const auto& [path, info] : inputs->get_object()) {
    const std::string id(path);
    if (id.starts_with("node_modules/") || id.find("/node_modules/") != std::string::npos ||
        id.starts_with("..") || id.find(':') != std::string::npos)
      continue;
    out.push_back(id);
  }
  return out;
}

}  // namespace

struct StyleBuilder::Batch {
  StyleBuild result;
  esbuild::Callback<StyleBuild> done;
  std::map<std::string, uint64_t> source_hashes;
  size_t in_flight = 0;
  std::optional<Error> unreachable;
};

StyleBuilder::StyleBuilder(esbuild::Service& service, fs::path root)
    : service_(service), root_(std::move(root)), outdir_(root_ / ".hr-css") {
  std::error_code ec;
  real_root_ = fs::weakly_canonical(root_, ec);
  if (ec) real_root_ = root_;
}

namespace {

// A stylesheet with no @import and no url() is served as written: esbuild's bundle of it would be
// the same rules (the edit of a plain stylesheet then costs no esbuild call, about 2 ms).
bool nothing_to_bundle(std::string_view css) {
  return css.find("@import") == std::string_view::npos &&
         css.find("url(") == std::string_view::npos;
}

}  // namespace

void StyleBuilder::build(std::vector<std::string> ids, esbuild::Callback<StyleBuild> done) {
  if (!postcss_ || ids.empty()) return bundle(std::move(ids), {}, std::move(done));
  postcss_->process(ids, [this, ids, done](PostcssStyles::Processed p) {
    StyleBuild pre;
    pre.errors = std::move(p.errors);
    pre.warnings = std::move(p.warnings);
    pre.failed = std::move(p.failed);
    std::vector<std::string> rest;
    for (const auto& id : ids)
      if (std::find(pre.failed.begin(), pre.failed.end(), id) == pre.failed.end())
        rest.push_back(id);
    bundle(std::move(rest), std::move(pre), done);
  });
}

esbuild::Plugin StyleBuilder::plugin() const {
  esbuild::Plugin p = css_bundle_plugin();
  if (!postcss_) return p;
  p.on_load.push_back({"\\.css$", "file", [this](const esbuild::OnLoadArgs& a) {
                         std::optional<esbuild::OnLoadResult> r;
                         const fs::path path(a.path);
                         for (const fs::path* base : {&root_, &real_root_}) {
                           const std::string id = path.lexically_relative(*base).generic_string();
                           const std::string* css = postcss_->output(id);
                           if (id.empty() || id.starts_with("..") || !css) continue;
                           r.emplace();
                           r->contents = *css;
                           r->loader = "css";
                           // Its @imports and url()s resolve from the stylesheet's own folder.
                           r->resolve_dir = path.parent_path().string();
                           break;
                         }
                         return r;
                       }});
  return p;
}

void StyleBuilder::bundle(std::vector<std::string> ids, StyleBuild result,
                          esbuild::Callback<StyleBuild> done) {
  auto batch = std::make_shared<Batch>();
  batch->done = std::move(done);
  batch->result = std::move(result);
  std::vector<std::string> to_bundle;
  for (const auto& id : ids) {
    // esbuild reads the file itself; what it builds is this text or a newer one.
    auto text = read_file(root_ / id);
    if (text) batch->source_hashes[id] = graph::content_hash(*text);
    if (text && !postcss_ && nothing_to_bundle(*text)) {
      batch->result.styles.push_back({id, std::move(*text), {id}, batch->source_hashes[id]});
    } else {
      to_bundle.push_back(id);
    }
  }
  if (to_bundle.empty()) return batch->done(std::move(batch->result));
  batch->in_flight = to_bundle.size();
  for (const auto& id : to_bundle) {
    esbuild::BuildOptions o = css_bundle_options(root_, outdir_, kStyleAssetPath);
    o.entry_points.emplace_back((root_ / id).string(), id);
    service_.build(o, plugin(), [this, batch, id](Result<esbuild::BuildResult> r) {
      if (!r) {
        batch->unreachable = r.error();
      } else {
        take(*batch, id, *r);
      }
      if (--batch->in_flight > 0) return;
      if (batch->unreachable) return batch->done(*batch->unreachable);
      batch->done(std::move(batch->result));
    });
  }
}

void StyleBuilder::take(Batch& batch, const std::string& id, const esbuild::BuildResult& r) const {
  auto& res = batch.result;
  res.warnings.insert(res.warnings.end(), r.warnings.begin(), r.warnings.end());
  if (!r.errors.empty()) {
    res.errors.insert(res.errors.end(), r.errors.begin(), r.errors.end());
    res.failed.push_back(id);
    return;
  }
  BuiltStyle s;
  s.id = id;
  for (const auto& f : r.output_files)
    if (f.path.ends_with(".css")) s.css = f.contents;
  s.inputs = app_inputs(r.metafile);
  if (auto it = batch.source_hashes.find(id); it != batch.source_hashes.end())
    s.source_hash = it->second;
  res.styles.push_back(std::move(s));
  for (auto& a : css_assets(r.output_files, outdir_, kStyleAssetPath))
    res.assets.push_back(std::move(a));
}

void StyleIncludes::set(const std::string& style, const std::vector<std::string>& inputs) {
  remove(style);
  for (const auto& in : inputs)
    if (in != style) includers_[in].insert(style);
  inputs_[style] = inputs;
}

void StyleIncludes::remove(const std::string& style) {
  auto it = inputs_.find(style);
  if (it == inputs_.end()) return;
  for (const auto& in : it->second) {
    auto inc = includers_.find(in);
    if (inc == includers_.end()) continue;
    inc->second.erase(style);
    if (inc->second.empty()) includers_.erase(inc);
  }
  inputs_.erase(it);
}

std::set<std::string> StyleIncludes::includers(const std::string& id) const {
  auto it = includers_.find(id);
  return it == includers_.end() ? std::set<std::string>{} : it->second;
}

}  // namespace hr::orch

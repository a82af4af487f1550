// The pipeline's stylesheets: built by esbuild's CSS bundler (style_builder.h), stored for the
// server, and updated when any file they are made of changes.
#include <spdlog/spdlog.h>

#include <algorithm>

#include "orchestrator/pipeline.h"

namespace hr::orch {

void Pipeline::build_styles(std::vector<std::string> ids, StylesDone done) {
  for (const auto& id : failed_styles_) {
    auto n = graph_.find(id);
    if (n && graph_.node(*n).present && std::find(ids.begin(), ids.end(), id) == ids.end())
      ids.push_back(id);
  }
  if (ids.empty()) return done({}, {});
  auto attempt = [this, ids](esbuild::Callback<StyleBuild> cb) {
    style_builder_->build(ids, std::move(cb));
  };
  retrying<StyleBuild>(attempt, [this, ids, done](Result<StyleBuild> r) {
    if (!r) {
      // esbuild could not be asked, even after a restart: the next recompile builds them again.
      failed_styles_.insert(ids.begin(), ids.end());
      esbuild::Message m;
      m.text = "building stylesheets failed: " + r.error().message;
      return done({m}, {});
    }
    store_styles(*r);
    std::vector<std::string> built;
    for (const auto& s : r->styles) built.push_back(s.id);
    done(std::move(r->errors), std::move(built));
  });
}

void Pipeline::store_styles(const StyleBuild& build) {
  for (const auto& a : build.assets) site_.put_file(a.url, a.contents);
  for (const auto& style : build.styles) {
    SiteState::Module s;
    s.is_style = true;
    s.code = style.css;
    site_.put_module(style.id, std::move(s));
    // So a later manifest without hashes compares the disk with what was built (module_graph.h).
    if (style.source_hash) graph_.record_content(style.id, *style.source_hash);
    style_includes_.set(style.id, style.inputs);
    failed_styles_.erase(style.id);
  }
  failed_styles_.insert(build.failed.begin(), build.failed.end());
}

void Pipeline::add_including_styles(graph::Diff& diff) const {
  std::set<graph::NodeId> listed(diff.changed.begin(), diff.changed.end());
  std::vector<graph::NodeId> touched = diff.changed;
  touched.insert(touched.end(), diff.added.begin(), diff.added.end());
  touched.insert(touched.end(), diff.removed.begin(), diff.removed.end());
  for (graph::NodeId n : touched) {
    for (const auto& style : style_includes_.includers(std::string(graph_.id(n)))) {
      auto s = graph_.find(style);
      if (s && graph_.node(*s).present && listed.insert(*s).second) diff.changed.push_back(*s);
    }
  }
}

}  // namespace hr::orch

// The pipeline's stylesheets: built by esbuild's CSS bundler (style_builder.h), after PostCSS when
// the app has a config (postcss_styles.h), stored for the server, and updated when any file they
// are made of changes, or when PostCSS generated them from a module that changed (Tailwind).
#include <spdlog/spdlog.h>

#include <algorithm>
#include <fstream>

#include "orchestrator/pipeline.h"

namespace hr::orch {

namespace fs = std::filesystem;

void Pipeline::build_styles(std::vector<std::string> ids, StylesDone done) {
  for (const auto& id : failed_styles_) {
    auto n = graph_.find(id);
    if (n && graph_.node(*n).present && std::find(ids.begin(), ids.end(), id) == ids.end())
      ids.push_back(id);
  }
  if (ids.empty()) return done({}, {});
  auto attempt = [this, ids](esbuild::Callback<StyleBuild> cb) {
    builders_.build_styles(ids, std::move(cb));
  };
  retrying<StyleBuild>(attempt, [this, ids, done](Result<StyleBuild> r) {
    if (!r) {
      // esbuild could not be asked, even after a restart: the next recompile builds them again.
      failed_styles_.insert(ids.begin(), ids.end());
      return done({esbuild::message("building stylesheets failed: " + r.error().message)}, {});
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

void Pipeline::ensure_postcss() {
  if (postcss_ || !PostcssStyles::has_config(root_)) return;
  spdlog::info("postcss: {} has a PostCSS config: stylesheets go through it", root_.string());
  // Tailwind scans the app root for class names, skipping what .gitignore files exclude: without
  // one, the state folder's prebundled npm code (.web/.hr/deps) would be scanned at every rebuild
  // (3 times slower, and classes found in React's code).
  std::error_code ec;
  if (!fs::exists(options_.state_dir / ".gitignore", ec)) {
    std::ofstream(options_.state_dir / ".gitignore") << "# hr-orchestrate's state\n*\n";
  }
  postcss_ = std::make_unique<PostcssStyles>(io_, root_);
  builders_.set_postcss(postcss_.get());
}

void Pipeline::refresh_postcss_dependents(const graph::Diff& diff,
                                          std::function<void(std::vector<std::string>)> then) {
  if (!postcss_) return then({});
  std::set<std::string> listed, stale;
  for (graph::NodeId n : diff.changed) listed.emplace(graph_.id(n));
  for (const auto* ids : {&diff.changed, &diff.added, &diff.removed}) {
    for (graph::NodeId n : *ids) {
      for (const auto& style : postcss_->dependents(graph_.id(n))) {
        auto s = graph_.find(style);
        if (s && graph_.node(*s).present && !listed.count(style)) stale.insert(style);
      }
    }
  }
  for (const auto& id : diff.removed) postcss_->remove(std::string(graph_.id(id)));
  if (stale.empty()) return then({});
  for (const auto& style : stale) postcss_->stale(style);
  postcss_->process({stale.begin(), stale.end()}, [then](PostcssStyles::Processed p) {
    // A failed one is built again by this recompile, which reports the error.
    std::vector<std::string> changed = std::move(p.changed);
    changed.insert(changed.end(), p.failed.begin(), p.failed.end());
    then(std::move(changed));
  });
}

}  // namespace hr::orch

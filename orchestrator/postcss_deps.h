// Which stylesheets depend on which app modules through PostCSS: what lets a Tailwind stylesheet
// follow the components it generates classes for.
//
// A PostCSS run reports its dependencies as messages (the convention Vite and postcss-loader
// watch): `dependency` names a file, `dir-dependency` a folder and the glob scanned under it.
// Tailwind v4 reports every file it scanned for class names and every folder its source detection
// covers, so a new component in a scanned folder counts as well as an edited one. This index keeps
// each stylesheet's last reported set, as module ids (paths relative to the app root; files outside
// it and under node_modules are dropped: a package changes with the lockfile), and answers which
// stylesheets a changed module may change.
#pragma once

#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "orchestrator/postcss_worker.h"

namespace hr::orch {

class PostcssDeps {
 public:
  explicit PostcssDeps(std::filesystem::path root);

  // Replaces what `style` depends on with a run's dependency messages (absolute paths).
  void set(const std::string& style, const std::vector<PostcssDep>& deps);
  void remove(const std::string& style);

  // The stylesheets whose last run depended on module `id`: named as a file, or inside a scanned
  // folder and matching its glob. Never `id` itself (a stylesheet's own edit rebuilds it anyway).
  std::set<std::string> dependents(std::string_view id) const;

 private:
  struct Scan {
    std::string dir;  // relative to the root, "" for the root itself
    std::vector<std::string> globs;
  };
  struct Deps {
    std::set<std::string> files;
    std::vector<Scan> scans;
  };
  // `path` as a module id, or "" when it lies outside the root or under node_modules.
  std::string module_id(const std::string& path) const;

  std::filesystem::path root_;
  std::filesystem::path real_root_;  // node reports the real path of its working directory
  std::map<std::string, Deps> deps_;
};

// A glob's `{a,b}` alternatives (nested too, as Tailwind writes them: "{**/*.js,**/*.{md,mdx}}")
// expanded into plain globs for graph::glob_match; at most 512 of them.
std::vector<std::string> expand_braces(std::string_view glob);

}  // namespace hr::orch

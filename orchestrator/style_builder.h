// Builds the app's stylesheets (manifest kind `style`) as the browser gets them: each one bundled
// on its own by esbuild's CSS bundler (css_bundle.h), so its `@import`s are inlined and its
// `url()` files are served as content-hashed assets under /@hr/css/.
//
// A stylesheet is then made of several files. Each build reports them (BuiltStyle::inputs): the
// app files it read (itself, what it @imports, the files its url()s point at), so that an edit of
// any of them rebuilds and updates the stylesheet (StyleIncludes). Files under node_modules are not
// listed: a package changes with the lockfile, which reloads the page anyway.
//
// When the app has a PostCSS config, each stylesheet first goes through PostCSS (postcss_styles.h
// says why before esbuild): esbuild then bundles the PostCSS output of every app stylesheet it
// reads, served from memory by an on-load hook, and a stylesheet PostCSS failed on is not bundled
// (its last good CSS stays served).
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "esbuild_bridge/esbuild.h"
#include "orchestrator/css_bundle.h"
#include "orchestrator/postcss_styles.h"

namespace hr::orch {

inline constexpr const char* kStyleAssetPath = "/@hr/css/";

struct BuiltStyle {
  std::string id;
  std::string css;
  std::vector<std::string> inputs;      // app module ids it was made from, itself included
  std::optional<uint64_t> source_hash;  // of its own file, read before building
};

struct StyleBuild {
  std::vector<BuiltStyle> styles;
  std::vector<std::string> failed;  // ids whose build gave errors: their last good CSS stays
  std::vector<CssAsset> assets;
  std::vector<esbuild::Message> errors;  // locations name module ids
  std::vector<esbuild::Message> warnings;
};

class StyleBuilder {
 public:
  StyleBuilder(esbuild::Service& service, std::filesystem::path root);

  // Builds `ids`, one esbuild build each, all at once. Fails only when esbuild could not be asked.
  void build(std::vector<std::string> ids, esbuild::Callback<StyleBuild> done);

  // Runs stylesheets through PostCSS from now on (nullptr: no more). Not owned.
  void set_postcss(PostcssStyles* postcss) { postcss_ = postcss; }

 private:
  struct Batch;
  // The esbuild part of build(): `result` already holds what PostCSS reported.
  void bundle(std::vector<std::string> ids, StyleBuild result, esbuild::Callback<StyleBuild> done);
  void take(Batch& batch, const std::string& id, const esbuild::BuildResult& r) const;
  esbuild::Plugin plugin() const;

  esbuild::Service& service_;
  std::filesystem::path root_;
  std::filesystem::path real_root_;  // esbuild may report paths with symlinks resolved
  std::filesystem::path outdir_;
  PostcssStyles* postcss_ = nullptr;
};

// Which stylesheets are made of which files: the inputs of each stylesheet's last good build.
class StyleIncludes {
 public:
  void set(const std::string& style, const std::vector<std::string>& inputs);
  void remove(const std::string& style);
  // The stylesheets that include `id`, other than `id` itself.
  std::set<std::string> includers(const std::string& id) const;

 private:
  std::map<std::string, std::vector<std::string>> inputs_;
  std::map<std::string, std::set<std::string>> includers_;
};

}  // namespace hr::orch

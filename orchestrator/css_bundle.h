// A stylesheet as the browser gets it, for the app's stylesheets (style_builder.h) and the ones npm
// packages ship (prebundle.h): esbuild's CSS bundler, as Vite's dev server inlines with
// postcss-import. Every `@import` is inlined: relative files, and npm packages
// (`@import url('@radix-ui/themes/styles.css')` resolves in node_modules when no file of that name
// sits beside the importer). Every `url()` of a file is copied as an asset whose name carries a
// content hash, and the CSS points at it under `public_path`; a changed file is a new URL, so a
// browser never shows a cached old one. Absolute URLs (`url(/logo.png)`, `@import "/x.css"`: the
// app's public folder, served as it is) and `data:` / `http(s):` URLs stay as written.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "esbuild_bridge/esbuild.h"

namespace hr::orch {

// A file a bundled stylesheet points at: served at `url` ("/@hr/css/font-AB12CD34.woff2").
struct CssAsset {
  std::string url;
  std::string contents;
};

// Options that bundle CSS entry points found from `root` into `outdir` (never written: the
// output comes back in memory), with assets named for `public_path` (ends with '/').
esbuild::BuildOptions css_bundle_options(const std::filesystem::path& root,
                                         const std::filesystem::path& outdir,
                                         const std::string& public_path);

// Keeps absolute URLs as written (esbuild would look for them on disk); goes with the options.
esbuild::Plugin css_bundle_plugin();

// The assets among a build's outputs (every output that is not a .css file), at their URLs.
std::vector<CssAsset> css_assets(const std::vector<esbuild::OutputFile>& outputs,
                                 const std::filesystem::path& outdir,
                                 const std::string& public_path);

}  // namespace hr::orch

// Prebundling of npm dependencies: every bare specifier the app imports ("react",
// "react-dom/client", "react/jsx-dev-runtime") becomes one ES module under /@deps/, built once by
// esbuild with code splitting so that react and react-dom share a single copy of React.
//
// esbuild's ESM output of a CommonJS entry exports only `default`; browsers then fail on
// `import { useState } from "react"`. Each specifier is therefore built through a virtual wrapper
// that re-exports the package's named exports explicitly (found by cjs_exports.h).
//
// A specifier that names a stylesheet (`import "@radix-ui/themes/styles.css"`) is bundled as CSS
// instead (css_bundle.h: its @imports inlined, its fonts and images under /@deps/assets/) and
// served at its entry URL as a module that puts the CSS in a <style> element, as an app stylesheet
// imported from JS is.
//
// The result is cached on disk, keyed by the lockfile, package.json, the specifier set and the
// esbuild version: a restart of the orchestrator reuses it without running esbuild.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "common/result.h"
#include "esbuild_bridge/esbuild.h"

namespace hr::orch {

struct DepsRequest {
  std::filesystem::path root;           // the app root; packages resolve from its node_modules
  std::vector<std::string> specifiers;  // bare imports seen in the app
  std::filesystem::path cache_dir;      // e.g. .web/.hr/deps; "" disables the disk cache
};

struct DepFile {
  std::string url;  // "/@deps/react.js", "/@deps/chunk-ABC123.js"
  std::string contents;
};

struct DepsBundle {
  std::string key;                           // names this bundle; part of every entry URL
  std::map<std::string, std::string> entry;  // specifier -> "/@deps/react.js?v=<key>"
  std::vector<DepFile> files;
  bool from_cache = false;
};

// The cache key for a request (hash of lockfiles, package.json, specifiers, esbuild version).
std::string deps_key(const DepsRequest& request);

// The URL an app module imports a specifier from, given the bundle key.
std::string deps_url(const std::string& specifier, const std::string& key);

void prebundle(esbuild::Service& service, DepsRequest request, esbuild::Callback<DepsBundle> done);

}  // namespace hr::orch

// Turns what the builders produced into the bytes the browser receives, following
// docs/hmr-protocol.md: every app module gets the HMR header (its `import.meta.hot`), modules that
// may be React Fast Refresh boundaries get the refresh footer with their hooks signature, a style
// module imported from JS becomes a module that updates its <style> element in place, and the HTML
// shell gets the React Refresh preamble before the app's scripts.
//
// Pure functions of their inputs: the pipeline calls them for the modules that changed only.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace hr::orch {

// The placeholder module builds carry in npm URLs until the dependency bundle's key is known.
inline constexpr std::string_view kDepsKeyPlaceholder = "__HR_DEPS_KEY__";

// The placeholder built code carries after each app import URL ("/utils/state.js?t=__HR_T__"):
// filled at assembly with that module's current version, so every importer served imports the
// same instance of a module (a module never hot-updated has no version: the marker goes away).
inline constexpr std::string_view kVersionPlaceholder = "?t=__HR_T__";

struct ModuleShape {
  std::string_view url_path;  // "/app_components/comp_1.jsx"
  bool refresh_boundary = false;
};

// The current version of a module id (0: never hot-updated).
using VersionOf = std::function<std::uint64_t(std::string_view id)>;

// An app module as served: HMR header, the built code with the deps key and the versions of the
// modules it imports filled in, refresh footer.
std::string assemble_js_module(const ModuleShape& shape, std::string_view built_code,
                               std::string_view deps_key, const VersionOf& version_of = {});

// A style module imported from JS: a module that creates or updates its <style> element.
std::string assemble_css_module(std::string_view url_path, std::string_view css);

// The hooks a module calls, in order ("useState,useEffect"): when it changes between versions,
// React Refresh remounts the module's components rather than reuse mismatched hook state.
std::string hooks_signature(std::string_view code);

// The HTML shell with the React Refresh preamble inserted before its first <script>
// (refresh_runtime_url empty: no preamble, the app runs without Fast Refresh).
std::string assemble_html(std::string_view html, std::string_view refresh_runtime_url);

// JSON string literal of `s`, quotes included.
std::string json_string(std::string_view s);

}  // namespace hr::orch

// Turns what the builders produced into the bytes the browser receives, following
// docs/hmr-protocol.md: every app module gets the HMR header (its `import.meta.hot`), modules that
// may be React Fast Refresh boundaries get the refresh footer with their hooks signature, and each
// ends with its inline source map (source_map.h); a style
// module imported from JS becomes a module that updates its <style> element in place, and the HTML
// shell gets the React Refresh preamble before the app's scripts.
//
// Pure functions of their inputs: the pipeline calls them for the modules that changed only.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace hr::orch {

// The placeholder module builds carry in npm URLs until the dependency bundle's key is known.
inline constexpr std::string_view kDepsKeyPlaceholder = "__HR_DEPS_KEY__";

// The placeholder built code carries after each app import URL ("/utils/state.js?t=__HR_T__"):
// filled at assembly with that module's current version, so every importer served imports the
// same instance of a module (a module never hot-updated has no version: the marker goes away).
inline constexpr std::string_view kVersionPlaceholder = "?t=__HR_T__";

// Where the server serves the HMR client (server::Options::client_path).
inline constexpr std::string_view kClientPath = "/@hr/client.js";

struct ModuleShape {
  std::string_view url_path;  // "/app_components/comp_1.jsx"
  bool refresh_boundary = false;
  std::string_view source_map = {};  // the module's last line: served_source_map(), or "" for none
  // The token of the module's own URL (SiteState::token()), told to the page by the header so it
  // knows which version it holds (docs/hmr-protocol.md "Caching"); "" for none.
  std::string_view token = {};
  // Imported at "/<id>?t=<version>" rather than at its token (SiteState: a lazy import's target):
  // the page must not take its token's URL for its own.
  bool named_by_version = false;
  // The HMR client's URL, as every module and the shell import it ("?v=" + its bytes' token).
  std::string_view client_url = kClientPath;
};

// The current version of a module id (0: never hot-updated).
using VersionOf = std::function<std::uint64_t(std::string_view id)>;
// The query an app import URL gets, given its path ("/a.jsx", "/@hr/url/logo.png"): "?v=<token>"
// for a module served at a URL named by its content, "?t=<version>" for one hot-updated, or "".
using ImportQuery = std::function<std::string(std::string_view import_path)>;
// "?t=<version>" from `version_of`, "" for version 0 (no tokens).
ImportQuery version_query(VersionOf version_of);

// The URL built code imports module `id` at, version placeholder included: "/" + id, or for an
// import through a wrapper (variant "url", "raw" or "inline") "/@hr/<variant>/" + id.
std::string import_url(std::string_view id, std::string_view variant);
// The app modules built code imports lazily, `import("/<id>?t=__HR_T__")`, in order; wrappers
// and npm imports aside. Those are named by version alone (site_state.h): a lazy import's URL must
// not change when its target is built or changes, or one page load could name it twice.
std::vector<std::string> lazy_import_ids(std::string_view built_code);
// The URL path of the wrapper module of `id` for `variant`, no query.
std::string wrapper_path(std::string_view id, std::string_view variant);
// The module id an import URL path names ("/@hr/raw/a.txt" and "/a.txt" both name "a.txt").
std::string_view id_of_import_path(std::string_view url_path);

// A wrapper module: its default export is the value `variant` takes of a module served at
// `url` (with its version query) whose bytes are `bytes` and content type `content_type`.
std::string assemble_wrapper(std::string_view variant, std::string_view url, std::string_view bytes,
                             std::string_view content_type);

// An app module as served: HMR header, the built code with the deps key and the versions of the
// modules it imports filled in, refresh footer, source map comment.
std::string assemble_js_module(const ModuleShape& shape, std::string_view built_code,
                               std::string_view deps_key, const ImportQuery& query_of);
std::string assemble_js_module(const ModuleShape& shape, std::string_view built_code,
                               std::string_view deps_key, const VersionOf& version_of = {});

// The same module split where each import URL begins ("/@hr/client.js", "/@deps/…", "/" + id), so
// that joining the parts with the page's origin gives a module that imports the same instances
// from a data: URL: the update message carries it (docs/hmr-protocol.md), and the page evaluates
// it without a request. Empty when the module is over kInlineCodeMax bytes or its code depends on
// its own URL (import.meta other than `hot`, a dynamic import of a computed specifier).
inline constexpr size_t kInlineCodeMax = 64 * 1024;
// What all the js-updates of one message carry together (an edit of a helper that 2,000 loaded
// components import is 2,000 boundaries): past it, the rest are fetched.
inline constexpr size_t kInlineCodePerUpdate = 1024 * 1024;
std::vector<std::string> assemble_js_module_parts(const ModuleShape& shape,
                                                  std::string_view built_code,
                                                  std::string_view deps_key,
                                                  const ImportQuery& query_of);
std::vector<std::string> assemble_js_module_parts(const ModuleShape& shape,
                                                  std::string_view built_code,
                                                  std::string_view deps_key,
                                                  const VersionOf& version_of = {});

// The comment that ends a served app module: `map_json`, esbuild's source map of its built code,
// moved below the HMR header (source_map_comment()). "" for "".
std::string served_source_map(std::string_view map_json);

// A style module imported from JS: a module that creates or updates its <style> element.
// An npm package's CSS (prebundle.h) gets the same without the HMR header: it never changes under
// a page (a new package set reloads it), and it must not name the client's URL, which changes with
// the binary while the dependency cache keeps the module.
std::string assemble_package_css_module(std::string_view url_path, std::string_view css);
std::string assemble_css_module(std::string_view url_path, std::string_view css,
                                std::string_view token = {},
                                std::string_view client_url = kClientPath,
                                bool named_by_version = false);

// Whether a stylesheet's new text may travel in the update message itself (`css` of a
// css-update), so the page applies it without a request: it is at most kInlineCssMax bytes and
// means the same in a <style> element as at its own URL, that is no url() or @import is relative
// (those would resolve against the page instead of the stylesheet).
inline constexpr size_t kInlineCssMax = 256 * 1024;
bool css_travels_inline(std::string_view css);

// The hooks a module calls, in order ("useState,useEffect"): when it changes between versions,
// React Refresh remounts the module's components rather than reuse mismatched hook state.
std::string hooks_signature(std::string_view code);

// The HTML shell with the React Refresh preamble inserted before its first <script>
// (refresh_runtime_url empty: no preamble, the app runs without Fast Refresh).
std::string assemble_html(std::string_view html, std::string_view refresh_runtime_url);

// `html` with each src="/…" and href="/…" that has no query given the one `query_of` returns for
// its path ("" leaves it): the shell names the app's scripts and stylesheets at their current URLs.
std::string name_versions(std::string_view html,
                          const std::function<std::string(std::string_view path)>& query_of);

// JSON string literal of `s`, quotes included.
std::string json_string(std::string_view s);

}  // namespace hr::orch

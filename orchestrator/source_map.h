// Source maps of the served app modules, so that a breakpoint, and a stack trace DevTools shows,
// point at the line of the file the compiler wrote rather than at the served module.
//
// esbuild writes the map (`--sourcemap=external`: each output "<out>.js" comes with "<out>.js.map",
// and the JS carries no comment pointing at it). Its `sources` name the file relative to the map's
// folder (the output folder), or "hr-module:<id>" for an entry of our namespace (module_builder.h);
// with_file_sources() names it instead by the file's absolute URL, file:///.../.web/app/x.jsx. That
// is the file the compiler wrote, on any build path; it is not a URL the server serves, so DevTools
// keeps the authored file apart from the served module (a `?t=` version of it included), and a
// debugger on the same machine (VS Code's) opens the file itself. `sourcesContent` stays, so
// DevTools never fetches a source.
//
// Each served module carries its own map, inline as its last line (a base64 `data:` URL): a page
// holding an older version of a module also holds that version's map, which a map served at a URL
// of its own could not promise (the server serves the newest module whatever the `?t=`). The map
// is encoded once per build (Pipeline::store), not at each assembly: importers are assembled again
// at every version change.
//
// The served module is the built code with the HMR header above it and the refresh footer below
// (assemble.h); the header moves every line down, so the map's mappings start with one empty line
// (";") per header line. Nothing between esbuild and the browser adds or removes a line: the import
// rewrite (import_rewrite.h) and the versions and deps key filled in at assembly change URLs inside
// lines. Columns after a rewritten URL on its line are off by the change in its length, which
// leaves the line right (what breakpoints and stack traces need).
#pragma once

#include <cstddef>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>

namespace hr::orch {

// The file URL of an absolute path, percent-encoded: "/a b/x.jsx" -> "file:///a%20b/x.jsx".
std::string file_url(const std::filesystem::path& path);

// esbuild's map JSON with each source named by file_url(source_path(source)), except esbuild's
// virtual inputs ("<define:import.meta.env>"), kept as they are; "" when `map_json` is not a JSON
// object.
std::string with_file_sources(
    std::string_view map_json,
    const std::function<std::filesystem::path(std::string_view source)>& source_path);

// The comment that ends a served module: `map_json` with its mappings moved `lines_above` lines
// down, as a base64 data URL ("//# sourceMappingURL=data:application/json;base64,..."). "" when
// `map_json` is empty or not a JSON object.
std::string source_map_comment(std::string_view map_json, std::size_t lines_above);

// Base64 of `bytes` (RFC 4648, padded).
std::string base64(std::string_view bytes);

}  // namespace hr::orch

// Rewriting the import specifiers of a module esbuild built with every import left external.
//
// The fast way to build a module is without plugin callbacks: esbuild marks every import external
// (`--external:*`), keeps each specifier as written, and lists them in the metafile. We then put
// the canonical URL in place of each specifier. esbuild's output is normalized (comments dropped,
// strings in double quotes), so a specifier appears as "spec" right after `from`, `import`,
// `import(` or `require(`; only those occurrences are replaced. A specifier found in no such place
// is an error: the caller then builds the module the slow way, through the on-resolve plugin.
// (A hand-written scan: no lexer of esbuild's output exists as a C++ library.)
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.h"

namespace hr::orch {

// One specifier and what it becomes.
struct SpecifierUrl {
  std::string specifier;
  std::string url;
};

// Returns `code` with each specifier's import-position occurrences replaced by its URL.
Result<std::string> rewrite_imports(std::string_view code, const std::vector<SpecifierUrl>& specs);

// The import specifiers and export names of each output in esbuild's metafile JSON, keyed by the
// output's path relative to the working directory; `entry` is the output's entry point (relative
// too).
struct MetafileOutput {
  std::string path;
  std::string entry;
  std::vector<std::string> imports;  // distinct paths, as written in the source
  std::vector<std::string> exports;  // the names the module exports ("default", "meta")
};
Result<std::vector<MetafileOutput>> read_metafile_outputs(std::string_view metafile_json);

}  // namespace hr::orch

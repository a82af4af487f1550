// The npm packages a module's text imports, and the modules it imports statically, found without
// building it.
//
// With on-demand builds most modules are not built when the dependency bundle is first made, so
// the bundle cannot come from what the builds saw alone: a package first met in a module built
// later would change the bundle, and every page would reload (Vite scans the app for the same
// reason). This reads the bare specifiers of `import ... from "x"`, `import "x"`, `import("x")`
// and `export ... from "x"`, comments skipped; the caller keeps those that name an installed
// package. A miss costs one reload later; a specifier found in a string that is not an import
// costs one package prebundled for nothing.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace hr::orch {

// Every specifier `text` imports, in order: `dynamic` for import("x"), which runs when the code
// decides to (a lazy route), not when the module loads.
struct ScannedImport {
  std::string specifier;
  bool dynamic = false;
};
std::vector<ScannedImport> scan_imports(std::string_view text);

// scan_imports() of the files `root / id`, in the order of `ids`, with the hash of the bytes read
// (graph::content_hash; a file that cannot be read has no imports and `read` false). Read and
// scanned on up to 4 threads: a cold start scans every module of the app, and on a restart that
// was the largest part of the time to serve (2,000 modules: 24 of 30 ms reading and scanning),
// which the scan cache (scan_cache.h) now saves while the module's hash is known.
struct FileScan {
  std::vector<ScannedImport> imports;
  bool read = false;
  std::uint64_t hash = 0;
};
std::vector<FileScan> scan_files(const std::filesystem::path& root,
                                 const std::vector<std::string>& ids);

// The bare specifiers (not "./x", "../x", "/x", or a URL) imported by JavaScript `text`, in order.
std::vector<std::string> bare_imports(std::string_view text);

}  // namespace hr::orch

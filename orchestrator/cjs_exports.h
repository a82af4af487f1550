// The named exports of a CommonJS module, found without running it.
//
// esbuild turns a CommonJS package into an ES module that exports only `default`, so
// `import { useState } from "react"` would fail in the browser. The prebundler therefore wraps each
// CommonJS entry in a module that re-exports its names explicitly, and needs those names. Like
// Node's cjs-module-lexer, we find them lexically: `exports.NAME =`, `module.exports.NAME =`,
// `Object.defineProperty(exports, "NAME", ...)`, and re-exports `module.exports = require("./x")`,
// followed through every branch (React picks its development or production file at run time; both
// export the same names). Hand-written: no C++ library does this.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "common/result.h"

namespace hr::orch {

struct ModuleFormat {
  bool is_commonjs = false;
  std::vector<std::string> named_exports;  // sorted, unique, valid identifiers, never "default"
};

// Reads `file` (and the files it re-exports, relative requires only). An ES module (one with
// `export` statements and no CommonJS exports) reports is_commonjs = false.
Result<ModuleFormat> detect_module_format(const std::filesystem::path& file);

// One file's text: its own names, and the specifiers it re-exports wholesale (appended to
// `reexports`) for the caller to follow.
ModuleFormat scan_commonjs_text(const std::string& text, std::vector<std::string>& reexports);

}  // namespace hr::orch

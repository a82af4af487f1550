// npm packages the app imports that are not installed. They are found before prebundling (a stat
// per package), so the installed rest is bundled and served, and each import of a missing package
// is a compile error at the line and column where its module writes it: on the overlay and in the
// compiler's JSON, rather than a server that will not start or a bundle with nothing in it.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "esbuild_bridge/types.h"

namespace hr::orch {

// The package a specifier names: "@scope/name/sub/path" -> "@scope/name", "name/sub" -> "name".
std::string package_name(std::string_view specifier);

// Whether `node_modules/<package>/package.json` exists in `root` or a folder above it (Node's
// lookup).
bool package_installed(const std::filesystem::path& root, std::string_view package);

// The error for module `id` (under `root`) importing `specifier`, which is not installed: located
// at the specifier's first quoted occurrence in the module's text (line 1, column 0 if not found).
esbuild::Message missing_package_error(const std::filesystem::path& root, const std::string& id,
                                       const std::string& specifier);

}  // namespace hr::orch

// Glob matching for the manifest's `ignore` list ("**/*.map", "public/search/**").
//
// Module ids are paths, so the globs are path globs: `*` and `?` never match '/', and `**` as a
// whole segment matches any number of segments, including none ("a/**/b" matches "a/b"). POSIX
// fnmatch cannot do `**` (without FNM_PATHNAME its `*` crosses '/', with it `**` is just `*`), and
// Boost has no path-glob matcher, hence this small one. A `**` that is not a whole segment acts as
// `*`; a backslash escapes the next character.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace hr::graph {

bool glob_match(std::string_view pattern, std::string_view path);

// True when any pattern matches.
bool glob_match_any(const std::vector<std::string>& patterns, std::string_view path);

}  // namespace hr::graph

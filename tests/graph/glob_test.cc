#include <catch2/catch.hpp>

#include "graph/glob.h"

using hr::graph::glob_match;

TEST_CASE("glob: * matches within one path segment, never across '/'") {
  CHECK(glob_match("*.map", "app.js.map"));
  CHECK_FALSE(glob_match("*.map", "app/app.js.map"));
  CHECK(glob_match("app/*.jsx", "app/root.jsx"));
  CHECK_FALSE(glob_match("app/*.jsx", "app/routes/x.jsx"));
}

TEST_CASE("glob: ? matches exactly one character other than '/'") {
  CHECK(glob_match("a?.js", "ab.js"));
  CHECK_FALSE(glob_match("a?.js", "a.js"));
  CHECK_FALSE(glob_match("a?b", "a/b"));
}

TEST_CASE("glob: ** as a whole segment matches any number of segments, including none") {
  CHECK(glob_match("**/*.map", "x.map"));
  CHECK(glob_match("**/*.map", "a/b/c/x.map"));
  CHECK_FALSE(glob_match("**/*.map", "a/b/x.js"));
  CHECK(glob_match("a/**/b.js", "a/b.js"));
  CHECK(glob_match("a/**/b.js", "a/x/y/b.js"));
  CHECK_FALSE(glob_match("a/**/b.js", "ab.js"));
  CHECK(glob_match("public/search/**", "public/search/index/a.json"));
  CHECK_FALSE(glob_match("public/search/**", "public/other.json"));
  CHECK(glob_match("**", "anything/at/all"));
}

TEST_CASE("glob: ** inside a segment acts as *; backslash escapes") {
  CHECK(glob_match("a**b", "axxb"));
  CHECK_FALSE(glob_match("a**b", "a/b"));
  CHECK(glob_match("\\*.js", "*.js"));
  CHECK_FALSE(glob_match("\\*.js", "a.js"));
}

TEST_CASE("glob: literal text must match exactly") {
  CHECK(glob_match("index.html", "index.html"));
  CHECK_FALSE(glob_match("index.html", "index.htm"));
  CHECK_FALSE(glob_match("index.htm", "index.html"));
}

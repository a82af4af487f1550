// Which stylesheets PostCSS generated from which modules (postcss_deps.h): Tailwind's dependency
// messages, files and scanned folders with brace globs, turned into module ids.
#include "orchestrator/postcss_deps.h"
#include "tests/hr_catch.h"

using namespace hr::orch;

TEST_CASE("brace alternatives expand into plain globs, nested ones too") {
  CHECK(expand_braces("**/*.jsx") == std::vector<std::string>{"**/*.jsx"});
  CHECK(expand_braces("**/*.{js,jsx}") == std::vector<std::string>{"**/*.js", "**/*.jsx"});
  CHECK(expand_braces("{**/*.js,**/*.{md,mdx}}") ==
        std::vector<std::string>{"**/*.js", "**/*.md", "**/*.mdx"});
  CHECK(expand_braces("{a,b}/{c,d}") == std::vector<std::string>{"a/c", "a/d", "b/c", "b/d"});
  CHECK(expand_braces("x{y") == std::vector<std::string>{"x{y"});  // unclosed: literal
}

TEST_CASE("brace expansion is bounded") {
  std::string glob;
  for (int i = 0; i < 12; ++i) glob += "{a,b}";  // 4,096 combinations
  CHECK(expand_braces(glob).size() == 512);
}

TEST_CASE("a stylesheet depends on the files PostCSS named, as module ids") {
  PostcssDeps deps("/app/.web");
  deps.set("styles/tailwind.css", {{"/app/.web/app_components/a.jsx", "", ""},
                                   {"/app/.web/node_modules/tailwindcss/theme.css", "", ""},
                                   {"/elsewhere/b.jsx", "", ""}});
  CHECK(deps.dependents("app_components/a.jsx") == std::set<std::string>{"styles/tailwind.css"});
  CHECK(deps.dependents("app_components/b.jsx").empty());
  CHECK(deps.dependents("node_modules/tailwindcss/theme.css").empty());
}

TEST_CASE("a file in a scanned folder counts when it matches the folder's glob, new files too") {
  PostcssDeps deps("/app/.web");
  deps.set("styles/tailwind.css",
           {{"", "/app/.web/app_components", "**/*.{js,jsx,ts,tsx}"}, {"", "/app/.web", "*.html"}});
  CHECK(deps.dependents("app_components/new/c.jsx") ==
        std::set<std::string>{"styles/tailwind.css"});
  CHECK(deps.dependents("app_components/c.jsx") == std::set<std::string>{"styles/tailwind.css"});
  CHECK(deps.dependents("app_components/c.css").empty());
  CHECK(deps.dependents("app_componentsX/c.jsx").empty());  // a sibling, not inside
  CHECK(deps.dependents("index.html") == std::set<std::string>{"styles/tailwind.css"});
  CHECK(deps.dependents("app/index.html").empty());  // `*` stays in its folder
}

TEST_CASE("a stylesheet never depends on itself, and forgets what it no longer names") {
  PostcssDeps deps("/app/.web");
  deps.set("styles/tailwind.css", {{"", "/app/.web/styles", "**/*.css"}});
  deps.set("styles/other.css", {{"/app/.web/styles/tailwind.css", "", ""}});
  CHECK(deps.dependents("styles/tailwind.css") == std::set<std::string>{"styles/other.css"});
  CHECK(deps.dependents("styles/other.css") == std::set<std::string>{"styles/tailwind.css"});
  deps.set("styles/other.css", {});
  CHECK(deps.dependents("styles/tailwind.css").empty());
  deps.remove("styles/tailwind.css");
  CHECK(deps.dependents("styles/other.css").empty());
}

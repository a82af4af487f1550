// What the browser receives for a module, a style and the HTML shell (docs/hmr-protocol.md).
#include "orchestrator/assemble.h"
#include "tests/hr_catch.h"

using namespace hr::orch;

TEST_CASE("every module starts with its HMR context and gets the deps key filled in") {
  const std::string out = assemble_js_module(
      {"/app/a.jsx", false}, "import x from \"/@deps/react.js?v=__HR_DEPS_KEY__\";\n", "K1");
  CHECK_THAT(out,
             Catch::StartsWith("import { createHotContext as __hr_hot } from \"/@hr/client.js\";\n"
                               "import.meta.hot = __hr_hot(\"/app/a.jsx\");\n"));
  CHECK_THAT(out, Catch::Contains("/@deps/react.js?v=K1"));
  CHECK_THAT(out, !Catch::Contains("__HR_DEPS_KEY__"));
  CHECK_THAT(out, !Catch::Contains("__hr_refresh_module"));
}

TEST_CASE("a refresh boundary ends with the refresh footer carrying its hooks signature") {
  const std::string out = assemble_js_module(
      {"/c.jsx", true}, "const [a] = useState(0); useEffect(() => {}); myuseX();", "");
  CHECK_THAT(out, Catch::EndsWith("window.__hr_refresh_module?.(import.meta.url, import.meta.hot, "
                                  "\"useState,useEffect\");\n"));
}

TEST_CASE("the hooks signature lists hook calls in order and ignores look-alikes") {
  CHECK(hooks_signature("useState(1); x.useMemo(); useAppState(); use(); used(); reuseState();") ==
        "useState,useMemo,useAppState");
  CHECK(hooks_signature("no hooks here") == "");
}

TEST_CASE("a style imported from JS is a module that updates its <style> element in place") {
  const std::string out = assemble_css_module("/s.css", "a { color: red }\n</style>");
  CHECK_THAT(out, Catch::Contains("const __hr_css = \"a { color: red }\\n</style>\";"));
  CHECK_THAT(out, Catch::Contains("__hr_style.textContent = __hr_css;"));
  CHECK_THAT(out, Catch::Contains("import.meta.hot.accept();"));
}

TEST_CASE("the refresh preamble goes before the shell's first script") {
  const std::string html =
      "<html><head><title>x</title></head><body><script type=\"module\" "
      "src=\"/e.js\"></script></body></html>";
  const std::string out = assemble_html(html, "/@deps/react-refresh__runtime.js?v=K");
  const auto preamble =
      out.find("import RefreshRuntime from \"/@deps/react-refresh__runtime.js?v=K\"");
  REQUIRE(preamble != std::string::npos);
  CHECK(preamble < out.find("src=\"/e.js\""));
  CHECK(assemble_html(html, "") == html);
}

TEST_CASE("each imported app module gets its current version, and none when never hot-updated") {
  const std::string built =
      "import { s } from \"/utils/state.js?t=__HR_T__\";\nimport B from '/b.jsx?t=__HR_T__';\n";
  const std::string out = assemble_js_module({"/a.jsx", false}, built, "", [](std::string_view id) {
    return id == "utils/state.js" ? std::uint64_t{1700000000123} : std::uint64_t{0};
  });
  CHECK_THAT(out, Catch::Contains("from \"/utils/state.js?t=1700000000123\";"));
  CHECK_THAT(out, Catch::Contains("from '/b.jsx';"));
  CHECK_THAT(out, !Catch::Contains("__HR_T__"));
}

TEST_CASE("a stylesheet travels inline only when small and with no relative url() or @import") {
  using hr::orch::css_travels_inline;
  CHECK(css_travels_inline(".a { color: red }"));
  CHECK(css_travels_inline(".a { background: url(/@hr/css/dot-1a2b.png) }"));
  CHECK(css_travels_inline(".a { background: url( \"/bg.svg\" ) }"));
  CHECK(css_travels_inline(".a { background: url('data:image/png;base64,AAAA') }"));
  CHECK(css_travels_inline(".a { filter: url(#shadow) }"));
  CHECK(css_travels_inline("@import url(\"https://fonts.example/x.css\");"));
  CHECK_FALSE(css_travels_inline(".a { background: url(dot.png) }"));
  CHECK_FALSE(css_travels_inline(".a { background: url('../img/dot.png') }"));
  CHECK_FALSE(css_travels_inline("@import \"./more.css\";"));
  CHECK_FALSE(css_travels_inline("@import url(more.css);"));
  CHECK_FALSE(css_travels_inline(std::string(hr::orch::kInlineCssMax + 1, ' ')));
}

namespace {

std::string join(const std::vector<std::string>& parts, std::string_view with) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) out += (i ? std::string(with) : "") + parts[i];
  return out;
}

}  // namespace

TEST_CASE(
    "a module travels in parts split at its import URLs: joined with an origin, each is absolute") {
  const std::string built =
      "import { jsx } from \"/@deps/react_jsx-runtime.js?v=__HR_DEPS_KEY__\";\n"
      "import { s } from \"/utils/state.js?t=__HR_T__\";\n"
      "const lazy = () => import(\"/pages/p.jsx?t=__HR_T__\");\n"
      "const text = \"/not/an/import\";\n";
  const hr::orch::ModuleShape shape{"/a.jsx", true};
  const auto version = [](std::string_view id) {
    return id == "utils/state.js" ? std::uint64_t{7} : std::uint64_t{0};
  };
  const auto parts = hr::orch::assemble_js_module_parts(shape, built, "K1", version);
  REQUIRE(parts.size() == 5);  // the client, the npm package, two app modules
  // Joined with nothing it is the module as served; with an origin, every import is absolute.
  CHECK(join(parts, "") == assemble_js_module(shape, built, "K1", version));
  const std::string absolute = join(parts, "http://h:1");
  CHECK_THAT(absolute, Catch::Contains("from \"http://h:1/@hr/client.js\""));
  CHECK_THAT(absolute, Catch::Contains("from \"http://h:1/@deps/react_jsx-runtime.js?v=K1\""));
  CHECK_THAT(absolute, Catch::Contains("from \"http://h:1/utils/state.js?t=7\""));
  CHECK_THAT(absolute, Catch::Contains("import(\"http://h:1/pages/p.jsx\")"));
  CHECK_THAT(absolute, Catch::Contains("\"/not/an/import\""));
}

TEST_CASE("a module whose code depends on its own URL, or is too big, does not travel") {
  using hr::orch::assemble_js_module_parts;
  const hr::orch::ModuleShape shape{"/a.jsx", false};
  CHECK_FALSE(assemble_js_module_parts(shape, "import.meta.hot.accept();", "").empty());
  CHECK(assemble_js_module_parts(shape, "new URL(\"./x.png\", import.meta.url);", "").empty());
  CHECK(assemble_js_module_parts(shape, "import.meta.resolve(\"./x.js\");", "").empty());
  CHECK(assemble_js_module_parts(shape, "const m = import(`./pages/${name}.js`);", "").empty());
  CHECK(assemble_js_module_parts(shape, "import(\"./rel.js?t=__HR_T__\");", "").empty());
  CHECK(assemble_js_module_parts(shape, std::string(hr::orch::kInlineCodeMax, ' '), "").empty());
}

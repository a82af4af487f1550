// SiteState: how a stylesheet is served follows how the built modules import it; a module imported
// lazily is named by version, so its importers' URLs do not follow it.
#include "tests/hr_catch.h"

#include "orchestrator/site_state.h"

using hr::orch::SiteState;

namespace {

SiteState::Module style(std::string css) {
  SiteState::Module m;
  m.is_style = true;
  m.code = std::move(css);
  return m;
}

SiteState::Module importer(std::string dep, std::string variant) {
  SiteState::Module m;
  m.code = "export default 1;\n";
  m.imports = {dep};
  if (!variant.empty()) m.wrapped = {{dep, variant}};
  return m;
}

// The asset served at `path` once the state settled, or null.
const hr::server::Asset* asset(SiteState& s, const std::string& path) {
  s.settle();
  auto it = s.site().modules.find(path);
  return it == s.site().modules.end() ? nullptr : it->second.get();
}

std::string type_of(SiteState& s, const std::string& path) {
  const auto* a = asset(s, path);
  return a ? a->content_type : "";
}

std::string served(SiteState& s, const std::string& path) {
  const auto* a = asset(s, path);
  return a ? a->bytes : "";
}

}  // namespace

TEST_CASE("a stylesheet imported with ?url is served as CSS; imported plainly, as a module") {
  SiteState s;
  s.put_module("styles/global.css", style("body { color: red }"));
  CHECK(type_of(s, "/styles/global.css") == "text/css");  // linked from the HTML
  // React Router's links(): `import href from "./styles/global.css?url"` (Reflex's root).
  s.put_module("app/root.jsx", importer("styles/global.css", "url"));
  CHECK(type_of(s, "/styles/global.css") == "text/css");
  CHECK(s.module("styles/global.css")->css_linked);
  CHECK(s.site().modules.at("/styles/global.css")->bytes == "body { color: red }");
  // `import "./styles/global.css"` in a component: a module that injects it.
  s.put_module("app/widget.jsx", importer("styles/global.css", ""));
  CHECK(type_of(s, "/styles/global.css") == "application/javascript");
  CHECK_FALSE(s.module("styles/global.css")->css_linked);
  s.remove_module("app/widget.jsx");
  CHECK(type_of(s, "/styles/global.css") == "text/css");
  // A later build of the importer that drops the ?url import changes nothing for the style.
  s.put_module("app/root.jsx", importer("styles/other.css", ""));
  CHECK(type_of(s, "/styles/global.css") == "text/css");
}

namespace {

// A JS module whose code imports each of `statics` plainly and each of `lazies` with import(), as
// built code writes them (the version placeholder after each URL).
SiteState::Module js(const std::string& body, const std::vector<std::string>& statics,
                     const std::vector<std::string>& lazies = {}) {
  SiteState::Module m;
  for (const auto& dep : statics) {
    m.code += "import \"/" + dep + std::string(hr::orch::kVersionPlaceholder) + "\";\n";
    m.imports.push_back(dep);
  }
  for (const auto& dep : lazies) {
    m.code += "const later = () => import(\"/" + dep + std::string(hr::orch::kVersionPlaceholder) +
              "\");\n";
    m.imports.push_back(dep);
  }
  m.lazy = hr::orch::lazy_import_ids(m.code);
  m.code += body;
  return m;
}

}  // namespace

TEST_CASE("built code's lazy imports are the app modules import() names") {
  const std::string code = std::string("import a from \"/a.js?t=__HR_T__\";\n") +
                           "import(\"/pages/b.jsx?t=__HR_T__\");\n" +
                           "import(\"/@hr/url/c.png?t=__HR_T__\");\n" +
                           "import(\"/@deps/react.js?v=__HR_DEPS_KEY__\");\n" +
                           "import(\"/d.js?t=__HR_T__\").then(() => 1);\n";
  CHECK(hr::orch::lazy_import_ids(code) == std::vector<std::string>{"pages/b.jsx", "d.js"});
}

TEST_CASE(
    "a module imported lazily is named by version: building or changing it moves no importer") {
  SiteState s;
  s.put_module("main.jsx", js("main();\n", {"boot.js"}, {"page.jsx"}));
  s.put_module("boot.js", js("export const boot = 1;\n", {}));
  s.put_module("shared.js", js("export const x = 1;\n", {}));
  s.settle();
  const std::string main_token = s.token("main.jsx");
  REQUIRE(main_token.size() == 32);
  CHECK(s.named_by_version("page.jsx"));
  CHECK_FALSE(s.named_by_version("shared.js"));
  // Not built yet, then built: the same URL in main.jsx, whose token stays.
  CHECK(served(s, "/main.jsx").find("import(\"/page.jsx\")") != std::string::npos);
  s.take_url_changes();
  s.put_module("page.jsx", js("export default 1;\n", {"shared.js"}));
  s.settle();
  CHECK(s.token("main.jsx") == main_token);
  CHECK(s.url_of("page.jsx") == "/page.jsx");
  // Its header names its token (a page reports it) and says its URL is not that token's.
  CHECK(served(s, "/page.jsx").find("\"" + s.token("page.jsx") + "\", true)") != std::string::npos);
  // A module it imports changes: its token changes, but neither its URL nor main.jsx's moves.
  const std::string page_token = s.token("page.jsx");
  s.take_url_changes();
  s.put_module("shared.js", js("export const x = 2;\n", {}));
  const auto changes = s.take_url_changes();
  CHECK(s.token("page.jsx") != page_token);
  CHECK(s.token("main.jsx") == main_token);
  CHECK(changes.moved.empty());
  CHECK(changes.changed == std::set<std::string>{"/shared.js"});
  // An update re-runs it at a new version: importers name that version.
  s.set_versions({"page.jsx"}, 7);
  CHECK(served(s, "/main.jsx").find("import(\"/page.jsx?t=7\")") != std::string::npos);
  CHECK(s.url_value("page.jsx") == "?t=7");
}

TEST_CASE("a module imported both plainly and lazily is named by version by every importer") {
  SiteState s;
  s.put_module("a.js", js("a();\n", {"c.js"}));
  s.put_module("c.js", js("export const c = 1;\n", {}));
  s.settle();
  const std::string c_token = s.token("c.js");
  CHECK(served(s, "/a.js").find("\"/c.js?v=" + c_token + "\"") != std::string::npos);
  s.take_url_changes();
  // b.js starts importing c.js lazily: a.js names it by version too, and a page holding c.js at
  // its token's URL is told where it went.
  s.put_module("b.js", js("b();\n", {}, {"c.js"}));
  const auto changes = s.take_url_changes();
  CHECK(served(s, "/a.js").find("\"/c.js\"") != std::string::npos);
  REQUIRE(changes.moved.count("/c.js") == 1);
  CHECK(changes.moved.at("/c.js") == "");
  CHECK(changes.moved.count("/a.js") == 1);  // its bytes changed, its own code did not
  // The lazy import goes: back to its token.
  s.remove_module("b.js");
  CHECK_FALSE(s.named_by_version("c.js"));
  CHECK(served(s, "/a.js").find("\"/c.js?v=" + c_token + "\"") != std::string::npos);
}

TEST_CASE("a lazy import its source shows names its target by version before the importer builds") {
  SiteState s;
  // On demand: lazy.js is built on a page's request while note.jsx, which imports it with
  // import(), is not built yet (or came from the browser's cache).
  s.note_lazy_imports("note.jsx", {"lazy.js"});
  s.put_module("lazy.js", js("export const x = 1;\n", {}));
  s.put_module("other.js", js("other();\n", {"lazy.js"}));
  CHECK(served(s, "/other.js").find("\"/lazy.js\"") != std::string::npos);
  CHECK(served(s, "/lazy.js").find("\", true)") != std::string::npos);
  // Built, note.jsx's code says the same: nothing moves.
  s.take_url_changes();
  s.put_module("note.jsx", js("note();\n", {}, {"lazy.js"}));
  CHECK(s.take_url_changes().moved.count("/lazy.js") == 0);
  CHECK(s.named_by_version("lazy.js"));
  s.remove_module("note.jsx");
  CHECK_FALSE(s.named_by_version("lazy.js"));
}

// SiteState: how a stylesheet is served follows how the built modules import it.
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

std::string type_of(SiteState& s, const std::string& path) {
  s.settle();
  auto it = s.site().modules.find(path);
  return it == s.site().modules.end() ? "" : it->second->content_type;
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

// The app's stylesheets and npm packages' CSS through the real esbuild (style_builder.h,
// css_bundle.h, prebundle.h): @imports inlined, url() files served as content-hashed assets,
// public URLs kept, the files a stylesheet is made of reported, errors naming the file.
#include <filesystem>
#include <fstream>

#include "orchestrator/prebundle.h"
#include "orchestrator/style_builder.h"
#include "tests/await_result.h"
#include "tests/hr_catch.h"

using namespace hr::orch;
namespace fs = std::filesystem;
using hr::test::await_result;

namespace {

struct App {
  boost::asio::io_context io;
  std::shared_ptr<hr::esbuild::Service> svc =
      hr::esbuild::Service::create(io, {hr::esbuild::find_esbuild_binary(), HR_ESBUILD_VERSION});
  fs::path root = fs::temp_directory_path() / ("hr-styles-" + std::to_string(getpid()));

  App() {
    REQUIRE(await_result<std::string>(io, [&](auto cb) { svc->start(cb); }));
    fs::remove_all(root);
    fs::create_directories(root / "src/styles");
    fs::create_symlink(fs::path(HR_NPM_DIR) / "node_modules", root / "node_modules");
    std::ofstream(root / "package.json") << "{}";
  }
  ~App() {
    bool stopped = false;
    svc->stop([&] { stopped = true; });
    while (!stopped) io.run_one();
    fs::remove_all(root);
  }
  void write(const std::string& id, const std::string& text) {
    std::ofstream(root / id, std::ios::binary) << text;
  }
  hr::Result<StyleBuild> build(std::vector<std::string> ids) {
    StyleBuilder builder(*svc, root);
    return await_result<StyleBuild>(io, [&](auto cb) { builder.build(ids, cb); });
  }
};

const CssAsset* asset_named(const StyleBuild& b, std::string_view stem) {
  for (const auto& a : b.assets)
    if (a.url.find(stem) != std::string::npos) return &a;
  return nullptr;
}

}  // namespace

TEST_CASE(
    "a stylesheet is bundled: @imports inlined, url() files as hashed assets, public URLs kept") {
  App app;
  app.write("src/App.css",
            "@import \"./styles/theme.css\";\n@import url(\"katex/dist/katex.min.css\");\n"
            ".a { background: url(./dot.png) }\n.b { background: url(/bg.svg) }\n");
  app.write("src/styles/theme.css", "@import \"./tokens.css\";\n.theme { color: green }\n");
  app.write("src/styles/tokens.css", ".tokens { color: blue }\n");
  app.write("src/dot.png", "PNG-1");

  auto r = app.build({"src/App.css"});
  REQUIRE(r);
  REQUIRE(r->errors.empty());
  REQUIRE(r->styles.size() == 1);
  const BuiltStyle& s = r->styles[0];
  CHECK(s.id == "src/App.css");
  CHECK_THAT(s.css, Catch::Contains(".theme") && Catch::Contains(".tokens") &&
                        Catch::Contains("KaTeX_Main") && Catch::Contains("url(/bg.svg)"));
  CHECK_THAT(s.css, !Catch::Contains("@import"));
  // Only the app's files: KaTeX's CSS and fonts come with the lockfile.
  std::vector<std::string> inputs = s.inputs;
  std::sort(inputs.begin(), inputs.end());
  CHECK(inputs == std::vector<std::string>{"src/App.css", "src/dot.png", "src/styles/theme.css",
                                           "src/styles/tokens.css"});
  const CssAsset* dot = asset_named(*r, "/dot-");
  REQUIRE(dot);
  CHECK(dot->url.starts_with(kStyleAssetPath));
  CHECK(dot->contents == "PNG-1");
  CHECK_THAT(s.css, Catch::Contains(dot->url));
  const CssAsset* font = asset_named(*r, "KaTeX_Main-Regular-");
  REQUIRE(font);
  CHECK_THAT(s.css, Catch::Contains(font->url));

  // A changed image is a new URL.
  app.write("src/dot.png", "PNG-2");
  auto again = app.build({"src/App.css"});
  REQUIRE(again);
  const CssAsset* dot2 = asset_named(*again, "/dot-");
  REQUIRE(dot2);
  CHECK(dot2->url != dot->url);
  CHECK_THAT(again->styles.at(0).css, Catch::Contains(dot2->url));
}

TEST_CASE("an @import that does not resolve is an error at the importing file; the rest build") {
  App app;
  app.write("src/b.css", ".b { color: red }\n");
  app.write("src/c.css", "@import \"./missing.css\";\n");
  auto r = app.build({"src/b.css", "src/c.css"});
  REQUIRE(r);
  REQUIRE(r->styles.size() == 1);
  CHECK(r->styles[0].id == "src/b.css");
  CHECK(r->failed == std::vector<std::string>{"src/c.css"});
  REQUIRE(!r->errors.empty());
  REQUIRE(r->errors[0].location);
  CHECK(r->errors[0].location->file == "src/c.css");
  CHECK(r->errors[0].location->line == 1);
  CHECK_THAT(r->errors[0].text, Catch::Contains("missing.css"));
}

TEST_CASE("CSS of an npm package imported from JS prebundles into a module that injects it") {
  App app;
  DepsRequest req{app.root, {"react", "katex/dist/katex.min.css"}, ""};
  auto b = await_result<DepsBundle>(app.io, [&](auto cb) { prebundle(*app.svc, req, cb); });
  REQUIRE(b);
  const auto module = std::find_if(b->files.begin(), b->files.end(), [](const DepFile& f) {
    return f.url == "/@deps/katex__dist__katex.min.css.js";
  });
  REQUIRE(module != b->files.end());
  CHECK(b->entry.at("katex/dist/katex.min.css") ==
        "/@deps/katex__dist__katex.min.css.js?v=" + b->key);
  CHECK_THAT(module->contents, Catch::Contains("KaTeX_Main") && Catch::Contains("__hr_style") &&
                                   Catch::Contains("/@deps/assets/KaTeX_Main-Regular-"));
  const bool font = std::any_of(b->files.begin(), b->files.end(), [](const DepFile& f) {
    return f.url.starts_with("/@deps/assets/KaTeX_Main-Regular-") && f.url.ends_with(".woff2");
  });
  CHECK(font);
}

TEST_CASE("StyleIncludes: who includes a file, forgotten when a stylesheet goes or rebuilds") {
  StyleIncludes inc;
  inc.set("a.css", {"a.css", "t.css", "img.png"});
  inc.set("b.css", {"b.css", "t.css"});
  CHECK(inc.includers("t.css") == std::set<std::string>{"a.css", "b.css"});
  CHECK(inc.includers("a.css").empty());  // itself is not its includer
  inc.set("a.css", {"a.css"});
  CHECK(inc.includers("t.css") == std::set<std::string>{"b.css"});
  CHECK(inc.includers("img.png").empty());
  inc.remove("b.css");
  CHECK(inc.includers("t.css").empty());
}

TEST_CASE("a stylesheet with nothing to bundle is served as written, made of itself alone") {
  App app;
  const std::string plain = ".a { color: red }\n@media (min-width: 40em) { .a { color: blue } }\n";
  app.write("src/plain.css", plain);
  auto b = app.build({"src/plain.css"});
  REQUIRE(b);
  REQUIRE(b->styles.size() == 1);
  CHECK(b->styles[0].css == plain);  // esbuild's bundle would start with a /* src/plain.css */ line
  CHECK(b->styles[0].inputs == std::vector<std::string>{"src/plain.css"});
  CHECK(b->styles[0].source_hash);
}

// The PostCSS worker on the real node with the pinned @tailwindcss/postcss (postcss_worker.h,
// postcss_styles.h), and stylesheets bundled by the real esbuild after PostCSS (style_builder.h):
// Tailwind's CSS generated from the components it scans, its dependency messages, errors with
// file:line:column, a crashed worker replaced at the next call, output kept only when it changed.
#include <signal.h>

#include <filesystem>

#include "orchestrator/embedded_js.h"
#include "orchestrator/postcss_styles.h"
#include "orchestrator/style_builder.h"
#include "tests/await_result.h"
#include "tests/hr_catch.h"
#include "tests/temp_dir.h"

using namespace hr::orch;
namespace fs = std::filesystem;
using hr::test::await_result;

namespace {

// An app root laid out as Reflex's Tailwind v4 plugin lays it out.
struct TailwindApp {
  hr::test::TempDir dir;
  boost::asio::io_context io;

  TailwindApp() {
    fs::create_symlink(fs::path(HR_NPM_DIR) / "node_modules", dir.path() / "node_modules");
    dir.write("package.json", R"({"type": "module"})");
    dir.write("postcss.config.js",
              "export default { plugins: { \"@tailwindcss/postcss\": {} } };\n");
    dir.write("styles/tailwind.css", "@import \"tailwindcss\";\n");
    dir.write("styles/global.css", "@import url('./tailwind.css');\n.own { color: green }\n");
    dir.write("app/a.jsx", "export const A = () => <p className=\"p-8\" />;\n");
  }
  hr::Result<PostcssOutput> run(PostcssWorker& w, const std::string& id, const std::string& css) {
    return await_result<PostcssOutput>(
        io, [&](auto cb) { w.process((dir.path() / id).string(), css, cb); });
  }
  PostcssStyles::Processed process(PostcssStyles& styles, std::vector<std::string> ids) {
    auto r = await_result<PostcssStyles::Processed>(io, [&](auto cb) {
      styles.process(ids, [cb](PostcssStyles::Processed p) { cb(std::move(p)); });
    });
    REQUIRE(r);
    return *r;
  }
};

bool has_dep(const PostcssOutput& out, const std::string& suffix) {
  for (const auto& d : out.deps)
    if ((d.file + d.dir).ends_with(suffix)) return true;
  return false;
}

}  // namespace

TEST_CASE("the worker starts at the first request, not before") {
  TailwindApp app;
  PostcssWorker w(app.io, {"", app.dir.path(), postcss_worker_js()});
  CHECK(w.pid() == -1);
  CHECK(PostcssStyles::has_config(app.dir.path()));
  CHECK_FALSE(PostcssStyles::has_config(app.dir.path() / "app"));
}

TEST_CASE("Tailwind generates the classes of the files it scanned and names them as dependencies") {
  TailwindApp app;
  PostcssWorker w(app.io, {"", app.dir.path(), postcss_worker_js()});
  auto r = app.run(w, "styles/tailwind.css", "@import \"tailwindcss\";\n");
  REQUIRE(r);
  REQUIRE_FALSE(r->error);
  CHECK_THAT(r->css, Catch::Contains(".p-8") && Catch::Contains("@layer utilities"));
  CHECK_THAT(r->css, !Catch::Contains("@import \"tailwindcss\""));
  CHECK((has_dep(*r, "/app/a.jsx") || has_dep(*r, "/app")));
  CHECK(w.pid() > 0);
}

TEST_CASE("a PostCSS error names the file, line and column") {
  TailwindApp app;
  PostcssWorker w(app.io, {"", app.dir.path(), postcss_worker_js()});
  auto r = app.run(w, "styles/broken.css", ".a { color: red;\n  .b {\n");
  REQUIRE(r);
  REQUIRE(r->error);
  CHECK_THAT(r->error->text, Catch::Contains("Unclosed block"));
  REQUIRE(r->error->location);
  CHECK(r->error->location->file == (app.dir.path() / "styles/broken.css").string());
  CHECK(r->error->location->line == 2);
  CHECK(r->error->location->column == 2);  // PostCSS's column 3, counted from 0
}

TEST_CASE("a worker that dies fails its request with the reason; the next request starts another") {
  TailwindApp app;
  PostcssWorker w(app.io, {"", app.dir.path(), postcss_worker_js()});
  std::optional<hr::Result<PostcssOutput>> first;
  w.process((app.dir.path() / "styles/tailwind.css").string(), "@import \"tailwindcss\";\n",
            [&](hr::Result<PostcssOutput> r) { first = std::move(r); });
  const int pid = w.pid();
  REQUIRE(pid > 0);
  ::kill(pid, SIGKILL);
  while (!first) app.io.run_one_for(std::chrono::milliseconds(100));
  REQUIRE_FALSE(*first);
  CHECK_THAT(first->error().message, Catch::Contains("the PostCSS worker exited"));
  auto second = app.run(w, "styles/plain.css", ".a { color: red }\n");
  REQUIRE(second);
  CHECK_THAT(second->css, Catch::Contains("color: red"));
  CHECK(w.pid() != pid);
}

TEST_CASE("a worker that does not answer in time is stopped, and says so") {
  TailwindApp app;
  PostcssWorker w(app.io, {"", app.dir.path(), postcss_worker_js(), std::chrono::milliseconds(1)});
  auto r = app.run(w, "styles/tailwind.css", "@import \"tailwindcss\";\n");
  REQUIRE_FALSE(r);
  CHECK_THAT(r.error().message, Catch::Contains("did not answer within 1 ms"));
  CHECK(w.pid() == -1);
}

TEST_CASE("a stylesheet's output counts as changed only when its bytes changed") {
  TailwindApp app;
  PostcssStyles styles(app.io, app.dir.path());
  auto first = app.process(styles, {"styles/tailwind.css"});
  CHECK(first.changed == std::vector<std::string>{"styles/tailwind.css"});
  REQUIRE(styles.output("styles/tailwind.css"));
  CHECK(styles.dependents("app/a.jsx") == std::set<std::string>{"styles/tailwind.css"});

  // Unchanged text, nothing stale: not run again.
  CHECK(app.process(styles, {"styles/tailwind.css"}).changed.empty());
  // A component edit without a new class: run again, same bytes.
  app.dir.write("app/a.jsx", "export const A = () => <p className=\"p-8\">renamed</p>;\n");
  styles.stale("styles/tailwind.css");
  CHECK(app.process(styles, {"styles/tailwind.css"}).changed.empty());
  // A new class: new bytes.
  app.dir.write("app/a.jsx", "export const A = () => <p className=\"p-8 text-red-600\" />;\n");
  styles.stale("styles/tailwind.css");
  CHECK(app.process(styles, {"styles/tailwind.css"}).changed ==
        std::vector<std::string>{"styles/tailwind.css"});
  CHECK_THAT(*styles.output("styles/tailwind.css"), Catch::Contains(".text-red-600"));
}

TEST_CASE("a PostCSS error is a module's error with its line, and the last good output stays") {
  TailwindApp app;
  PostcssStyles styles(app.io, app.dir.path());
  app.dir.write("styles/own.css", ".a { color: red }\n");
  REQUIRE(app.process(styles, {"styles/own.css"}).failed.empty());
  app.dir.write("styles/own.css", ".a { color: red }\n.b {\n");
  auto p = app.process(styles, {"styles/own.css"});
  CHECK(p.failed == std::vector<std::string>{"styles/own.css"});
  REQUIRE(p.errors.size() == 1);
  REQUIRE(p.errors[0].location);
  CHECK(p.errors[0].location->file == "styles/own.css");
  CHECK(p.errors[0].location->line == 2);
  CHECK(p.errors[0].location->line_text == ".b {");
  CHECK_THAT(*styles.output("styles/own.css"), Catch::Contains("color: red"));
  // Still failing: run again at the next call, not taken as fresh.
  CHECK(app.process(styles, {"styles/own.css"}).failed ==
        std::vector<std::string>{"styles/own.css"});
}

TEST_CASE("esbuild bundles the PostCSS output: Tailwind's CSS inlined where the root imports it") {
  TailwindApp app;
  auto svc = hr::esbuild::Service::create(
      app.io, {hr::esbuild::find_esbuild_binary(), HR_ESBUILD_VERSION, {}});
  REQUIRE(await_result<std::string>(app.io, [&](auto cb) { svc->start(cb); }));
  PostcssStyles styles(app.io, app.dir.path());
  StyleBuilder builder(*svc, app.dir.path());
  builder.set_postcss(&styles);
  auto r = await_result<StyleBuild>(app.io, [&](auto cb) {
    builder.build({"styles/global.css", "styles/tailwind.css"}, cb);
  });
  REQUIRE(r);
  CHECK(r->errors.empty());
  REQUIRE(r->styles.size() == 2);
  for (const auto& s : r->styles) {
    CHECK_THAT(s.css, Catch::Contains(".p-8") && !Catch::Contains("@import"));
    if (s.id == "styles/global.css") CHECK_THAT(s.css, Catch::Contains(".own"));
  }
  bool stopped = false;
  svc->stop([&] { stopped = true; });
  while (!stopped) app.io.run_one();
}

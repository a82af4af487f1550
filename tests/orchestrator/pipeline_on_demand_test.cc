// On-demand builds (pipeline_on_demand.cc), with fake builders and a fake publisher: what is built
// before serving, what a request builds, and a module that changes while nobody holds it.
#include "common/read_file.h"
#include "tests/orchestrator/pipeline_app.h"

using namespace hr;
using test::App;

namespace {

bool served_has(const App& app, const std::string& path, const std::string& text) {
  return app.publisher.served(path).find(text) != std::string::npos;
}

// Asks for `path` as a browser's request does; yields whether the answer came.
bool request(App& app, const std::string& path) {
  bool ready = false;
  app.pipeline->build_on_request(path, [&] { ready = true; });
  app.drain();
  return ready;
}

// app.jsx imports label.js, which imports nothing, and word.js only with import().
void import_word_lazily(App& app) {
  app.write("app.jsx",
            "import { label } from \"./label.js\";\n"
            "export const later = () => import(\"./word.js\");\n"
            "export function App() { return label; }\n");
  app.write("label.js", "export const label = \"label\";\n");
}

}  // namespace

TEST_CASE(
    "on demand, the cold start builds the entries alone and bundles the packages the rest "
    "imports") {
  App app(true);
  app.write("word.js",
            "import \"react-dom/server\";\n// import \"not-installed\";\n"
            "export const word = \"one\";\n");
  app.start();
  REQUIRE(app.builders.module_calls.size() == 1);
  CHECK(app.builders.module_calls[0] == std::vector<std::string>{"main.jsx"});
  CHECK(app.pipeline->unbuilt("/app.jsx"));
  CHECK(app.pipeline->unbuilt("/word.js"));
  CHECK_FALSE(app.pipeline->unbuilt("/main.jsx"));
  CHECK(app.publisher.served("/app.jsx").empty());
  CHECK(app.publisher.site.deps.count("/@deps/react-dom/server.js"));
  CHECK(app.publisher.site.deps.count("/@deps/react-dom/client.js"));
  CHECK(app.publisher.site.deps.size() == 2);  // the commented-out import is no import
}

TEST_CASE("the background build waits while pages that connected load, until loaded or gone") {
  App app(true);
  app.start();
  app.pipeline->on_client_connect(7);
  app.pipeline->on_client_connect(8);
  app.pipeline->start_background();
  auto run_for = [&](auto how_long) {
    app.io.restart();
    app.io.run_for(how_long);
  };
  run_for(std::chrono::milliseconds(600));  // past the quiet time: it would have started
  CHECK(app.builders.module_calls.size() == 1);
  app.pipeline->on_client_message(7, R"({"type": "hr:settled"})");
  run_for(std::chrono::milliseconds(600));
  CHECK(app.builders.module_calls.size() == 1);  // page 8 still loads
  app.pipeline->on_client_disconnect(8);         // and goes before it is loaded
  run_for(std::chrono::seconds(1));
  CHECK(app.builders.module_calls.size() == 2);
  CHECK_FALSE(app.pipeline->unbuilt("/word.js"));
}

TEST_CASE("a page that never says it is loaded holds the background build 5 s at most") {
  App app(true);
  app.start();
  app.pipeline->on_client_connect(7);
  app.pipeline->start_background();
  app.io.restart();
  app.io.run_for(std::chrono::seconds(4));
  CHECK(app.builders.module_calls.size() == 1);
  app.io.restart();
  app.io.run_for(std::chrono::seconds(2));
  CHECK(app.builders.module_calls.size() == 2);
}

TEST_CASE(
    "a restart takes a module's import scan from the scan cache while the manifest gives the "
    "hash it was scanned with") {
  App app(true, true);
  app.write("word.js", "import \"react-dom/server\";\nexport const word = \"one\";\n");
  app.start();
  CHECK(app.publisher.site.deps.count("/@deps/react-dom/server.js"));
  REQUIRE(std::filesystem::exists(app.options.scan_cache));
  // The file changes behind the manifest's back: the restart trusts the hash and reads nothing.
  app.dir.write("word.js", "export const word = \"one\";\n");
  app.restart();
  CHECK(app.publisher.site.deps.count("/@deps/react-dom/server.js"));
  // With the hash the compiler gives for the new bytes, the module is read again.
  app.write("word.js", "export const word = \"one\";\n");
  app.restart();
  CHECK_FALSE(app.publisher.site.deps.count("/@deps/react-dom/server.js"));
  CHECK(app.publisher.site.deps.count("/@deps/react-dom/client.js"));
}

TEST_CASE("a scan cache that is corrupt is ignored: every module is scanned again") {
  App app(true, true);
  app.write("word.js", "import \"react-dom/server\";\nexport const word = \"one\";\n");
  app.start();
  std::string bytes = read_file_or_empty(app.options.scan_cache);
  REQUIRE(bytes.find("react-dom/server") != std::string::npos);
  // A scan says word.js imports nothing, but the checksum no longer matches.
  bytes.replace(bytes.find("react-dom/server"), 16, "react-dom/zzzzzz");
  app.dir.write(".hr/cache/scans", bytes);
  app.restart();
  CHECK(app.publisher.site.deps.count("/@deps/react-dom/server.js"));
  CHECK_FALSE(app.publisher.site.deps.count("/@deps/react-dom/zzzzzz.js"));
}

TEST_CASE("a request for a module not built yet builds it with what it imports, in one build") {
  App app(true);
  app.start();
  CHECK(request(app, "/app.jsx"));
  CHECK(served_has(app, "/app.jsx", "export function App"));
  // The page asks for label.js next, then word.js: they are built with it.
  CHECK(served_has(app, "/label.js", "label:"));
  CHECK(served_has(app, "/word.js", "\"one\""));
  REQUIRE(app.builders.module_calls.size() == 2);
  CHECK(app.builders.module_calls[1] == std::vector<std::string>{"app.jsx", "label.js", "word.js"});
  CHECK(request(app, "/app.jsx"));  // built: answered at once, nothing built
  CHECK(app.builders.module_calls.size() == 2);
}

TEST_CASE(
    "a module edited before anyone asked for it is not built by the recompile; asked for, "
    "it has its new text") {
  App app(true);
  app.start();
  app.publisher.all_requested = false;
  app.publisher.requested = {"/main.jsx"};
  app.write("word.js", "export const word = \"two\";\n");
  const auto r = app.recompile({"word.js"});
  CHECK(r.exit_code() == 0);
  CHECK(r.action == graph::Action::none);
  CHECK(app.builders.module_calls.size() == 1);
  CHECK(request(app, "/word.js"));
  CHECK(served_has(app, "/word.js", "\"two\""));
}

TEST_CASE(
    "a module that changes while its requested build is in flight is built again before "
    "the request is answered") {
  App app(true);
  app.start();
  app.publisher.all_requested = false;
  app.builders.hold = true;
  bool ready = false;
  app.pipeline->build_on_request("/word.js", [&] { ready = true; });
  app.drain();
  REQUIRE(app.builders.held() == 1);
  app.write("word.js", "export const word = \"two\";\n");
  std::optional<orch::RecompileResult> r;
  app.recompile_into({"word.js"}, r);
  app.drain();
  REQUIRE(r);
  app.builders.release();  // the build of the old text: stale
  app.drain();
  CHECK_FALSE(ready);
  CHECK(app.publisher.served("/word.js").empty());
  REQUIRE(app.builders.held() == 1);
  app.builders.release();
  app.drain();
  CHECK(ready);
  CHECK(served_has(app, "/word.js", "\"two\""));
}

TEST_CASE("a module that fails to compile on request answers the request and shows the overlay") {
  App app(true);
  app.start();
  app.write("word.js", "export const word = SYNTAX ERROR;\n");
  CHECK(request(app, "/word.js"));
  CHECK_FALSE(app.pipeline->unbuilt("/word.js"));
  CHECK(app.last_push().at("type") == "error");
  app.write("word.js", "export const word = \"fixed\";\n");
  const auto r = app.recompile({"word.js"});  // a failed module is built at every recompile
  CHECK(r.exit_code() == 0);
  CHECK(served_has(app, "/word.js", "\"fixed\""));
}

TEST_CASE("once requests are quiet, the rest of the app is built in the background") {
  App app(true);
  app.start();
  app.pipeline->start_background();
  app.io.restart();
  app.io.run_for(std::chrono::seconds(2));
  CHECK_FALSE(app.pipeline->unbuilt("/word.js"));
  CHECK(served_has(app, "/word.js", "\"one\""));
  CHECK(served_has(app, "/app.jsx", "export function App"));
  CHECK(app.builders.module_calls.size() == 2);  // the entry, then one background batch
}

TEST_CASE("a background the cache answers at once builds one batch per turn of the event loop") {
  App app(true);
  app.options.background_batch = 1;
  app.restart();
  app.builders.at_once = true;  // as the module cache answers: within build_modules()
  const size_t before = app.builders.module_calls.size();
  app.pipeline->start_background();
  app.io.restart();
  // Handler by handler: the one that builds builds one batch, then the server can read a request.
  while (app.builders.module_calls.size() == before)
    REQUIRE(app.io.run_one_for(std::chrono::seconds(1)) == 1);
  CHECK(app.builders.module_calls.size() == before + 1);
  app.io.run_for(std::chrono::seconds(1));
  CHECK(app.builders.module_calls.size() == before + 3);  // app.jsx, label.js, word.js
  CHECK_FALSE(app.pipeline->unbuilt("/word.js"));
  CHECK(served_has(app, "/app.jsx", "export function App"));
}

TEST_CASE("a request builds the static imports ahead of the page, not the dynamic ones") {
  App app(true);
  import_word_lazily(app);
  app.start();
  CHECK(request(app, "/app.jsx"));
  CHECK(served_has(app, "/label.js", "\"label\""));
  CHECK(app.pipeline->unbuilt("/word.js"));  // loaded when the page calls later()
  CHECK(request(app, "/word.js"));
  CHECK(served_has(app, "/word.js", "\"one\""));
}

TEST_CASE("a request does not wait for the background batch that holds its module") {
  App app(true);
  app.start();
  app.builders.hold = true;
  app.pipeline->start_background();
  app.io.restart();
  app.io.run_for(std::chrono::milliseconds(400));
  REQUIRE(app.builders.held() == 1);  // the background batch, every module
  bool ready = false;
  app.pipeline->build_on_request("/word.js", [&] { ready = true; });
  app.drain();
  REQUIRE(app.builders.held() == 2);
  CHECK(app.builders.module_calls.back() == std::vector<std::string>{"word.js"});
  app.builders.hold = false;
  app.builders.release_newest();
  app.drain();
  CHECK(ready);
  CHECK(served_has(app, "/word.js", "\"one\""));
  app.builders.release();
  app.drain();
  CHECK_FALSE(app.pipeline->unbuilt("/app.jsx"));
}

TEST_CASE("a request waits for every module its module imports, those another request builds too") {
  App app(true);
  app.start();
  app.builders.hold = true;
  bool label_ready = false, app_ready = false;
  app.pipeline->build_on_request("/label.js", [&] { label_ready = true; });
  app.drain();
  REQUIRE(app.builders.held() == 1);  // label.js with word.js
  CHECK(app.pipeline->waits_for_build("/app.jsx"));
  app.pipeline->build_on_request("/app.jsx", [&] { app_ready = true; });
  app.drain();
  REQUIRE(app.builders.held() == 2);
  CHECK(app.builders.module_calls.back() == std::vector<std::string>{"app.jsx"});
  app.builders.release_newest();  // app.jsx is built, label.js is not yet
  app.drain();
  CHECK_FALSE(app_ready);  // served now, it would name label.js at a URL that moves
  app.builders.release();
  app.drain();
  CHECK(label_ready);
  CHECK(app_ready);
  const std::string label = test::served_token(app, "/label.js");
  REQUIRE_FALSE(label.empty());
  CHECK(served_has(app, "/app.jsx", "\"/label.js?v=" + label + "\""));
  CHECK_FALSE(app.pipeline->waits_for_build("/app.jsx"));
}

TEST_CASE("a module built before serving, when asked for, waits for the modules it imports") {
  App app(true);
  app.start();
  CHECK_FALSE(app.pipeline->unbuilt("/main.jsx"));
  CHECK(app.pipeline->waits_for_build("/main.jsx"));
  CHECK(request(app, "/main.jsx"));
  REQUIRE(app.builders.module_calls.size() == 2);
  CHECK(app.builders.module_calls[1] == std::vector<std::string>{"app.jsx", "label.js", "word.js"});
  const std::string token = test::served_token(app, "/app.jsx");
  REQUIRE_FALSE(token.empty());
  CHECK(served_has(app, "/main.jsx", "/app.jsx?v=" + token));
  CHECK_FALSE(app.pipeline->waits_for_build("/main.jsx"));
  CHECK(request(app, "/main.jsx"));  // settled: nothing built
  CHECK(app.builders.module_calls.size() == 2);
}

TEST_CASE(
    "the HTML shell waits for what the entries reach: it names the entry at the URL it keeps") {
  App app(true);
  import_word_lazily(app);
  app.start();
  const std::string served_first = app.publisher.site.html;
  CHECK(app.pipeline->waits_for_build("/"));  // main.jsx's URL moves once app.jsx is built
  CHECK(request(app, "/"));
  CHECK_FALSE(app.pipeline->waits_for_build("/"));
  REQUIRE(app.builders.module_calls.size() == 2);
  CHECK(app.builders.module_calls[1] == std::vector<std::string>{"app.jsx", "label.js"});
  const std::string token = test::served_token(app, "/main.jsx");
  REQUIRE_FALSE(token.empty());
  const std::string html = app.publisher.site.html;
  CHECK(html.find("/main.jsx?v=" + token + "\"") != std::string::npos);
  CHECK(html != served_first);  // what the shell would have named without the wait
  // The rest of the app built (word.js, imported lazily), the shell names the same URL.
  app.pipeline->start_background();
  app.io.restart();
  app.io.run_for(std::chrono::seconds(1));
  CHECK_FALSE(app.pipeline->unbuilt("/word.js"));
  CHECK(app.publisher.site.html == html);
}

TEST_CASE("a built module that an edit makes import an unbuilt module waits for it") {
  App app(true);
  app.write("app.jsx", "export function App() { return \"plain\"; }\n");
  app.start();
  CHECK(request(app, "/app.jsx"));
  CHECK_FALSE(app.pipeline->waits_for_build("/app.jsx"));
  app.write("app.jsx",
            "import { label } from \"./label.js\";\nexport function App() { return label; }\n");
  const auto r = app.recompile({"app.jsx"});
  CHECK(r.exit_code() == 0);
  CHECK(app.pipeline->waits_for_build("/app.jsx"));
  CHECK(app.pipeline->waits_for_build("/main.jsx"));
  CHECK(request(app, "/app.jsx"));
  CHECK_FALSE(app.pipeline->unbuilt("/label.js"));
  CHECK_FALSE(app.pipeline->waits_for_build("/main.jsx"));
}

TEST_CASE("once every module is built and nothing is under way, esbuild is renewed once") {
  App app(true);
  app.start();
  app.pipeline->start_background();
  app.io.restart();
  app.io.run_for(std::chrono::seconds(1));
  CHECK_FALSE(app.pipeline->unbuilt("/word.js"));
  CHECK(app.builders.restarts == 1);
}

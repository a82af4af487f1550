// The URL tokens a restart expects (token_snapshot.h, site_state_expected.cc), through the
// pipeline with fake builders: a restart names the modules it has not built at the URLs the last
// server gave them while nothing they are made of changed, and only then.
#include "orchestrator/token_snapshot.h"
#include "common/read_file.h"
#include "orchestrator/site_state.h"
#include "tests/hr_catch.h"
#include "tests/orchestrator/pipeline_app.h"

namespace hr::orch {
namespace {

using hr::test::App;
using hr::test::query_imported;
using hr::test::served_token;

// An on-demand app whose every module was built, its tokens saved, and the server restarted.
struct Restarted {
  App app{true, true};
  std::map<std::string, std::string> before;  // path -> token in the first server

  explicit Restarted(const std::function<void(App&)>& while_stopped = {}) {
    app.start();
    app.pipeline->start_background();
    app.io.restart();
    app.io.run_for(std::chrono::seconds(2));
    REQUIRE_FALSE(app.pipeline->unbuilt("/word.js"));
    for (const char* p : {"/main.jsx", "/app.jsx", "/label.js", "/word.js"})
      before[p] = served_token(app, p);
    app.pipeline->save_tokens();
    REQUIRE(std::filesystem::exists(app.options.token_snapshot));
    if (while_stopped) while_stopped(app);
    app.restart();
  }
};

std::string token_in_query(const std::string& query) {
  return query.starts_with("?v=") ? query.substr(3) : "";
}

TEST_CASE("a restart names the modules it has not built at the URLs the last server gave them") {
  Restarted r;
  App& app = r.app;
  REQUIRE(app.pipeline->unbuilt("/app.jsx"));
  CHECK(token_in_query(query_imported(app, "/main.jsx", "/app.jsx")) == r.before["/app.jsx"]);
  CHECK(served_token(app, "/main.jsx") == r.before["/main.jsx"]);  // the page's cache holds it
  CHECK(app.publisher.site.html.find("/main.jsx?v=" + r.before["/main.jsx"]) != std::string::npos);
  // Built, they get those very tokens: no URL moved, nothing to tell a page.
  const size_t from = app.publisher.broadcasts.size();
  app.pipeline->start_background();
  app.io.restart();
  app.io.run_for(std::chrono::seconds(2));
  for (const auto& [path, token] : r.before) CHECK(served_token(app, path) == token);
  for (size_t i = from; i < app.publisher.broadcasts.size(); ++i)  // hr:urls, or an update's urls
    CHECK(app.publisher.broadcasts[i].find("urls\"") == std::string::npos);
}

TEST_CASE(
    "after a restart, a request builds its module alone and is answered; the expected ones it "
    "imports are built beside it") {
  Restarted r;
  App& app = r.app;
  const size_t builds = app.builders.module_calls.size();
  // main.jsx names app.jsx at its old URL: served at once, nothing built.
  CHECK_FALSE(app.pipeline->waits_for_build("/main.jsx"));
  app.builders.hold = true;
  bool ready = false;
  app.pipeline->build_on_request("/app.jsx", [&] { ready = true; });
  app.drain();
  REQUIRE(app.builders.held() == 2);
  CHECK(app.builders.module_calls[builds] == std::vector<std::string>{"app.jsx"});
  // A page that holds them in its cache never asks for them: it does not wait for them either.
  CHECK(app.builders.module_calls[builds + 1] == std::vector<std::string>{"label.js", "word.js"});
  app.builders.release();
  app.drain();
  CHECK(ready);
  CHECK(served_token(app, "/app.jsx") == r.before["/app.jsx"]);
  app.builders.release();
  app.drain();
  CHECK_FALSE(app.pipeline->unbuilt("/word.js"));
}

TEST_CASE(
    "a module edited while the server was stopped is expected at no URL, nor is any module "
    "that imports it") {
  Restarted r([](App& app) { app.write("label.js", "export const label = \"new:\";\n"); });
  App& app = r.app;
  CHECK(query_imported(app, "/main.jsx", "/app.jsx").empty());  // app.jsx imports label.js
  CHECK(served_token(app, "/main.jsx") != r.before["/main.jsx"]);
  app.pipeline->start_background();
  app.io.restart();
  app.io.run_for(std::chrono::seconds(2));
  CHECK(served_token(app, "/label.js") != r.before["/label.js"]);
  CHECK(served_token(app, "/word.js") == r.before["/word.js"]);  // below the edit: as it was
}

TEST_CASE(
    "an expectation the build does not meet is a changed URL: pages holding it hear, and what "
    "imports it moves") {
  // The file changes behind the manifest's back (the same hash): the restart expects the old URL.
  Restarted r([](App& app) { app.dir.write("word.js", "export const word = \"three\";\n"); });
  App& app = r.app;
  REQUIRE(token_in_query(query_imported(app, "/main.jsx", "/app.jsx")) == r.before["/app.jsx"]);
  app.pipeline->start_background();
  app.io.restart();
  app.io.run_for(std::chrono::seconds(2));
  CHECK(served_token(app, "/word.js") != r.before["/word.js"]);
  CHECK(served_token(app, "/main.jsx") != r.before["/main.jsx"]);
  // label.js lost its expectation when word.js got another URL, before it was built itself: a
  // page holding its old URL hears where it went too.
  bool told_word = false, told_label = false;
  for (const auto& b : app.publisher.broadcasts) {
    auto m = boost::json::parse(b).as_object();
    if (m.at("type") != "hr:urls") continue;
    told_word |= m.at("changed").as_object().contains("/word.js");
    told_label |= m.at("moved").as_object().contains("/label.js") ||
                  m.at("changed").as_object().contains("/label.js");
  }
  CHECK(told_word);
  CHECK(told_label);
}

TEST_CASE(
    "an expected module that changes before it is built is named at its old URL by no module, "
    "even when no expected module imports it") {
  SiteState s;
  SiteState::Module main;
  main.code = "import \"/w.js" + std::string(kVersionPlaceholder) + "\";\nexport default 1;\n";
  main.imports = {"w.js"};
  s.put_module("main.jsx", main);
  const std::string saved(32, 'a');
  s.expect_tokens({{"w.js", {"f:1", 0, saved, {}}}});  // imports nothing: no importer map
  s.settle();
  const auto served = [&] { return s.site().modules.at("/main.jsx")->bytes; };
  CHECK(served().find("/w.js?v=" + saved) != std::string::npos);
  s.drop_expectation("w.js");  // the compiler wrote it anew
  s.settle();
  CHECK(served().find("/w.js?v=" + saved) == std::string::npos);
  CHECK(served().find("\"/w.js\"") != std::string::npos);
}

TEST_CASE("a saved-tokens file that is corrupt is ignored: the restart expects nothing") {
  Restarted r([](App& app) {
    std::string bytes = read_file_or_empty(app.options.token_snapshot);
    const size_t at = bytes.find("app.jsx");
    REQUIRE(at != std::string::npos);
    bytes[at] = 'b';
    app.dir.write(".hr/cache/tokens", bytes);
  });
  CHECK(query_imported(r.app, "/main.jsx", "/app.jsx").empty());
}

TEST_CASE("a saved token holds while the module's hash and those of all it imports are the same") {
  TokenSnapshot s;
  s.env = "env";
  s.modules["a"] = {"1", 0, "ta", {"b"}};
  s.modules["b"] = {"2", 3, "tb", {"c"}};
  s.modules["c"] = {"3", 0, "tc", {}};
  s.modules["d"] = {"4", 0, "td", {"c"}};
  std::map<std::string, std::string> hashes = {{"a", "1"}, {"b", "2"}, {"c", "3"}, {"d", "4"}};
  auto hash_of = [&](const std::string& id) {
    auto it = hashes.find(id);
    return it == hashes.end() ? nullptr : &it->second;
  };
  bool imports_as_saved = true;
  auto same = [&](const std::string& id, const std::vector<std::string>&) {
    return id != "c" || imports_as_saved;
  };
  CHECK(tokens_still_valid(s, "env", hash_of, same).size() == 4);
  imports_as_saved = false;  // c's text now resolves an import to another module
  CHECK(tokens_still_valid(s, "env", hash_of, same).size() == 0);
  imports_as_saved = true;
  CHECK(tokens_still_valid(s, "other env", hash_of, same).empty());
  hashes["b"] = "2'";
  auto valid = tokens_still_valid(s, "env", hash_of, same);
  CHECK(valid.count("c"));
  CHECK(valid.count("d"));
  CHECK_FALSE(valid.count("b"));
  CHECK_FALSE(valid.count("a"));  // it imports b
  CHECK(valid.at("c").token == "tc");
  hashes["b"] = "2";
  hashes.erase("c");  // gone from the manifest
  CHECK(tokens_still_valid(s, "env", hash_of, same).empty());
  auto file = std::filesystem::temp_directory_path() / ("hr-tokens-" + std::to_string(::getpid()));
  REQUIRE(save_token_snapshot(file, s));
  auto back = load_token_snapshot(file);
  REQUIRE(back);
  CHECK(back->env == "env");
  CHECK(back->modules.at("b").version == 3);
  CHECK(back->modules.at("a").imports == std::vector<std::string>{"b"});
  std::filesystem::remove(file);
}

}  // namespace
}  // namespace hr::orch

// Module URL tokens (site_state.h, pipeline_urls.cc) through the pipeline with fake builders: a
// URL names one content for good, the pages hear where URLs moved, and a page that reports old
// code is reloaded while one that only missed a move is told where its modules went.
#include <regex>

#include "tests/hr_catch.h"
#include "tests/orchestrator/pipeline_app.h"

namespace hr::orch {
namespace {

using hr::test::App;
using hr::test::served_token;
namespace json = boost::json;

json::object parse(const std::string& text) {
  return json::parse(text).as_object();
}

// The URL news broadcast since `from`: hr:urls messages, and the `urls` an update carries.
std::vector<json::object> urls_messages(const App& app, size_t from = 0) {
  std::vector<json::object> out;
  for (size_t i = from; i < app.publisher.broadcasts.size(); ++i) {
    auto m = parse(app.publisher.broadcasts[i]);
    if (m.at("type") == "hr:urls") out.push_back(std::move(m));
    if (m.at("type") == "update" && m.contains("urls")) out.push_back(m.at("urls").as_object());
  }
  return out;
}

std::string report(std::uint64_t seq, const std::string& path, const std::string& token) {
  return json::serialize(
      json::object{{"type", "hr:loaded"}, {"seq", seq}, {"modules", json::object{{path, token}}}});
}

TEST_CASE("an edit gives new URLs to the modules on its chain and moves their importers") {
  App app;
  app.start();
  const std::string app_before = served_token(app, "/app.jsx");
  const std::string main_before = served_token(app, "/main.jsx");
  const std::string style_before = served_token(app, "/style.css");
  REQUIRE(app_before.size() == 32);
  // The shell names the entry and the client at their URLs.
  CHECK(app.publisher.site.html.find("/main.jsx?v=" + main_before) != std::string::npos);
  const size_t from = app.publisher.broadcasts.size();
  app.write("word.js", "export const word = \"two\";\n");
  app.recompile({"word.js"});
  // app.jsx is the boundary: re-run at its new URL. main.jsx only imports it: its URL moved,
  // its own code did not (the first 16 digits of its token, kOwnTokenDigits).
  CHECK(served_token(app, "/app.jsx") != app_before);
  const std::string main_after = served_token(app, "/main.jsx");
  CHECK(main_after != main_before);
  CHECK(main_after.substr(0, kOwnTokenDigits) == main_before.substr(0, kOwnTokenDigits));
  CHECK(served_token(app, "/style.css") == style_before);  // nothing it holds changed
  const auto messages = urls_messages(app, from);
  REQUIRE(messages.size() == 1);
  CHECK(messages[0].at("moved").as_object().at("/main.jsx").as_string() == main_after);
  // The update's modules are not news of the urls message: the update re-runs them.
  CHECK(messages[0].at("changed").as_object().empty());
  CHECK(app.publisher.site.html.find("/main.jsx?v=" + main_after) != std::string::npos);
  // The news rides in the update, not in a message before it (the page takes one message, not
  // two; it counts the news read once that update is applied).
  const auto update = parse(app.publisher.broadcasts.back());
  CHECK(update.at("type") == "update");
  CHECK(update.contains("urls"));
  for (size_t i = from; i < app.publisher.broadcasts.size(); ++i)
    CHECK(parse(app.publisher.broadcasts[i]).at("type") != "hr:urls");
}

TEST_CASE("URL news that no update goes with is a message of its own") {
  App app;
  app.publisher.all_requested = false;  // no page holds a module: the edit updates nothing
  app.start();
  const size_t from = app.publisher.broadcasts.size();
  app.write("word.js", "export const word = \"two\";\n");
  CHECK(app.recompile({"word.js"}).action == graph::Action::none);
  REQUIRE(app.publisher.broadcasts.size() == from + 1);
  const auto news = parse(app.publisher.broadcasts.back());
  CHECK(news.at("type") == "hr:urls");
  CHECK(news.at("moved").as_object().contains("/main.jsx"));
}

TEST_CASE("an update's message goes before the modules that only import its chain are assembled") {
  App app;
  app.start();
  const std::string app_before = served_token(app, "/app.jsx");
  const std::string main_before = served_token(app, "/main.jsx");
  std::string main_at_update, app_at_update;
  app.publisher.on_broadcast = [&](const std::string& m) {
    if (parse(m).at("type") != "update") return;
    main_at_update = app.publisher.served("/main.jsx");
    app_at_update = app.publisher.served("/app.jsx");
  };
  app.write("word.js", "export const word = \"two\";\n");
  app.recompile({"word.js"});
  const std::string app_after = served_token(app, "/app.jsx");
  REQUIRE(app_after != app_before);
  // The update's module is served anew when the message goes; main.jsx, which only imports it,
  // is still the bytes it was (its import names app.jsx's old URL, which serves the new bytes).
  CHECK(app_at_update.find(app_after) != std::string::npos);
  CHECK(main_at_update.find("/app.jsx?v=" + app_before) != std::string::npos);
  // Then it is assembled: it imports app.jsx at its new URL, under its own new token.
  CHECK(app.publisher.served("/main.jsx").find("/app.jsx?v=" + app_after) != std::string::npos);
  CHECK(served_token(app, "/main.jsx") != main_before);
}

TEST_CASE("a page's report: old code reloads it, a missed move is told, news on the way waits") {
  App app;
  app.start();
  app.pipeline->on_client_connect(5);
  REQUIRE(!app.publisher.sent.empty());
  const auto hello = parse(app.publisher.sent.back().second);
  CHECK(hello.at("type") == "hr:urls");
  const auto seq0 = hello.at("seq").to_number<std::uint64_t>();
  const std::string word1 = served_token(app, "/word.js");
  const std::string main1 = served_token(app, "/main.jsx");

  app.write("word.js", "export const word = \"two\";\n");
  app.recompile({"word.js"});
  const auto seq1 = urls_messages(app).back().at("seq").to_number<std::uint64_t>();
  REQUIRE(seq1 > seq0);

  SECTION("a report crossing the message that changed it waits for the page to read it") {
    app.publisher.sent.clear();
    app.pipeline->on_client_message(5, report(seq0, "/word.js", word1));
    CHECK(app.publisher.sent.empty());
  }
  SECTION("old code, reported after the page read the message, reloads that page") {
    app.publisher.sent.clear();
    app.pipeline->on_client_message(5, report(seq1, "/word.js", word1));
    REQUIRE(app.publisher.sent.size() == 1);
    CHECK(app.publisher.sent[0].first == 5);
    const auto reload = parse(app.publisher.sent[0].second);
    CHECK(reload.at("type") == "full-reload");
    CHECK(std::string(reload.at("reason").as_string()).find("/word.js") != std::string::npos);
  }
  SECTION("a module whose URL only moved: the page is told where it went") {
    app.publisher.sent.clear();
    app.pipeline->on_client_message(5, report(seq1, "/main.jsx", main1));
    REQUIRE(app.publisher.sent.size() == 1);
    const auto told = parse(app.publisher.sent[0].second);
    CHECK(told.at("type") == "hr:urls");
    CHECK(told.at("moved").as_object().at("/main.jsx").as_string() ==
          served_token(app, "/main.jsx"));
  }
  SECTION("current code: nothing to say") {
    app.publisher.sent.clear();
    app.pipeline->on_client_message(5, report(seq1, "/word.js", served_token(app, "/word.js")));
    CHECK(app.publisher.sent.empty());
  }
}

TEST_CASE("a module a page reports counts as loaded, though the server never served it") {
  App app;
  app.publisher.all_requested =
      false;  // as after a restart: the page's modules came from its cache
  app.start();
  app.write("word.js", "export const word = \"two\";\n");
  CHECK(app.recompile({"word.js"}).action == graph::Action::none);
  app.pipeline->on_client_message(
      1, json::serialize(json::object{
             {"type", "hr:loaded"},
             {"seq", 0},
             {"modules", json::object{{"/word.js", ""}, {"/label.js", ""}, {"/app.jsx", ""}}}}));
  app.write("word.js", "export const word = \"three\";\n");
  CHECK(app.recompile({"word.js"}).action == graph::Action::js_update);
}

}  // namespace
}  // namespace hr::orch

namespace hr::orch {
namespace {

SiteState::Module js(const std::string& text, const std::vector<std::string>& imports) {
  SiteState::Module m;
  for (const auto& dep : imports)
    m.code += "import \"/" + dep + std::string(kVersionPlaceholder) + "\";\n";
  m.code += "export const text = \"" + text + "\";\n";
  m.imports = imports;
  return m;
}

TEST_CASE(
    "an import cycle: an edit of one member gives every member and their importers new URLs") {
  SiteState s;
  s.put_module("a.js", js("a", {"b.js"}));
  s.put_module("b.js", js("b1", {"a.js"}));
  s.put_module("c.js", js("c", {"a.js"}));
  s.put_module("d.js", js("d", {}));
  s.settle();
  s.take_url_changes();
  const std::string a = s.token("a.js"), b = s.token("b.js"), c = s.token("c.js");
  const std::string d = s.token("d.js");
  REQUIRE(a.size() == 32);
  CHECK(a != b);
  auto served = [&](const std::string& path) { return s.site().modules.at(path)->bytes; };
  CHECK(served("/a.js").find("\"/b.js?v=" + b + "\"") != std::string::npos);
  CHECK(served("/b.js").find("\"/a.js?v=" + a + "\"") != std::string::npos);

  s.put_module("b.js", js("b2", {"a.js"}));
  s.settle();
  CHECK(s.token("b.js") != b);
  CHECK(s.token("a.js") != a);
  CHECK(s.token("c.js") != c);
  CHECK(s.token("d.js") == d);  // imports nothing that changed
  // a.js's own code is the same: only its URL moved.
  CHECK(s.token("a.js").substr(0, kOwnTokenDigits) == a.substr(0, kOwnTokenDigits));
  CHECK(served("/a.js").find("\"/b.js?v=" + s.token("b.js") + "\"") != std::string::npos);
  CHECK(served("/b.js").find("\"/a.js?v=" + s.token("a.js") + "\"") != std::string::npos);
  const auto changes = s.take_url_changes();
  CHECK(changes.changed == std::set<std::string>{"/b.js"});
  CHECK(changes.moved.size() == 2);
  CHECK(changes.moved.at("/a.js") == s.token("a.js"));
  CHECK(changes.moved.at("/c.js") == s.token("c.js"));

  // The same bytes again: the same URLs (a reload after a restart finds them in its cache).
  SiteState again;
  again.put_module("d.js", js("d", {}));
  again.put_module("c.js", js("c", {"a.js"}));
  again.put_module("b.js", js("b2", {"a.js"}));
  again.put_module("a.js", js("a", {"b.js"}));
  again.settle();
  for (const char* id : {"a.js", "b.js", "c.js", "d.js"}) CHECK(again.token(id) == s.token(id));
}

}  // namespace
}  // namespace hr::orch

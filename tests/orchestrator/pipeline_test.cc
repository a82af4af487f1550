// The pipeline's rules, with fake builders and a fake publisher (no esbuild, no sockets): what a
// recompile builds, what it serves and what it pushes, through bursts, compile errors, a builder
// that crashes, and pages acknowledging.
#include "tests/orchestrator/pipeline_app.h"

using namespace hr;
namespace json = boost::json;

using test::App;
using test::query_imported;
using test::served_token;

TEST_CASE("cold start builds every module once and publishes the site; nothing is pushed") {
  App app;
  app.start();
  REQUIRE(app.builders.module_calls.size() == 1);
  CHECK(app.builders.module_calls[0].size() == 4);
  CHECK(app.publisher.served("/word.js").find("\"one\"") != std::string::npos);
  CHECK(app.publisher.served("/style.css") == "body { color: red }\n");
  CHECK(app.publisher.broadcasts.empty());
}

TEST_CASE(
    "an edit two modules below the boundary reaches it: every module on the chain imports "
    "the new version") {
  App app;
  app.start();
  const std::string label_before = served_token(app, "/label.js");
  const std::string word_before = served_token(app, "/word.js");
  app.write("word.js", "export const word = \"two\";\n");
  const auto r = app.recompile({"word.js"});
  CHECK(r.action == graph::Action::js_update);
  CHECK(r.exit_code() == 0);
  CHECK(app.builders.module_calls.back() == std::vector<std::string>{"word.js"});
  const auto push = app.last_push();
  CHECK(push.at("type") == "update");
  const auto& updates = push.at("updates").as_array();
  REQUIRE(updates.size() == 1);
  CHECK(updates[0].at("path") == "/app.jsx");
  // The boundary is re-imported at its new URL: it must import label.js at a new URL, and
  // label.js word.js, or the page re-runs the boundary against the old word.js (the stale-code
  // bug). Each URL's token is the one the module's own header names.
  CHECK(updates[0].at("url").as_string() == "/app.jsx?v=" + served_token(app, "/app.jsx"));
  CHECK(query_imported(app, "/app.jsx", "/label.js") == "?v=" + served_token(app, "/label.js"));
  CHECK(query_imported(app, "/label.js", "/word.js") == "?v=" + served_token(app, "/word.js"));
  CHECK(served_token(app, "/label.js") != label_before);
  CHECK(served_token(app, "/word.js") != word_before);
  CHECK(!label_before.empty());
  // The entry is served at its plain path (the HTML names it) and imports app.jsx's new URL.
  CHECK(served_token(app, "/main.jsx") != "");
  CHECK(query_imported(app, "/main.jsx", "/app.jsx") == "?v=" + served_token(app, "/app.jsx"));
  CHECK(app.publisher.served("/word.js").find("\"two\"") != std::string::npos);
}

TEST_CASE("the answer says when the pages were sent the update, and nothing when none was") {
  App app;
  app.start();
  const auto same = app.recompile({"word.js"});  // the same bytes: nothing to send
  CHECK(same.action == graph::Action::none);
  CHECK(same.timings.message_ms < 0);
  CHECK(same.to_json().find("\"message\":") == std::string::npos);
  app.write("word.js", "export const word = \"two\";\n");
  const auto r = app.recompile({"word.js"});
  REQUIRE(r.action == graph::Action::js_update);
  CHECK(r.timings.message_ms >= 0);
  CHECK(r.timings.message_ms <= r.timings.total_ms);
  CHECK(r.to_json().find("\"message\":") != std::string::npos);
}

TEST_CASE("a js-update carries its boundary's code as served at the new version, in parts") {
  App app;
  app.start();
  app.write("word.js", "export const word = \"three\";\n");
  app.recompile({"word.js"});
  const auto push = app.last_push();
  const auto& update = push.at("updates").as_array().at(0).as_object();
  REQUIRE(update.contains("code"));
  std::string joined;
  for (const auto& part : update.at("code").as_array()) joined += part.as_string();
  // What the page would fetch at ?t=T, importing label.js at that version.
  CHECK(joined == app.publisher.served("/app.jsx"));
  CHECK(update.at("code").as_array().size() > 1);  // split at its import URLs
}

TEST_CASE("recompiles that arrive during a build merge into one run; every caller is answered") {
  App app;
  app.start();
  app.builders.hold = true;
  std::optional<orch::RecompileResult> first, second, third;
  app.write("word.js", "export const word = \"two\";\n");
  app.recompile_into({"word.js"}, first);
  app.drain();
  REQUIRE(app.builders.held() == 1);
  app.write("label.js", "import { word } from \"./word.js\";\nexport const label = word;\n");
  app.recompile_into({"label.js"}, second);
  app.write("word.js", "export const word = \"three\";\n");
  app.recompile_into({"word.js"}, third);
  app.drain();
  CHECK(app.builders.held() == 1);  // the two later calls wait for the first
  app.builders.release();
  app.drain();
  REQUIRE(first);
  CHECK(first->merged == 1);
  REQUIRE(app.builders.held() == 1);
  CHECK(app.builders.module_calls.back() == std::vector<std::string>{"label.js", "word.js"});
  app.builders.release();
  app.drain();
  REQUIRE(second);
  REQUIRE(third);
  CHECK(second->build == "4");
  CHECK(third->build == "4");
  CHECK(third->merged == 2);
  CHECK(app.builders.module_calls.size() == 3);  // cold start, first run, merged run
  CHECK(app.publisher.served("/word.js").find("\"three\"") != std::string::npos);
}

TEST_CASE(
    "a module that fails to compile keeps its last good code and the overlay stands until "
    "the fix") {
  App app;
  app.start();
  app.write("word.js", "export const word = SYNTAX ERROR;\n");
  auto r = app.recompile({"word.js"});
  CHECK(r.exit_code() == 1);
  REQUIRE(r.errors.size() == 1);
  CHECK(r.errors[0].location->file == "word.js");
  CHECK(app.last_push().at("type") == "error");
  CHECK(app.publisher.served("/word.js").find("\"one\"") != std::string::npos);

  // A page that connects now gets the number of the last hr:urls, then the overlay at once.
  app.pipeline->on_client_connect(7);
  REQUIRE(app.publisher.sent.size() == 2);
  CHECK(app.publisher.sent[0].second.find("\"type\":\"hr:urls\"") != std::string::npos);
  CHECK(app.publisher.sent[1].second.find("\"type\":\"error\"") != std::string::npos);

  // An unrelated recompile builds the broken module again and still reports it.
  app.write("style.css", "body { color: blue }\n");
  r = app.recompile({"style.css"});
  CHECK(app.builders.module_calls.back() == std::vector<std::string>{"word.js"});
  CHECK(r.exit_code() == 1);

  app.write("word.js", "export const word = \"fixed\";\n");
  r = app.recompile({"word.js"});
  CHECK(r.exit_code() == 0);
  CHECK(r.action == graph::Action::js_update);
  CHECK(app.last_push().at("type") == "update");
  CHECK(app.publisher.served("/word.js").find("\"fixed\"") != std::string::npos);
  app.pipeline->on_client_connect(8);
  REQUIRE(app.publisher.sent.size() == 3);  // hr:urls, and no overlay for the new page
  CHECK(app.publisher.sent[2].second.find("\"type\":\"hr:urls\"") != std::string::npos);
}

TEST_CASE("a fix that changes nothing else still clears the overlay") {
  App app;
  app.start();
  app.write("word.js", "export const word = SYNTAX ERROR;\n");
  app.recompile({"word.js"});
  app.write("word.js", "export const word = \"one\";\n");
  const auto r = app.recompile({"word.js"});
  CHECK(r.exit_code() == 0);
  CHECK(app.last_push().at("type") == "update");
}

TEST_CASE("a builder that dies under a build is restarted and the build runs once more") {
  App app;
  app.start();
  app.builders.crashes = 1;
  app.write("word.js", "export const word = \"two\";\n");
  const auto r = app.recompile({"word.js"});
  CHECK(app.builders.restarts == 1);
  CHECK(r.exit_code() == 0);
  CHECK(r.action == graph::Action::js_update);
  CHECK(app.publisher.served("/word.js").find("\"two\"") != std::string::npos);
}

TEST_CASE(
    "a builder that cannot be restarted fails the call as the server's; the next recompile "
    "builds the modules whatever its hint says") {
  App app;
  app.start();
  app.builders.crashes = 1;
  app.builders.restartable = false;
  app.write("word.js", "export const word = \"two\";\n");
  auto r = app.recompile({"word.js"});
  CHECK(r.exit_code() == 3);
  CHECK(!r.server_error.empty());
  CHECK(app.publisher.served("/word.js").find("\"one\"") != std::string::npos);

  app.builders.restartable = true;
  app.builders.restart([](Result<std::string>) {});
  r = app.recompile({});  // the compiler wrote nothing new
  CHECK(r.exit_code() == 0);
  CHECK(app.builders.module_calls.back() == std::vector<std::string>{"word.js"});
  CHECK(r.action == graph::Action::js_update);
  CHECK(app.publisher.served("/word.js").find("\"two\"") != std::string::npos);
}

TEST_CASE("a build that failed because esbuild could not start is not retried on a new one") {
  App app;
  app.start();
  app.builders.unstartable = 1;
  app.write("word.js", "export const word = \"two\";\n");
  const auto r = app.recompile({"word.js"});
  CHECK(app.builders.restarts == 0);
  CHECK(r.exit_code() == 3);
  CHECK(r.server_error.find("did not start") != std::string::npos);
}

TEST_CASE("a reload held back by a compile error goes out with the fix") {
  App app;
  app.start();
  app.dir.write(".env", "VITE_TITLE=hello\n");
  app.write("word.js", "export const word = SYNTAX ERROR;\n");
  auto r = app.recompile({"word.js"});
  CHECK(r.action == graph::Action::none);
  CHECK(r.reason.find("the reload waits for the fix") != std::string::npos);
  app.write("word.js", "export const word = \"two\";\n");
  r = app.recompile({"word.js"});
  CHECK(r.action == graph::Action::full_reload);
  CHECK(r.reason.find("import.meta.env changed") != std::string::npos);
  CHECK(app.last_push().at("type") == "full-reload");
}

TEST_CASE("a recompile with nothing changed builds and pushes nothing") {
  App app;
  app.start();
  const auto r = app.recompile({"word.js"});
  CHECK(r.action == graph::Action::none);
  CHECK(app.builders.module_calls.size() == 1);
  CHECK(app.publisher.broadcasts.empty());
}

TEST_CASE("a call waiting for pages is answered once every connected page applied the push") {
  App app;
  app.start();
  app.publisher.clients = 2;
  app.write("word.js", "export const word = \"two\";\n");
  auto r = app.recompile({"word.js"});
  std::optional<orch::RecompileResult> applied;
  app.pipeline->wait_applied(r, 60000, [&](orch::RecompileResult a) { applied = std::move(a); });
  const std::string ack = R"({"type": "hr:applied", "ok": true, "build": ")" + r.build + "\"}";
  app.pipeline->on_client_message(1, ack);
  app.drain();
  CHECK_FALSE(applied);
  app.pipeline->on_client_message(1, R"({"type": "hr:applied", "ok": true, "build": "1"})");
  app.drain();
  CHECK_FALSE(applied);  // an answer to an older push does not count
  app.pipeline->on_client_message(2, ack);
  app.drain();
  REQUIRE(applied);
  CHECK(applied->acknowledged == 2);
}

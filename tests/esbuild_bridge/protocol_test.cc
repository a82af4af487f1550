// The typed requests and answers: every field esbuild's Go side type-asserts is present with the
// right type, and esbuild's answers are read defensively.
#include "tests/hr_catch.h"

#include "esbuild_bridge/protocol.h"

using namespace hr::esbuild;

namespace {
const Value& at(const Value& v, const char* key) {
  const Value* f = v.find(key);
  REQUIRE(f);
  return *f;
}
}  // namespace

TEST_CASE("a build request carries every field esbuild reads, with esbuild's types") {
  BuildOptions o;
  o.entry_points = {"a.js"};
  o.abs_working_dir = "/w";
  o.flags = {"--bundle"};
  Plugin p;
  p.on_resolve.push_back({"^\\./", "", nullptr});
  p.on_load.push_back({".*", "mem", nullptr});
  const Value r = protocol::build_request(3, o, &p, true);
  CHECK(*at(r, "command").as_string() == "build");
  CHECK(*at(r, "key").as_int() == 3);
  CHECK(*at(r, "write").as_bool() == false);
  CHECK(*at(r, "context").as_bool() == true);
  CHECK(at(r, "stdinContents").is_null());
  CHECK(at(r, "nodePaths").as_array());
  CHECK(*at(r, "absWorkingDir").as_string() == "/w");
  const auto& entry = at(r, "entries").as_array()->at(0);
  CHECK(*entry.as_array()->at(1).as_string() == "a.js");
  const auto& flags = *at(r, "flags").as_array();
  CHECK(*flags.front().as_string() == "--log-level=silent");
  CHECK(*flags.back().as_string() == "--bundle");
  const auto& plugin = at(r, "plugins").as_array()->at(0);
  CHECK(*at(plugin, "onEnd").as_bool() == false);
  CHECK(*at(at(plugin, "onResolve").as_array()->at(0), "id").as_int() == 0);
  CHECK(*at(at(plugin, "onLoad").as_array()->at(0), "id").as_int() == 1);  // after resolve hooks
  CHECK(*at(at(plugin, "onLoad").as_array()->at(0), "namespace").as_string() == "mem");
}

TEST_CASE("stdin contents are sent as bytes") {
  BuildOptions o;
  o.stdin_contents = "export {}";
  const Value r = protocol::build_request(0, o, nullptr, false);
  CHECK(at(r, "stdinContents").as_bytes());
}

TEST_CASE("a build request without a plugin has no plugins field") {
  const Value r = protocol::build_request(0, BuildOptions{}, nullptr, false);
  CHECK(r.find("plugins") == nullptr);
}

TEST_CASE("on-load contents always go back as bytes, never as a string") {
  OnLoadResult res;
  res.contents = "export const x = 1";
  const Value v = protocol::on_load_response(4, res);
  CHECK(at(v, "contents").as_bytes());
  CHECK(*at(v, "id").as_int() == 4);
}

TEST_CASE("messages we send carry all the fields esbuild's decodeMessages asserts") {
  Message m;
  m.text = "boom";
  m.location = Location{"a.js", "", 3, 4, 1, "let x = ;", ""};
  const Value v = protocol::encode_messages({m});
  const Value& msg = v.as_array()->at(0);
  for (const char* field : {"id", "pluginName", "text"}) CHECK(at(msg, field).as_string());
  CHECK(at(msg, "notes").as_array());
  CHECK(*at(msg, "detail").as_int() == -1);
  const Value& loc = at(msg, "location");
  for (const char* field : {"file", "namespace", "lineText", "suggestion"})
    CHECK(at(loc, field).as_string());
  for (const char* field : {"line", "column", "length"}) CHECK(at(loc, field).as_int());
}

TEST_CASE("a build result is read with its messages, files and locations") {
  Value response = Map{
      {"errors",
       Array{Map{{"id", ""},
                 {"pluginName", ""},
                 {"text", "Unexpected \";\""},
                 {"location",
                  Map{{"file", "a.js"}, {"line", 2}, {"column", 8}, {"lineText", "let x = ;"}}},
                 {"notes", Array{}}}}},
      {"warnings", Array{}},
      {"outputFiles", Array{Map{{"path", "/o/a.js"}, {"contents", Bytes{"x"}}, {"hash", "H"}}}}};
  auto r = protocol::decode_build_result(response);
  REQUIRE(r);
  REQUIRE(r->errors.size() == 1);
  CHECK(format_message(r->errors[0]) == "a.js:2:8: Unexpected \";\"");
  CHECK(r->errors[0].location->line_text == "let x = ;");
  REQUIRE(r->output_files.size() == 1);
  CHECK(r->output_files[0].contents == "x");
}

TEST_CASE("a mistyped field in esbuild's answer is an error naming the field") {
  auto r = protocol::decode_build_result(Map{{"errors", "nope"}});
  REQUIRE_FALSE(r);
  CHECK_THAT(r.error().message, Catch::Contains("\"errors\" is not an array"));
  auto f = protocol::decode_build_result(Map{{"outputFiles", Array{Map{{"path", "/a"}}}}});
  REQUIRE_FALSE(f);
  CHECK_THAT(f.error().message, Catch::Contains("missing \"contents\""));
}

// The manifest reader: manifest-v1.md, field by field. Every violation names its JSON pointer.
#include <catch2/catch.hpp>

#include "test_util.h"
#include "tests/temp_dir.h"

using namespace hr::graph;
using namespace hr::graph::test;
using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;

namespace {

// A valid manifest with one field replaced by `value` (raw JSON); "modules" entries via `mods`.
std::string with(const std::string& field, const std::string& value) {
  std::string base = R"({"version":1,"entries":["a.js"],"modules":[{"id":"a.js"}])";
  return base + ",\"" + field + "\":" + value + "}";
}

std::string module_with(const std::string& fields) {
  return R"({"version":1,"entries":[],"modules":[{"id":"a.js"},{)" + fields + "}]}";
}

const char* kSpecExample = R"({
  "version": 1,
  "build": "42",
  "entries": ["app/entry.client.jsx"],
  "resolve": { "alias": { "$": "." } },
  "backend": "http://127.0.0.1:8000",
  "changed": ["app_components/counter.jsx"],
  "modules": [
    { "id": "app/entry.client.jsx", "kind": "entry", "imports": ["app/root.jsx"] },
    { "id": "app/root.jsx", "kind": "module", "imports": ["utils/state.js", "styles/global.css", "app/routes/_index.jsx"] },
    { "id": "app/routes/_index.jsx", "kind": "page", "route": "/", "imports": ["app_components/counter.jsx"], "hash": "9c1f0e2a" },
    { "id": "app_components/counter.jsx", "kind": "component", "imports": ["utils/state.js"], "hash": "77ab01de" },
    { "id": "utils/state.js", "kind": "module", "imports": [] },
    { "id": "styles/global.css", "kind": "style" }
  ]
})";

}  // namespace

TEST_CASE("manifest: the spec's example parses with every field") {
  Manifest m = parse_ok(kSpecExample, "/srv/app/.web");
  CHECK(m.build == "42");
  CHECK(m.backend == "http://127.0.0.1:8000");
  REQUIRE(m.entries.size() == 1);
  CHECK(m.entries[0] == "app/entry.client.jsx");
  REQUIRE(m.modules.size() == 6);
  REQUIRE(m.changed);
  CHECK(*m.changed == std::vector<std::string_view>{"app_components/counter.jsx"});
  const ModuleSpec* page = m.find("app/routes/_index.jsx");
  REQUIRE(page);
  CHECK(page->kind == Kind::page);
  CHECK(page->route == "/");
  CHECK(page->has_hash);
  CHECK(page->hash == "9c1f0e2a");
  CHECK(m.imports_of(*page).size() == 1);
  CHECK(m.imports_of(*m.find("app/root.jsx")).size() == 3);
  REQUIRE(m.alias.size() == 1);
  CHECK(m.alias[0].prefix == "$");
  CHECK(m.alias[0].target == "");  // "." normalized: root itself
  CHECK(m.warnings.empty());
}

TEST_CASE("manifest: optional fields take the spec's defaults") {
  Manifest m = parse_ok(R"({"version":1,"entries":[],"modules":[{"id":"a.js"}]})", "/srv/.web");
  CHECK(m.root == std::filesystem::path("/srv/.web"));
  CHECK(m.html == "index.html");
  CHECK(m.public_dir == "public");
  CHECK(m.extensions == std::vector<std::string_view>{".js", ".jsx", ".ts", ".tsx", ".mjs"});
  CHECK_FALSE(m.changed);
  CHECK(m.removed.empty());
  CHECK(m.modules[0].kind == Kind::module);
  CHECK_FALSE(m.modules[0].has_hash);
}

TEST_CASE("manifest: accept defaults to true for page, component and style only") {
  Manifest m = parse_ok(R"({"version":1,"entries":[],"modules":[
    {"id":"e.js","kind":"entry"},{"id":"p.jsx","kind":"page"},{"id":"c.jsx","kind":"component"},
    {"id":"m.js","kind":"module"},{"id":"s.css","kind":"style"},{"id":"i.png","kind":"asset"},
    {"id":"x.js","accept":true},{"id":"y.jsx","kind":"page","accept":false}]})");
  CHECK_FALSE(m.find("e.js")->accept);
  CHECK(m.find("p.jsx")->accept);
  CHECK(m.find("c.jsx")->accept);
  CHECK_FALSE(m.find("m.js")->accept);
  CHECK(m.find("s.css")->accept);
  CHECK_FALSE(m.find("i.png")->accept);
  CHECK(m.find("x.js")->accept);
  CHECK_FALSE(m.find("y.jsx")->accept);
}

TEST_CASE("manifest: root is resolved against the manifest's folder") {
  Manifest m = parse_ok(with("root", R"("../app/")"), "/srv/project/.web");
  CHECK(m.root == std::filesystem::path("/srv/project/app"));
  Manifest abs = parse_ok(with("root", R"("/opt/app")"), "/srv/project/.web");
  CHECK(abs.root == std::filesystem::path("/opt/app"));
}

TEST_CASE("manifest: fields this version does not define are ignored at any level") {
  Manifest m = parse_ok(R"({"version":1,"future":{"x":[1,2]},"entries":["a.js"],
    "resolve":{"mode":"strict"},"modules":[{"id":"a.js","color":"blue","imports":[]}]})");
  CHECK(m.modules.size() == 1);
}

TEST_CASE("manifest: imports of ids that are not modules are accepted (apply warns)") {
  Manifest m = parse_ok(module_with(R"("id":"b.js","imports":["gone.js"])"));
  CHECK(m.imports_of(*m.find("b.js")).front() == "gone.js");
  CHECK(m.warnings.empty());
}

TEST_CASE("manifest error: text that is not JSON names line and column") {
  CHECK_THAT(parse_error("{\n  \"version\": 1,,\n}"), StartsWith("invalid JSON at line 2, column"));
  CHECK_THAT(parse_error(""), StartsWith("invalid JSON"));
}

TEST_CASE("manifest error: the top level must be an object") {
  CHECK(parse_error("[1]") == "/: expected a JSON object");
}

TEST_CASE("manifest error: only text that is not JSON is unparsable (may be read again)") {
  auto cut = parse_manifest(R"({"version": 1, "entries": [)", "/app");
  REQUIRE_FALSE(cut.has_value());
  CHECK(cut.error().kind == hr::ErrorKind::unparsable);
  auto wrong = parse_manifest(R"({"version": 2, "entries": [], "modules": []})", "/app");
  REQUIRE_FALSE(wrong.has_value());
  CHECK(wrong.error().kind == hr::ErrorKind::failed);
}

TEST_CASE("manifest error: reading a file keeps the kind under the file's name") {
  hr::test::TempDir dir;
  dir.write("manifest.json", R"({"version": 1, "entr)");
  auto cut = read_manifest(dir.path() / "manifest.json");
  REQUIRE_FALSE(cut.has_value());
  CHECK(cut.error().kind == hr::ErrorKind::unparsable);
  CHECK_THAT(cut.error().message,
             StartsWith((dir.path() / "manifest.json").string() + ": invalid JSON"));
}

TEST_CASE("manifest error: version is required and must be 1") {
  CHECK_THAT(parse_error(R"({"entries":[],"modules":[]})"), StartsWith("/version: required"));
  CHECK(parse_error(R"({"version":"1","entries":[],"modules":[]})") ==
        "/version: expected an integer");
  CHECK(parse_error(R"({"version":2,"entries":[],"modules":[]})") ==
        "/version: unsupported manifest version 2");
  CHECK(parse_error(R"({"version":0})") == "/version: unsupported manifest version 0");
}

TEST_CASE("manifest error: modules is a required array of objects") {
  CHECK_THAT(parse_error(R"({"version":1,"entries":[]})"), StartsWith("/modules: required"));
  CHECK(parse_error(R"({"version":1,"entries":[],"modules":{}})") ==
        "/modules: expected an array of modules");
  CHECK(parse_error(R"({"version":1,"entries":[],"modules":[{"id":"a.js"},"b.js"]})") ==
        "/modules/1: expected an object");
}

TEST_CASE("manifest error: a module id is required, a string, relative, normalized") {
  CHECK(parse_error(module_with(R"("kind":"page")")) == "/modules/1/id: required field missing");
  CHECK(parse_error(module_with(R"("id":7)")) == "/modules/1/id: expected a string");
  CHECK(parse_error(module_with(R"("id":"")")) == "/modules/1/id: expected a non-empty path");
  CHECK(parse_error(module_with(R"("id":"../etc/passwd")")) ==
        "/modules/1/id: must not contain '..' (escapes root)");
  CHECK(parse_error(module_with(R"("id":"a/../../b.js")")) ==
        "/modules/1/id: must not contain '..' (escapes root)");
  CHECK(parse_error(module_with(R"("id":"/etc/passwd")")) ==
        "/modules/1/id: must be relative to root, not absolute");
  CHECK(parse_error(module_with(R"("id":"a//b.js")")) ==
        "/modules/1/id: must be normalized (no '.' or empty segments)");
  CHECK(parse_error(module_with(R"("id":"./b.js")")) ==
        "/modules/1/id: must be normalized (no '.' or empty segments)");
  CHECK(parse_error(module_with(R"("id":"a\\b.js")")) == "/modules/1/id: must use '/' separators");
}

TEST_CASE("manifest error: module ids are unique") {
  CHECK(parse_error(module_with(R"("id":"a.js")")) ==
        "/modules/1/id: duplicate id \"a.js\" (first at /modules/0/id)");
}

TEST_CASE("manifest error: kind is one of the six kinds") {
  CHECK_THAT(parse_error(module_with(R"("id":"b.js","kind":"widget")")),
             StartsWith("/modules/1/kind: expected one of \"entry\", \"page\""));
  CHECK_THAT(parse_error(module_with(R"("id":"b.js","kind":3)")), StartsWith("/modules/1/kind:"));
}

TEST_CASE("manifest error: module fields have their types") {
  CHECK(parse_error(module_with(R"("id":"b.js","hash":12)")) ==
        "/modules/1/hash: expected a string");
  CHECK(parse_error(module_with(R"("id":"b.js","accept":"yes")")) ==
        "/modules/1/accept: expected a boolean");
  CHECK(parse_error(module_with(R"("id":"b.js","route":["/"])")) ==
        "/modules/1/route: expected a string");
  CHECK(parse_error(module_with(R"("id":"b.js","imports":"a.js")")) ==
        "/modules/1/imports: expected an array of strings");
  CHECK(parse_error(module_with(R"("id":"b.js","imports":["a.js",null])")) ==
        "/modules/1/imports/1: expected a string");
  CHECK(parse_error(module_with(R"("id":"b.js","imports":["../x.js"])")) ==
        "/modules/1/imports/0: must not contain '..' (escapes root)");
}

TEST_CASE("manifest error: entries are required and name listed modules") {
  CHECK_THAT(parse_error(R"({"version":1,"modules":[]})"), StartsWith("/entries: required"));
  CHECK(parse_error(R"({"version":1,"entries":"a.js","modules":[]})") ==
        "/entries: expected an array of strings");
  CHECK(parse_error(R"({"version":1,"entries":["a.js","b.js"],"modules":[{"id":"a.js"}]})") ==
        "/entries/1: unknown module \"b.js\" (every entry must be listed in /modules)");
}

TEST_CASE("manifest error: changed and removed hints are arrays of ids") {
  CHECK(parse_error(with("changed", "[1]")) == "/changed/0: expected a string");
  CHECK(parse_error(with("changed", R"(["/abs.js"])")) ==
        "/changed/0: must be relative to root, not absolute");
  CHECK(parse_error(with("removed", R"("a.js")")) == "/removed: expected an array of strings");
}

TEST_CASE("manifest error: a removed module cannot also be listed") {
  CHECK(parse_error(with("removed", R"(["a.js"])")) ==
        "/removed/0: \"a.js\" is removed but still listed at /modules/0/id");
}

TEST_CASE(
    "manifest: changed naming a non-module is a warning (the compiler may write other files)") {
  Manifest m = parse_ok(with("changed", R"(["a.js.map"])"));
  REQUIRE(m.warnings.size() == 1);
  CHECK_THAT(m.warnings[0], Contains("a.js.map"));
}

TEST_CASE("manifest error: resolve holds an alias object and an extensions list") {
  CHECK(parse_error(with("resolve", "[]")) == "/resolve: expected an object");
  CHECK(parse_error(with("resolve", R"({"alias":["$"]})")) ==
        "/resolve/alias: expected an object mapping prefixes to folders");
  CHECK(parse_error(with("resolve", R"({"alias":{"$/x":1}})")) ==
        "/resolve/alias/$~1x: expected a string (a folder relative to root)");
  CHECK(parse_error(with("resolve", R"({"alias":{"$":"../outside"}})")) ==
        "/resolve/alias/$: must be a folder inside root");
  CHECK(parse_error(with("resolve", R"({"extensions":["js"]})")) ==
        "/resolve/extensions/0: expected an extension such as \".js\"");
}

TEST_CASE("manifest error: top-level strings have their types and html/public stay inside root") {
  CHECK(parse_error(with("root", "1")) == "/root: expected a string");
  CHECK(parse_error(with("html", "true")) == "/html: expected a string");
  CHECK(parse_error(with("html", R"("../index.html")")) ==
        "/html: must not contain '..' (escapes root)");
  CHECK(parse_error(with("public", R"("/var/www")")) ==
        "/public: must be relative to root, not absolute");
  CHECK(parse_error(with("build", "42")) == "/build: expected a string");
  CHECK(parse_error(with("backend", "{}")) == "/backend: expected a string");
  CHECK(parse_error(with("ignore", R"("**/*.map")")) == "/ignore: expected an array of strings");
}

TEST_CASE(
    "manifest: read_manifest prefixes errors with the file and resolves root from its folder") {
  TempDir dir;
  dir.write("m.json", R"({"version":3})");
  auto bad = read_manifest(dir.path() / "m.json");
  REQUIRE(bad.has_error());
  CHECK(bad.error().message ==
        (dir.path() / "m.json").string() + ": /version: unsupported manifest version 3");
  dir.write("ok.json", R"({"version":1,"entries":[],"modules":[]})");
  auto ok = read_manifest(dir.path() / "ok.json");
  REQUIRE(ok.has_value());
  CHECK(ok->root == dir.path());
  auto missing = read_manifest(dir.path() / "nope.json");
  REQUIRE(missing.has_error());
  CHECK_THAT(missing.error().message, Contains("cannot open"));
}

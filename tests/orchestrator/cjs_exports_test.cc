// Finding a CommonJS module's named exports without running it.
#include <filesystem>
#include <fstream>

#include "orchestrator/cjs_exports.h"
#include "tests/hr_catch.h"

using namespace hr::orch;
namespace fs = std::filesystem;

namespace {
ModuleFormat scan(const std::string& text) {
  std::vector<std::string> reexports;
  return scan_commonjs_text(text, reexports);
}
}  // namespace

TEST_CASE("exports.NAME = and module.exports.NAME = are named exports") {
  auto f = scan("exports.useState = function(){};\nmodule.exports.version = '1';\n");
  CHECK(f.is_commonjs);
  CHECK(f.named_exports == std::vector<std::string>{"useState", "version"});
}

TEST_CASE("chained assignments all count, comparisons and other objects' exports do not") {
  auto f = scan("exports.a = exports.b = void 0;\nif (exports.c == 1) {}\nfoo.exports.d = 1;\n");
  CHECK(f.named_exports == std::vector<std::string>{"a", "b"});
}

TEST_CASE("Object.defineProperty(exports, name) is a named export; default is never one") {
  auto f = scan(
      "Object.defineProperty(exports, \"__esModule\", {value: true});\n"
      "Object.defineProperty(exports, 'default', {});\nObject.defineProperty(exports, 'x', {});\n");
  CHECK(f.named_exports == std::vector<std::string>{"__esModule", "x"});
}

TEST_CASE("an ES module is not CommonJS") {
  CHECK_FALSE(scan("import x from 'y';\nexport const a = 1;\nexport default a;\n").is_commonjs);
  CHECK(scan("var x = 1;\n").is_commonjs);  // no exports at all: a script, treated as CommonJS
}

TEST_CASE("module.exports = require('./x') is followed, through every branch") {
  const fs::path dir = fs::temp_directory_path() / ("hr-cjs-" + std::to_string(getpid()));
  fs::create_directories(dir / "cjs");
  std::ofstream(dir / "index.js") << "if (process.env.NODE_ENV === 'production') {\n"
                                     "  module.exports = require('./cjs/prod.js');\n} else {\n"
                                     "  module.exports = require('./cjs/dev');\n}\n";
  std::ofstream(dir / "cjs/prod.js") << "exports.render = 1;\n";
  std::ofstream(dir / "cjs/dev.js") << "exports.render = 1; exports.debugOnly = 2;\n";
  auto f = detect_module_format(dir / "index.js");
  fs::remove_all(dir);
  REQUIRE(f);
  CHECK(f->is_commonjs);
  CHECK(f->named_exports == std::vector<std::string>{"debugOnly", "render"});
}

TEST_CASE("a missing file is an error naming it") {
  auto f = detect_module_format("/nonexistent/x.js");
  REQUIRE_FALSE(f);
  CHECK_THAT(f.error().message, Catch::Contains("/nonexistent/x.js"));
}

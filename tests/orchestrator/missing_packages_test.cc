// missing_packages.h: which package a specifier names, Node's lookup, and where the error points.
#include "tests/hr_catch.h"
#include "tests/temp_dir.h"

#include "orchestrator/missing_packages.h"

using namespace hr::orch;

TEST_CASE("a specifier names its package, scoped or not") {
  CHECK(package_name("react") == "react");
  CHECK(package_name("react-dom/client") == "react-dom");
  CHECK(package_name("@radix-ui/themes") == "@radix-ui/themes");
  CHECK(package_name("@radix-ui/themes/styles.css") == "@radix-ui/themes");
}

TEST_CASE("a package is installed in the app's node_modules or one above it") {
  hr::test::TempDir dir;
  dir.write("node_modules/up/package.json", "{}");
  dir.write("app/node_modules/@s/here/package.json", "{}");
  dir.write("app/src/x.js", "");
  CHECK(package_installed(dir.path() / "app", "@s/here"));
  CHECK(package_installed(dir.path() / "app", "up"));
  CHECK_FALSE(package_installed(dir.path() / "app", "nowhere"));
}

TEST_CASE("the error names the module and points at the specifier's line and column") {
  hr::test::TempDir dir;
  dir.write("src/a.jsx", "import React from \"react\";\nimport pad from 'left-pad/x';\n");
  const auto m = missing_package_error(dir.path(), "src/a.jsx", "left-pad/x");
  REQUIRE(m.location);
  CHECK(m.location->file == "src/a.jsx");
  CHECK(m.location->line == 2);
  CHECK(m.location->column == 16);
  CHECK(m.location->line_text == "import pad from 'left-pad/x';");
  CHECK_THAT(m.text, Catch::Contains("\"left-pad\""));
  CHECK_THAT(m.text, Catch::Contains("not installed"));
}

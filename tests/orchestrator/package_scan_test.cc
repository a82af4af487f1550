// bare_imports(): the npm specifiers a module's text imports, found without building it.
#include "orchestrator/package_scan.h"
#include "tests/hr_catch.h"

using hr::orch::bare_imports;
using V = std::vector<std::string>;

TEST_CASE("every import form gives its bare specifier; relative, absolute and URL ones do not") {
  const char* text = R"(import React from "react";
import { createRoot } from 'react-dom/client';
import "@radix-ui/themes/styles.css";
export { x } from "./x.js";
export * from "lodash-es";
const Page = lazy(() => import("@emotion/react"));
import y from "../y";
import z from "/z.js";
import w from "https://esm.sh/w";
)";
  CHECK(bare_imports(text) == V{"react", "react-dom/client", "@radix-ui/themes/styles.css",
                                "lodash-es", "@emotion/react"});
}

TEST_CASE("imports in comments are not imports; strings that look like comments are strings") {
  const char* text = R"(// import a from "commented";
/* import b from "blocked";
   import c from "still-blocked"; */
const url = "http://example.test/x"; import d from "after-string";
const fromage = "from"; important("not-an-import");
)";
  CHECK(bare_imports(text) == V{"after-string"});
}

TEST_CASE("every import is found, dynamic ones marked") {
  const auto found = hr::orch::scan_imports(
      "import a from \"./a.js\";\nexport * from '../b';\nimport \"./c.css\";\n"
      "const d = () => import ( \"./d.jsx\");\nimport React from \"react\";\n");
  REQUIRE(found.size() == 5);
  CHECK(found[0].specifier == "./a.js");
  CHECK_FALSE(found[0].dynamic);
  CHECK(found[1].specifier == "../b");
  CHECK(found[2].specifier == "./c.css");
  CHECK(found[3].specifier == "./d.jsx");
  CHECK(found[3].dynamic);
  CHECK_FALSE(found[4].dynamic);
}

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

// bare_imports(): the npm specifiers a module's text imports, found without building it.
#include "orchestrator/package_scan.h"
#include "graph/change_detector.h"
#include "tests/hr_catch.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>

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

TEST_CASE("scan_files scans many files in the order asked, an unreadable one as having none") {
  namespace fs = std::filesystem;
  const fs::path root = fs::temp_directory_path() / ("hr-scan-files-" + std::to_string(::getpid()));
  fs::create_directories(root / "c");
  std::vector<std::string> ids;
  for (int i = 0; i < 50; ++i) {
    ids.push_back("c/m" + std::to_string(i) + ".js");
    std::ofstream(root / ids.back())
        << "import x from \"pkg-" << i << "\";\nimport(\"./lazy.js\");\n";
  }
  ids.insert(ids.begin() + 7, "c/missing.js");
  const auto scans = hr::orch::scan_files(root, ids);
  REQUIRE(scans.size() == ids.size());
  CHECK(scans[7].imports.empty());
  CHECK_FALSE(scans[7].read);
  for (size_t i = 0; i < ids.size(); ++i) {
    if (i == 7) continue;
    const int n = static_cast<int>(i < 7 ? i : i - 1);
    const auto& found = scans[i].imports;
    REQUIRE(found.size() == 2);
    CHECK(found[0].specifier == "pkg-" + std::to_string(n));
    CHECK_FALSE(found[0].dynamic);
    CHECK(found[1].dynamic);
    CHECK(scans[i].read);
    CHECK(scans[i].hash == hr::graph::content_hash("import x from \"pkg-" + std::to_string(n) +
                                                   "\";\nimport(\"./lazy.js\");\n"));
  }
  fs::remove_all(root);
}

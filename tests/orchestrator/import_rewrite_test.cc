// Putting URLs in place of the specifiers esbuild left external, and reading its metafile.
#include "orchestrator/import_rewrite.h"
#include "tests/hr_catch.h"

using namespace hr::orch;

TEST_CASE("rewrite: every import form esbuild prints gets the URL") {
  const std::string code =
      "import React from \"react\";\n"
      "import { useState } from \"react\";\n"
      "import \"./style.css\";\n"
      "export * from \"./y\";\n"
      "const lazy = () => import(\"./lazy.jsx\");\n"
      "var x = __require(\"./cjs\");\n";
  auto out = rewrite_imports(code, {{"react", "/@deps/react.js"},
                                    {"./style.css", "/style.css?t=1"},
                                    {"./y", "/y.js?t=1"},
                                    {"./lazy.jsx", "/lazy.jsx?t=1"},
                                    {"./cjs", "/cjs.js?t=1"}});
  REQUIRE(out);
  CHECK(*out ==
        "import React from \"/@deps/react.js\";\n"
        "import { useState } from \"/@deps/react.js\";\n"
        "import \"/style.css?t=1\";\n"
        "export * from \"/y.js?t=1\";\n"
        "const lazy = () => import(\"/lazy.jsx?t=1\");\n"
        "var x = __require(\"/cjs.js?t=1\");\n");
}

TEST_CASE("rewrite: the same text outside an import position is left alone") {
  const std::string code =
      "import { a } from \"./a\";\nconst label = \"./a\";\nconst f = transform(\"./a\");\n"
      "const informed = \"./a\";\n";
  auto out = rewrite_imports(code, {{"./a", "/a.js?t=2"}});
  REQUIRE(out);
  CHECK(*out ==
        "import { a } from \"/a.js?t=2\";\nconst label = \"./a\";\nconst f = transform(\"./a\");\n"
        "const informed = \"./a\";\n");
}

TEST_CASE("rewrite: a word merely ending in `import` or `from` is not an import") {
  auto out = rewrite_imports("reimport(\"./a\"); x.datafrom \"./a\";", {{"./a", "/a.js"}});
  REQUIRE_FALSE(out);
}

TEST_CASE("rewrite: a specifier found in no import position is an error naming it") {
  // esbuild escapes non-ASCII text, so "./café" is printed as "./caf\xE9".
  auto out = rewrite_imports("import x from \"./caf\\xE9\";\n", {{"./café", "/cafe.js"}});
  REQUIRE_FALSE(out);
  CHECK_THAT(out.error().message, Catch::Contains("import \"./café\" not found"));
}

TEST_CASE("metafile: each output's entry point and distinct import paths") {
  auto outs = read_metafile_outputs(R"({"inputs":{},"outputs":{
    ".hr-out/a.jsx.js":{"imports":[{"path":"react","kind":"import-statement","external":true},
                                   {"path":"react","kind":"import-statement","external":true},
                                   {"path":"./b","kind":"import-statement","external":true}],
                        "entryPoint":"a.jsx","exports":[]},
    ".hr-out/b.jsx.js":{"imports":[],"entryPoint":"b.jsx"}}})");
  REQUIRE(outs);
  REQUIRE(outs->size() == 2);
  CHECK((*outs)[0].path == ".hr-out/a.jsx.js");
  CHECK((*outs)[0].entry == "a.jsx");
  CHECK((*outs)[0].imports == std::vector<std::string>{"react", "./b"});
  CHECK((*outs)[1].imports.empty());
}

TEST_CASE("metafile: malformed JSON or an import without a path is an error") {
  CHECK_FALSE(read_metafile_outputs("{"));
  CHECK_FALSE(read_metafile_outputs(R"({"outputs":[]})"));
  CHECK_FALSE(read_metafile_outputs(R"({"outputs":{"a.js":{"imports":[{"kind":"x"}]}}})"));
}

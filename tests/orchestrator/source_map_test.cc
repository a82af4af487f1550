// The maps served with app modules (source_map.h): sources named by the compiler's file, mappings
// moved below the HMR header, inline as the module's last line.
#include "orchestrator/source_map.h"

#include <boost/json.hpp>

#include "orchestrator/assemble.h"
#include "tests/hr_catch.h"

using namespace hr::orch;
namespace json = boost::json;

namespace {

constexpr std::string_view kComment = "//# sourceMappingURL=data:application/json;base64,";

// The JSON a comment carries (base64 decoded by hand: the test must not trust base64()).
json::object decoded(std::string_view comment) {
  REQUIRE(comment.starts_with(kComment));
  static const std::string alphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  unsigned bits = 0, n = 0;
  for (char c : comment.substr(kComment.size())) {
    if (c == '=') break;
    bits = (bits << 6) | static_cast<unsigned>(alphabet.find(c));
    n += 6;
    if (n >= 8) {
      n -= 8;
      out += static_cast<char>((bits >> n) & 0xff);
    }
  }
  return json::parse(out).as_object();
}

const std::string kMap = R"({"version":3,"sources":["../app/a b.jsx","<define:import.meta.env>"],)"
                         R"("sourcesContent":["x","{}"],"mappings":"AAAA;AACA"})";

}  // namespace

TEST_CASE("base64 follows RFC 4648, padding included") {
  CHECK(base64("") == "");
  CHECK(base64("f") == "Zg==");
  CHECK(base64("fo") == "Zm8=");
  CHECK(base64("foo") == "Zm9v");
  CHECK(base64("foobar") == "Zm9vYmFy");
}

TEST_CASE("a file URL percent-encodes what a URL path cannot carry") {
  CHECK(file_url("/w/.web/app/x.jsx") == "file:///w/.web/app/x.jsx");
  CHECK(file_url("/a b/x#1?.jsx") == "file:///a%20b/x%231%3F.jsx");
  CHECK(file_url("/caf\xc3\xa9.js") == "file:///caf%C3%A9.js");
}

TEST_CASE("sources are renamed by the file they come from; the rest of the map is kept") {
  const std::string out = with_file_sources(
      kMap, [](std::string_view s) { return std::filesystem::path("/w/out") / s; });
  const json::object map = json::parse(out).as_object();
  CHECK(map.at("sources").as_array().at(0).as_string() == "file:///w/out/../app/a%20b.jsx");
  CHECK(map.at("sources").as_array().at(1).as_string() == "<define:import.meta.env>");
  CHECK(map.at("sourcesContent").as_array().at(0).as_string() == "x");
  CHECK(map.at("mappings").as_string() == "AAAA;AACA");
  CHECK(with_file_sources("not json", [](std::string_view s) {
          return std::filesystem::path(s);
        }).empty());
}

TEST_CASE("the comment moves the mappings down by the lines above the built code") {
  const std::string comment = source_map_comment(kMap, 2);
  CHECK(decoded(comment).at("mappings").as_string() == ";;AAAA;AACA");
  CHECK(source_map_comment("", 2).empty());
  CHECK(source_map_comment("[1]", 2).empty());
}

TEST_CASE("a served module ends with its map, moved below exactly the header's lines") {
  const std::string comment = served_source_map(kMap);
  const std::string out = assemble_js_module({"/app/a.jsx", true, comment}, "let a = 1;", "");
  CHECK_THAT(out, Catch::EndsWith(comment + "\n"));
  // The built code's first line is the served module's line 1 + the number of ';' added.
  const std::string mappings(decoded(comment).at("mappings").as_string());
  const std::size_t header_lines = mappings.find_first_not_of(';');
  std::size_t line = 0;
  for (std::size_t i = 0; i < out.find("let a = 1;"); ++i) line += out[i] == '\n';
  CHECK(line == header_lines);
  CHECK(served_source_map("").empty());
  CHECK_THAT(assemble_js_module({"/app/a.jsx", false}, "x", ""),
             !Catch::Contains("sourceMappingURL"));
}

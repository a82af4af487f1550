// The messages browsers get (docs/hmr-protocol.md), as the HMR client (orchestrator/client/)
// reads them.
#include "orchestrator/browser_messages.h"

#include <boost/json.hpp>

#include "tests/hr_catch.h"

using namespace hr::orch;
namespace json = boost::json;

TEST_CASE("an update lists its entries in order, a stylesheet's text only when it travels") {
  const std::string css = ".a{color:red}";
  const json::value m =
      json::parse(update_message("12", {{UpdateEntry::Type::js, "app/a.jsx", 5},
                                        {UpdateEntry::Type::css, "s.css", 5, &css},
                                        {UpdateEntry::Type::css, "big.css", 5}}));
  CHECK(m.at("type") == "update");
  CHECK(m.at("build") == "12");
  const auto& u = m.at("updates").as_array();
  REQUIRE(u.size() == 3);
  CHECK(u[0].at("type") == "js-update");
  CHECK(u[0].at("path") == "/app/a.jsx");
  CHECK(u[0].at("acceptedPath") == "/app/a.jsx");
  CHECK(u[0].at("timestamp") == 5);
  CHECK(u[1].at("type") == "css-update");
  CHECK(u[1].at("css").as_string() == css);
  CHECK_FALSE(u[2].as_object().contains("css"));
}

TEST_CASE("a js-update carries its module's code parts when it has them") {
  const json::value m = json::parse(update_message(
      "3", {{UpdateEntry::Type::js, "a.jsx", 5, nullptr, {"import x from \"", "/b.js\";"}},
            {UpdateEntry::Type::js, "big.jsx", 5}}));
  const auto& u = m.at("updates").as_array();
  REQUIRE(u.size() == 2);
  const auto& code = u[0].at("code").as_array();
  REQUIRE(code.size() == 2);
  CHECK(code[1] == "/b.js\";");
  CHECK_FALSE(u[1].as_object().contains("code"));
}

TEST_CASE("a full reload says why, and names its build when a build caused it") {
  const json::value with = json::parse(full_reload_message("the route table changed", "3"));
  CHECK(with.at("type") == "full-reload");
  CHECK(with.at("reason") == "the route table changed");
  CHECK(with.at("build") == "3");
  CHECK_FALSE(
      json::parse(full_reload_message("a.jsx invalidated itself")).as_object().contains("build"));
}

TEST_CASE("an error names the file, line and column, with its code frame") {
  hr::esbuild::Message e;
  e.text = "Unexpected \")\"";
  e.location.emplace();
  e.location->file = "app/a.jsx";
  e.location->line = 3;
  e.location->column = 4;
  e.location->line_text = "  f(1 +);";
  const json::value m = json::parse(error_message("8", e));
  CHECK(m.at("type") == "error");
  CHECK(m.at("build") == "8");
  CHECK(m.at("err").at("loc").at("line") == 3);
  CHECK(m.at("err").at("id") == "app/a.jsx");
  CHECK_THAT(std::string(m.at("err").at("frame").as_string()), Catch::Contains("^"));
}

// router_entry.h: React Router paths and ids from the manifest, and the client entry's route table.
#include "tests/hr_catch.h"

#include "orchestrator/router_entry.h"

using namespace hr::orch;

TEST_CASE("a manifest route becomes React Router's path") {
  CHECK(*react_router_path("/") == "");
  CHECK(*react_router_path("/about") == "about");
  CHECK(*react_router_path("/blog/[slug]") == "blog/:slug");
  CHECK(*react_router_path("/docs/[[...rest]]") == "docs/*");
  CHECK(*react_router_path("/files/[...path]") == "files/*");
  CHECK(*react_router_path("/[[lang]]/home") == ":lang?/home");
  CHECK(*react_router_path("/users/:id/") == "users/:id");
  CHECK(*react_router_path("*") == "*");
}

TEST_CASE("a route segment that cannot be read is an error naming it") {
  auto r = react_router_path("/blog/[slug");
  REQUIRE_FALSE(r);
  CHECK(r.error().message.find("[slug") != std::string::npos);
  CHECK_FALSE(react_router_path("/a/[]"));
  CHECK_FALSE(react_router_path("/a/[b c]"));
  CHECK_FALSE(react_router_path("/a/x[y]"));
}

TEST_CASE("a page's route id is its path under the root's folder, without extension") {
  CHECK(route_id("app/routes/_index.jsx", "app/root.jsx") == "routes/_index");
  CHECK(route_id("app/routes/[about]._index.jsx", "app/root.jsx") == "routes/[about]._index");
  CHECK(route_id("pages/x.js", "root.jsx") == "pages/x");
}

TEST_CASE("the entry lists the root and each readable page, with its exports") {
  RouterApp app;
  app.root = {"app/root.jsx", "", {"Layout", "default", "ErrorBoundary"}};
  app.pages.push_back({"app/routes/_index.jsx", "/", {"default", "clientLoader"}});
  app.pages.push_back({"app/routes/post.jsx", "/blog/[slug]", {"default"}});
  app.pages.push_back({"app/routes/bad.jsx", "/x/[oops", {"default"}});
  app.pages.push_back({"app/routes/again.jsx", "/blog/[id]", {"default"}});
  std::vector<std::string> problems;
  const std::string code = router_entry_code(app, problems);
  CHECK(code.find("{\"id\": \"root\", \"path\": \"\", \"module\": \"/app/root.jsx?t=__HR_T__\"") !=
        std::string::npos);
  CHECK(code.find("\"id\": \"routes/_index\", \"parentId\": \"root\", \"index\": true") !=
        std::string::npos);
  CHECK(code.find("\"exports\": [\"default\",\"clientLoader\"]") != std::string::npos);
  CHECK(code.find("\"path\": \"blog/:slug\"") != std::string::npos);
  CHECK(code.find("bad.jsx") == std::string::npos);
  CHECK(code.find("again.jsx") == std::string::npos);  // the same path as post.jsx
  REQUIRE(problems.size() == 2);
  CHECK(problems[0].find("app/routes/bad.jsx") == 0);
  CHECK(problems[1].find("app/routes/again.jsx") == 0);
  // The npm imports wait for the bundle's key, like any built module's.
  CHECK(code.find("__HR_DEPS_KEY__") != std::string::npos);
  CHECK(code.find("createClientRoutes") != std::string::npos);  // the runtime follows
}

TEST_CASE("a root that exports neither Layout nor a default is named") {
  RouterApp app;
  app.root = {"app/root.jsx", "", {"meta"}};
  std::vector<std::string> problems;
  router_entry_code(app, problems);
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].find("app/root.jsx") == 0);
}

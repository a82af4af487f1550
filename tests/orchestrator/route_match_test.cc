// route_match.h: a manifest's URL pattern against a navigation's path.
#include "orchestrator/route_match.h"

#include "tests/hr_catch.h"

using hr::orch::route_matches;

TEST_CASE("a literal route matches its own path, the index only /") {
  CHECK(route_matches("/", "/"));
  CHECK(route_matches("/about", "/about"));
  CHECK(route_matches("/about", "/about/"));
  CHECK(route_matches("/blog/new", "/blog/new?draft=1"));
  CHECK_FALSE(route_matches("/", "/about"));
  CHECK_FALSE(route_matches("/about", "/"));
  CHECK_FALSE(route_matches("/about", "/about/team"));
  CHECK_FALSE(route_matches("/page-1", "/page-10"));
}

TEST_CASE("parameters match one segment, optional ones one or none, catch-alls the rest") {
  CHECK(route_matches("/blog/[slug]", "/blog/hello"));
  CHECK_FALSE(route_matches("/blog/[slug]", "/blog"));
  CHECK_FALSE(route_matches("/blog/[slug]", "/blog/a/b"));
  CHECK(route_matches("/[[lang]]/docs", "/docs"));
  CHECK(route_matches("/[[lang]]/docs", "/fr/docs"));
  CHECK_FALSE(route_matches("/[[lang]]/docs", "/fr/en/docs"));
  CHECK(route_matches("/files/[...path]", "/files/a/b/c"));
  CHECK_FALSE(route_matches("/files/[...path]", "/files"));
  CHECK(route_matches("/[[...splat]]", "/"));
  CHECK(route_matches("/[[...splat]]", "/anything/at/all"));
  CHECK(route_matches("/shop/[[...rest]]/cart", "/shop/cart"));
  CHECK(route_matches("/shop/[[...rest]]/cart", "/shop/a/b/cart"));
  CHECK_FALSE(route_matches("/shop/[[...rest]]/cart", "/shop/a/b"));
}

TEST_CASE("React Router's own spellings match as the bracket forms do") {
  CHECK(route_matches("/users/:id", "/users/7"));
  CHECK_FALSE(route_matches("/users/:id", "/users"));
  CHECK(route_matches("/:lang?/docs", "/docs"));
  CHECK(route_matches("/:lang?/docs", "/fr/docs"));
  CHECK(route_matches("/files/*", "/files"));
  CHECK(route_matches("/files/*", "/files/a/b"));
  CHECK(route_matches("/a:b", "/a:b"));  // not a parameter: a literal
  CHECK_FALSE(route_matches("/a:b", "/a"));
}

TEST_CASE("a pattern's segments are read once, with their kind and name") {
  using Kind = hr::orch::RouteSegment::Kind;
  auto segments = hr::orch::route_segments("/blog//[slug]/[[lang]]/[...a]/[[...b]]/");
  REQUIRE(segments);
  REQUIRE(segments->size() == 5);
  const Kind kinds[] = {Kind::literal, Kind::one, Kind::optional, Kind::rest, Kind::any_rest};
  const char* texts[] = {"blog", "slug", "lang", "a", "b"};
  for (size_t i = 0; i < 5; ++i) {
    CHECK((*segments)[i].kind == kinds[i]);
    CHECK((*segments)[i].text == texts[i]);
  }
}

TEST_CASE("a pattern with a segment that cannot be read matches nothing, and says which") {
  for (const char* bad : {"/blog/[slug", "/a/[]", "/a/[b c]", "/a/x[y]", "/a/[[...]]"}) {
    CHECK_FALSE(route_matches(bad, "/blog/x"));
    CHECK_FALSE(route_matches(bad, "/a/x"));
    CHECK_FALSE(hr::orch::route_segments(bad));
  }
  auto r = hr::orch::route_segments("/ok/[a b]");
  REQUIRE_FALSE(r);
  CHECK(r.error().message == "segment \"[a b]\": not a parameter name");
}

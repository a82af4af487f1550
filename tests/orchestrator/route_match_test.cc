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

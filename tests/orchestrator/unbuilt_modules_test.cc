// UnbuiltModules: the books of on-demand builds.
#include "orchestrator/unbuilt_modules.h"
#include "tests/hr_catch.h"

using hr::orch::UnbuiltModules;

TEST_CASE("a build takes only unbuilt modules no other build has taken") {
  UnbuiltModules u;
  u.add("a.js");
  u.add("b.js");
  auto t1 = u.start({"a.js", "c.js"});
  CHECK(t1.generations.size() == 1);
  auto t2 = u.start({"a.js", "b.js"});
  CHECK(t2.generations.size() == 1);
  CHECK(t2.generations.count("b.js"));
  CHECK(u.next(10).empty());
  CHECK(u.in_flight() == 2);
}

TEST_CASE("a module changed during its build comes back stale and keeps its waiters") {
  UnbuiltModules u;
  u.add("a.js");
  int answered = 0;
  u.wait("a.js", [&] { ++answered; });
  auto t = u.start({"a.js"});
  u.changed("a.js");
  auto out = u.finish(t, {"a.js"});
  CHECK(out.fresh.empty());
  CHECK(out.stale == std::vector<std::string>{"a.js"});
  CHECK(out.ready.empty());
  CHECK(u.contains("a.js"));
  auto again = u.start(out.stale);
  out = u.finish(again, {"a.js"});
  CHECK(out.fresh.count("a.js"));
  REQUIRE(out.ready.size() == 1);
  out.ready[0]();
  CHECK(answered == 1);
  CHECK(u.empty());
}

TEST_CASE("a module the build did not give back failed; a build that could not run keeps it") {
  UnbuiltModules u;
  u.add("a.js");
  u.add("b.js");
  u.wait("b.js", [] {});
  auto t = u.start({"a.js", "b.js"});
  auto out = u.finish(t, {}, true);
  CHECK(u.size() == 2);
  CHECK(out.ready.size() == 1);  // answered: it gets what the server has
  t = u.start({"a.js", "b.js"});
  out = u.finish(t, {"a.js"});
  CHECK(out.fresh == std::set<std::string>{"a.js"});
  CHECK(u.empty());
}

TEST_CASE("a removed module answers its waiters and is built no more") {
  UnbuiltModules u;
  u.add("a.js");
  u.wait("a.js", [] {});
  auto t = u.start({"a.js"});
  CHECK(u.removed("a.js").size() == 1);
  auto out = u.finish(t, {"a.js"});
  CHECK(out.fresh.empty());
  CHECK(out.stale.empty());
  CHECK(!u.contains("a.js"));
}

TEST_CASE("an urgent build takes a module a background batch holds; the first to end is stored") {
  UnbuiltModules u;
  u.add("a.js");
  u.add("b.js");
  auto batch = u.start({"a.js", "b.js"});
  CHECK(u.start({"a.js"}).generations.empty());  // another background build: no
  auto urgent = u.start({"a.js"}, true);
  CHECK(urgent.generations.count("a.js"));
  CHECK(u.start({"a.js"}, true).generations.empty());  // one urgent build at a time
  int answered = 0;
  u.wait("a.js", [&] { ++answered; });
  auto out = u.finish(urgent, {"a.js"});
  CHECK(out.fresh.count("a.js"));
  for (auto& r : out.ready) r();
  CHECK(answered == 1);
  out = u.finish(batch, {"a.js", "b.js"});
  CHECK(out.fresh == std::set<std::string>{"b.js"});  // a.js was stored already
  CHECK(u.empty());
  CHECK(u.in_flight() == 0);
}

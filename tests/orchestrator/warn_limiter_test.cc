// WarnLimiter: a flood of one warning is a few log lines, and nothing is hidden without saying so.
#include "tests/hr_catch.h"

#include "orchestrator/warn_limiter.h"

using hr::orch::WarnLimiter;
using namespace std::chrono_literals;

TEST_CASE("a flood of one warning logs the first few, says the rest are held, then counts them") {
  WarnLimiter limit(3, 60s);
  const auto t0 = WarnLimiter::Clock::time_point{};
  std::vector<std::string> lines;
  for (int i = 0; i < 10'000; ++i)
    if (auto l = limit.admit("client 1: bad frame", "bad frame", t0 + 1ms * i)) lines.push_back(*l);
  REQUIRE(lines.size() == 4);
  CHECK(lines[0] == "bad frame");
  CHECK_THAT(lines[3], Catch::Contains("not logged for a while"));
  auto next = limit.admit("client 1: bad frame", "bad frame", t0 + 61s);
  REQUIRE(next);
  CHECK_THAT(*next, Catch::Contains("9996 more like it were not logged"));
}

TEST_CASE("keys are limited apart, and many clients do not grow it without bound") {
  WarnLimiter limit(1, 60s);
  const auto t = WarnLimiter::Clock::time_point{};
  CHECK(limit.admit("client 1: a", "a", t));
  CHECK(limit.admit("client 1: a", "a", t));  // the "held back" line
  CHECK_FALSE(limit.admit("client 1: a", "a", t));
  CHECK(limit.admit("client 2: a", "a", t));
  CHECK(limit.admit("client 1: b", "b", t));
  for (int c = 0; c < 5000; ++c) limit.admit("client " + std::to_string(c), "x", t + 61s * c);
  CHECK(limit.keys() <= 1024);
}

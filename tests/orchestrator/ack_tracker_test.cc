// AckTracker: a call with --wait-applied is answered when the pages connected at its push have
// applied it, or at its timeout with what came; only answers for the newest push count.
#include "orchestrator/ack_tracker.h"

#include <boost/json.hpp>
#include <optional>

#include "tests/hr_catch.h"

using hr::orch::AckTracker;
using hr::orch::RecompileResult;
namespace json = boost::json;

namespace {

RecompileResult pushed_result(std::string build, size_t clients) {
  RecompileResult r;
  r.build = std::move(build);
  r.action = hr::graph::Action::js_update;
  r.clients = clients;
  r.timings.total_ms = 5;
  return r;
}

json::object ack(std::string build, double acknowledged = -1) {
  json::object o{{"type", "hr:applied"}, {"build", build}, {"ok", true}};
  if (acknowledged >= 0)
    o["timings"] = json::object{{"evaluated", acknowledged / 2}, {"acknowledged", acknowledged}};
  return o;
}

// Runs the io_context's ready handlers (timers due) without blocking.
void run_ready(boost::asio::io_context& io) {
  io.restart();
  io.poll();
}

}  // namespace

TEST_CASE("a call waits for every page connected at its push, then says how long they took") {
  boost::asio::io_context io;
  AckTracker acks(io);
  acks.pushed("7");
  std::optional<RecompileResult> answer;
  acks.wait(pushed_result("7", 2), 10'000, [&](RecompileResult r) { answer = std::move(r); });
  CHECK(acks.applied(1, ack("7", 4.5)));
  run_ready(io);
  CHECK_FALSE(answer);
  CHECK(acks.applied(2, ack("7", 9.25)));
  REQUIRE(answer);
  CHECK(answer->acknowledged == 2);
  CHECK(answer->timings.applied_ms >= answer->timings.total_ms);
  CHECK(answer->timings.browser_ms == 9.25);  // the slower page
}

TEST_CASE("answers to an older push do not count") {
  boost::asio::io_context io;
  AckTracker acks(io);
  acks.pushed("1");
  acks.pushed("2");
  std::optional<RecompileResult> answer;
  acks.wait(pushed_result("2", 1), 10'000, [&](RecompileResult r) { answer = std::move(r); });
  CHECK_FALSE(acks.applied(1, ack("1")));
  CHECK_FALSE(answer);
  CHECK(acks.applied(1, ack("2")));
  REQUIRE(answer);
  CHECK(answer->timings.browser_ms == -1);  // the page gave no marks
}

TEST_CASE("a call whose build pushed nothing, or with no page open, is answered at once") {
  boost::asio::io_context io;
  AckTracker acks(io);
  acks.pushed("3");
  std::optional<RecompileResult> none, no_pages;
  RecompileResult nothing = pushed_result("4", 1);
  nothing.action = hr::graph::Action::none;
  acks.wait(nothing, 10'000, [&](RecompileResult r) { none = std::move(r); });
  acks.wait(pushed_result("3", 0), 10'000, [&](RecompileResult r) { no_pages = std::move(r); });
  REQUIRE(none);
  REQUIRE(no_pages);
  CHECK(none->timings.applied_ms == none->timings.total_ms);
}

TEST_CASE("at its timeout a call gets what was acknowledged so far, without an applied time") {
  boost::asio::io_context io;
  AckTracker acks(io);
  acks.pushed("5");
  std::optional<RecompileResult> answer;
  acks.wait(pushed_result("5", 2), 1, [&](RecompileResult r) { answer = std::move(r); });
  acks.applied(1, ack("5"));
  for (int i = 0; i < 200 && !answer; ++i) {
    io.restart();
    io.run_for(std::chrono::milliseconds(5));
  }
  REQUIRE(answer);
  CHECK(answer->acknowledged == 1);
  CHECK(answer->timings.applied_ms == -1);
}

TEST_CASE("a page's marks are kept as numbers only, the last twenty") {
  boost::asio::io_context io;
  AckTracker acks(io);
  acks.pushed("9");
  json::object strange = ack("9", 3);
  strange["timings"].as_object()["script"] = "<img onerror=alert(1)>";
  acks.applied(1, strange);
  const std::string one = acks.marks_json();
  CHECK_THAT(one, Catch::Contains(R"("acknowledged":3)"));
  CHECK_THAT(one, !Catch::Contains("onerror"));
  for (int i = 0; i < 30; ++i) acks.applied(100 + i, ack("9", i));
  const json::value all = json::parse(acks.marks_json());
  CHECK(all.as_array().size() == 20);
  CHECK(all.as_array().back().at("client").as_int64() == 129);
}

// Change detection: "hash on suspect". A file is read only when its stat moved; a read that finds
// the same bytes is no change.
#include <catch2/catch.hpp>

#include "app_fixture.h"
#include "graph/change_detector.h"

using namespace hr::graph;
using namespace hr::graph::test;
using O = ChangeDetector::Outcome;

namespace {

struct Counted {
  ChangeDetector det;
  int reads = 0;
  Counted() {
    det.set_read_hook([this](std::string_view) { ++reads; });
  }
};

}  // namespace

TEST_CASE("change detection: a file never hashed is read once and reported changed") {
  TempDir dir;
  dir.write("a.js", "one");
  Counted c;
  auto p = c.det.probe((dir.path() / "a.js").c_str(), {});
  CHECK(p.outcome == O::changed);
  CHECK(p.state.known);
  CHECK(p.state.stamp.size == 3);
  CHECK(c.reads == 1);
}

TEST_CASE("change detection: an unmoved stat is trusted, the file is not read again") {
  TempDir dir;
  dir.write("a.js", "one");
  dir.set_mtime("a.js", 1'000'000);
  Counted c;
  std::string path = (dir.path() / "a.js").string();
  FileState s = c.det.probe(path.c_str(), {}).state;
  auto again = c.det.probe(path.c_str(), s);
  CHECK(again.outcome == O::unchanged);
  CHECK(c.reads == 1);
}

TEST_CASE("change detection: new bytes behind the same size and mtime are not re-hashed") {
  // This is what the stat cache buys (and its documented blind spot).
  TempDir dir;
  dir.write("a.js", "one");
  dir.set_mtime("a.js", 1'000'000);
  Counted c;
  std::string path = (dir.path() / "a.js").string();
  FileState s = c.det.probe(path.c_str(), {}).state;
  dir.write("a.js", "two");
  dir.set_mtime("a.js", 1'000'000);
  CHECK(c.det.probe(path.c_str(), s).outcome == O::unchanged);
  CHECK(c.reads == 1);
}

TEST_CASE("change detection: a moved stat with identical bytes is read and is no change") {
  TempDir dir;
  dir.write("a.js", "one");
  dir.set_mtime("a.js", 1'000'000);
  Counted c;
  std::string path = (dir.path() / "a.js").string();
  FileState s = c.det.probe(path.c_str(), {}).state;
  dir.set_mtime("a.js", 1'000'100);  // rewritten with the same bytes
  auto p = c.det.probe(path.c_str(), s);
  CHECK(p.outcome == O::unchanged);
  CHECK(p.state.stamp.mtime_ns == 1'000'100LL * 1'000'000'000);  // new stat remembered
  CHECK(c.reads == 2);
  CHECK(c.det.probe(path.c_str(), p.state).outcome == O::unchanged);
  CHECK(c.reads == 2);
}

TEST_CASE("change detection: a moved stat with new bytes is a change") {
  TempDir dir;
  dir.write("a.js", "one");
  dir.set_mtime("a.js", 1'000'000);
  Counted c;
  std::string path = (dir.path() / "a.js").string();
  FileState s = c.det.probe(path.c_str(), {}).state;
  dir.write("a.js", "three");
  auto p = c.det.probe(path.c_str(), s);
  CHECK(p.outcome == O::changed);
  CHECK(p.state.hash != s.hash);
}

TEST_CASE("change detection: a file hashed within the racy window of its mtime is re-hashed") {
  // Same size, same mtime, new bytes, all inside one filesystem clock tick: the stat cannot tell,
  // so a hash taken too soon after the write is not trusted.
  TempDir dir;
  dir.write("a.js", "one");  // mtime: now
  Counted c;
  std::string path = (dir.path() / "a.js").string();
  FileState s = c.det.probe(path.c_str(), {}).state;
  REQUIRE(s.stamp.mtime_ns + ChangeDetector::kRacyWindowNs > s.hashed_at_ns);
  auto before = std::filesystem::last_write_time(path);
  dir.write("a.js", "two");
  std::filesystem::last_write_time(path, before);
  auto p = c.det.probe(path.c_str(), s);
  CHECK(c.reads == 2);
  CHECK(p.outcome == O::changed);
}

TEST_CASE("change detection: a missing file is reported missing, its state kept") {
  TempDir dir;
  Counted c;
  FileState prev;
  prev.known = true;
  prev.hash = 42;
  auto p = c.det.probe((dir.path() / "nope.js").c_str(), prev);
  CHECK(p.outcome == O::missing);
  CHECK(p.state.hash == 42);
  CHECK_FALSE(p.error.empty());
}

TEST_CASE(
    "change detection through apply: a recompile that rewrites every file identically is "
    "nothing to do, and only the rewritten files are read") {
  App app;
  app.entries = {"m.js"};
  app.mods = {{"m.js", "entry", {"x.js"}}, {"x.js", "", {}}, {"y.js", "", {}}};
  app.write_all();
  app.apply();
  uint64_t reads = app.graph.detector().reads();
  app.touch("m.js", "m.js", 2'000'000);
  app.touch("x.js", "x.js", 2'000'000);
  Diff d = app.apply();
  CHECK(d.nothing());
  CHECK(app.graph.detector().reads() - reads == 2);  // y.js: stat only
}

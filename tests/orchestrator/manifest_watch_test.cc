// Knowing when the manifest was written, and whether it changed since a read ahead.
#include "orchestrator/manifest_watch.h"

#include <chrono>
#include <filesystem>
#include <fstream>

#include "tests/hr_catch.h"
#include "tests/temp_dir.h"

using namespace hr::orch;
using hr::test::TempDir;
namespace fs = std::filesystem;

namespace {

// Runs the loop until `done` or a bounded time passed.
template <class Done>
void run_until(boost::asio::io_context& io, Done done) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (!done() && std::chrono::steady_clock::now() < deadline) {
    io.restart();
    io.run_for(std::chrono::milliseconds(10));
  }
}

// Gives events written just now the time to arrive, then lets the loop handle them.
void settle(boost::asio::io_context& io) {
  for (int i = 0; i < 5; ++i) {
    io.restart();
    io.run_for(std::chrono::milliseconds(10));
  }
}

}  // namespace

TEST_CASE("manifest watch: a complete write is reported and moves the generation on") {
  TempDir dir;
  dir.write("manifest.json", "{}");
  boost::asio::io_context io;
  int written = 0;
  ManifestWatch watch(io, dir.path() / "manifest.json", [&] { ++written; });
  REQUIRE(watch.start());
  const auto before = watch.generation();

  dir.write("manifest.json", R"({"build":"2"})");
  run_until(io, [&] { return written > 0; });
  CHECK(written == 1);
  CHECK(watch.generation() > before);

  SECTION("other files of the folder are not the manifest") {
    const auto now = watch.generation();
    dir.write("app.jsx", "x");
    settle(io);
    CHECK(written == 1);
    CHECK(watch.generation() == now);
  }
  SECTION("a manifest renamed into place is a complete write") {
    dir.write("manifest.json.tmp", R"({"build":"3"})");
    fs::rename(dir.path() / "manifest.json.tmp", dir.path() / "manifest.json");
    run_until(io, [&] { return written > 1; });
    CHECK(written == 2);
  }
  SECTION("a write still open moves the generation on without a complete write") {
    const auto now = watch.generation();
    std::ofstream open_file(dir.path() / "manifest.json", std::ios::trunc);
    open_file << R"({"build":"4"})" << std::flush;
    CHECK(watch.generation() > now);  // seen at once: the queued events are read on asking
    settle(io);
    CHECK(written == 1);
  }
}

TEST_CASE("manifest watch: the folder going away ends the watch; started again, it watches anew") {
  boost::asio::io_context io;
  auto dir = std::make_unique<TempDir>();
  int written = 0;
  ManifestWatch watch(io, dir->path() / "manifest.json", [&] { ++written; });
  REQUIRE(watch.start());
  CHECK(watch.watching());
  const fs::path gone = dir->path();
  dir.reset();
  REQUIRE_FALSE(fs::exists(gone));
  run_until(io, [&] { return !watch.watching(); });
  CHECK_FALSE(watch.watching());

  fs::create_directories(gone);
  REQUIRE(watch.start());
  const auto before = watch.generation();
  std::ofstream(gone / "manifest.json") << "{}";
  run_until(io, [&] { return written > 0; });
  CHECK(written == 1);
  CHECK(watch.generation() > before);
  fs::remove_all(gone);
}

TEST_CASE("manifest watch: a manifest that is a symlink is watched where its target is") {
  TempDir real, link;
  real.write("manifest.json", "{}");
  fs::create_symlink(real.path() / "manifest.json", link.path() / "manifest.json");
  boost::asio::io_context io;
  int written = 0;
  ManifestWatch watch(io, link.path() / "manifest.json", [&] { ++written; });
  REQUIRE(watch.start());
  real.write("manifest.json", R"({"build":"2"})");
  run_until(io, [&] { return written > 0; });
  CHECK(written == 1);
}

TEST_CASE("manifest watch: a folder that cannot be watched is an error, not a crash") {
  boost::asio::io_context io;
  ManifestWatch watch(io, "/nonexistent-hr-folder/manifest.json", [] {});
  auto started = watch.start();
  REQUIRE_FALSE(started);
  CHECK_THAT(started.error().message, Catch::Matchers::Contains("/nonexistent-hr-folder"));
  CHECK_FALSE(watch.watching());
}

TEST_CASE("file stamp: a rewrite of the same size is told apart by its times or inode") {
  TempDir dir;
  dir.write("m.json", "aaaa");
  const auto first = stamp_of(dir.path() / "m.json");
  REQUIRE(first);
  CHECK(*stamp_of(dir.path() / "m.json") == *first);
  dir.write("m.json.tmp", "bbbb");
  fs::rename(dir.path() / "m.json.tmp", dir.path() / "m.json");
  CHECK_FALSE(*stamp_of(dir.path() / "m.json") == *first);
  CHECK_FALSE(stamp_of(dir.path() / "missing.json"));
}

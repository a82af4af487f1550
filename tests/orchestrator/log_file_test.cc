// LogFileSink: a flood of log lines stays under twice the cap on disk, the newest lines in FILE.
#include <spdlog/spdlog.h>

#include "tests/hr_catch.h"
#include "tests/temp_dir.h"

#include "common/read_file.h"
#include "orchestrator/log_file.h"

using hr::orch::LogFileSink;

TEST_CASE("past the cap the log moves to FILE.1 and a new FILE starts; nothing else is kept") {
  hr::test::TempDir dir;
  const auto path = dir.path() / "server.log";
  auto sink = LogFileSink::open(path, 4096, false);
  REQUIRE(sink);
  spdlog::logger log("t", *sink);
  for (int i = 0; i < 2000; ++i) log.warn("line {} of a flood", i);
  const auto now = hr::read_file(path);
  const auto old = hr::read_file(dir.path() / "server.log.1");
  REQUIRE(now);
  REQUIRE(old);
  CHECK(now->size() < 4096 + 100);
  CHECK(old->size() >= 4096);
  CHECK(old->size() < 4096 + 100);
  CHECK_THAT(*now, Catch::Contains("line 1999 of a flood"));
  CHECK_FALSE(std::filesystem::exists(dir.path() / "server.log.2"));
}

TEST_CASE("a log that cannot be opened is an error naming it and the OS's reason") {
  hr::test::TempDir dir;
  std::filesystem::create_directories(dir.path() / "server.log");
  auto sink = LogFileSink::open(dir.path() / "server.log", 4096, false);
  REQUIRE_FALSE(sink);
  CHECK_THAT(sink.error().message, Catch::Contains("server.log"));
  CHECK_THAT(sink.error().message, Catch::Contains("Is a directory"));
}

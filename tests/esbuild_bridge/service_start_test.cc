// Starting the service against real binaries: which binary is used, versions refused by
// esbuild or by the host, binaries that are not esbuild, and calls made before the handshake.
#include <stdlib.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>

#include "esbuild_bridge/esbuild.h"
#include "tests/await_result.h"
#include "tests/hr_catch.h"

using namespace hr::esbuild;
namespace fs = std::filesystem;
using hr::test::await_result;

namespace {

void run_for(boost::asio::io_context& io, std::chrono::milliseconds d) {
  io.restart();
  io.run_for(d);
}

}  // namespace

TEST_CASE("a binary of another version is refused with a message saying what to do") {
  boost::asio::io_context io;
  SECTION("esbuild itself refuses a --service version it does not speak") {
    auto svc = Service::create(io, {find_esbuild_binary(), "0.0.1"});
    auto r = await_result<std::string>(io, [&](auto cb) { svc->start(cb); });
    REQUIRE_FALSE(r);
    CHECK_THAT(r.error().message,
               Catch::Contains(std::string("binary version \"") + HR_ESBUILD_VERSION));
    CHECK_THAT(r.error().message, Catch::Contains("ESBUILD_BINARY_PATH"));
    CHECK_FALSE(svc->running());
  }
  SECTION("a binary whose handshake names another version is refused by the host") {
    // A stand-in that answers the handshake with version 9.9.9 and then idles.
    const auto fake = fs::temp_directory_path() / ("hr-fake-esbuild-" + std::to_string(getpid()));
    std::ofstream(fake) << "#!/bin/sh\nprintf '\\005\\000\\000\\0009.9.9'\nsleep 30\n";
    fs::permissions(fake, fs::perms::owner_all);
    auto svc = Service::create(io, {fake.string(), HR_ESBUILD_VERSION});
    auto r = await_result<std::string>(io, [&](auto cb) { svc->start(cb); });
    fs::remove(fake);
    REQUIRE_FALSE(r);
    CHECK_THAT(r.error().message, Catch::Contains("is version 9.9.9"));
    CHECK_THAT(r.error().message, Catch::Contains(std::string("speaks the protocol of esbuild ") +
                                                  HR_ESBUILD_VERSION));
    CHECK_FALSE(svc->running());
  }
}

TEST_CASE("a binary that is not esbuild fails to start with the reason") {
  boost::asio::io_context io;
  auto missing = Service::create(io, {"/nonexistent/esbuild", HR_ESBUILD_VERSION});
  auto r1 = await_result<std::string>(io, [&](auto cb) { missing->start(cb); });
  REQUIRE_FALSE(r1);
  CHECK_THAT(r1.error().message, Catch::Contains("/nonexistent/esbuild"));
  auto quits = Service::create(io, {"/bin/true", HR_ESBUILD_VERSION});
  auto r2 = await_result<std::string>(io, [&](auto cb) { quits->start(cb); });
  REQUIRE_FALSE(r2);
  CHECK_THAT(r2.error().message, Catch::Contains("esbuild"));
}

TEST_CASE("a call made while esbuild starts waits for the handshake, or fails with the start") {
  boost::asio::io_context io;
  TransformOptions o;
  o.flags = {"--loader=ts"};
  // Both asked before the io_context ran at all: the child has not even written its version.
  auto asked_early = [&](std::shared_ptr<Service> svc, hr::Result<std::string>& started) {
    bool begun = false;
    svc->start([&](hr::Result<std::string> r) { started = std::move(r), begun = true; });
    REQUIRE_FALSE(begun);
    REQUIRE_FALSE(svc->running());
    return await_result<TransformResult>(
        io, [&](auto cb) { svc->transform("let x: number = 1", o, cb); });
  };
  SECTION("the pinned binary: the call is sent once the version is known") {
    auto svc = Service::create(io, {find_esbuild_binary(), HR_ESBUILD_VERSION});
    hr::Result<std::string> started = hr::fail("not yet");
    auto r = asked_early(svc, started);
    REQUIRE(r);
    CHECK(r->code == "let x = 1;\n");
    CHECK(started);
    bool stopped = false;
    svc->stop([&] { stopped = true; });
    for (int i = 0; i < 50 && !stopped; ++i) run_for(io, std::chrono::milliseconds(100));
  }
  SECTION("a binary of another version: the call fails with the start's reason") {
    auto svc = Service::create(io, {find_esbuild_binary(), "0.0.1"});
    hr::Result<std::string> started = hr::fail("not yet");
    auto r = asked_early(svc, started);
    REQUIRE_FALSE(r);
    CHECK_THAT(r.error().message, Catch::Contains("esbuild"));
    REQUIRE_FALSE(started);
    CHECK_THAT(started.error().message, Catch::Contains("0.0.1"));
  }
}

TEST_CASE("the binary is --esbuild if given, else ESBUILD_BINARY_PATH, else the pinned package's") {
  const char* saved = std::getenv("ESBUILD_BINARY_PATH");
  const std::string pinned = (unsetenv("ESBUILD_BINARY_PATH"), find_esbuild_binary());
  CHECK_THAT(pinned, Catch::EndsWith("/bin/esbuild"));
  CHECK_THAT(pinned, Catch::Contains("node_modules/@esbuild/"));
  setenv("ESBUILD_BINARY_PATH", "/opt/esbuild-from-env", 1);
  CHECK(find_esbuild_binary() == "/opt/esbuild-from-env");
  CHECK(find_esbuild_binary("/opt/from-flag") == "/opt/from-flag");
  if (saved) {
    setenv("ESBUILD_BINARY_PATH", saved, 1);
  } else {
    unsetenv("ESBUILD_BINARY_PATH");
  }
}

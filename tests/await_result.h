// Runs an io_context until an asynchronous call delivers its result, bounded so that a hang fails
// the test instead of blocking it. For tests of the esbuild bridge and the orchestrator.
#pragma once

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <optional>

#include "tests/hr_catch.h"

namespace hr::test {

// `start(callback)` begins the call; the callback receives a Result<T>.
template <class T, class Start>
Result<T> await_result(boost::asio::io_context& io, Start start,
                       std::chrono::seconds timeout = std::chrono::seconds(120)) {
  std::optional<Result<T>> out;
  start([&](Result<T> r) { out = std::move(r); });
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!out && std::chrono::steady_clock::now() < deadline) {
    io.restart();
    io.run_one_for(std::chrono::milliseconds(100));
  }
  if (!out) FAIL("no answer within " << timeout.count() << " s");
  return std::move(*out);
}

}  // namespace hr::test

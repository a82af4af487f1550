// Which pages have applied the last push, and the compiler's calls waiting for them.
//
// Every push the pipeline makes that a page must act on (an update, a full reload, the overlay of
// a build with errors) starts a new round: pages answer with `hr:applied` naming the build
// (docs/hmr-protocol.md), and only answers for the newest push count. A call made with
// --wait-applied is answered once as many pages as were connected when it was pushed have
// answered, or when its time is up, with what came by then; a call whose build pushed nothing is
// answered at once. A page's answer may carry its own marks of the update (client/apply_update.js
// UpdateMarks): they are kept for the status and give the answer its `timings.browser`.
//
// Needs an io_context for the timers only: no socket, no esbuild (tested alone in
// tests/orchestrator/ack_tracker_test.cc).
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/json/fwd.hpp>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "orchestrator/result.h"

namespace hr::orch {

class AckTracker {
 public:
  using Done = std::function<void(RecompileResult)>;

  explicit AckTracker(boost::asio::io_context& io) : io_(io) {}

  // A push of `build` that pages must acknowledge: answers to earlier pushes stop counting.
  void pushed(std::string build);
  // A page's `hr:applied` message (its parsed object). Counts if it names the newest push;
  // returns whether it did.
  bool applied(std::uint64_t client, const boost::json::object& ack);
  // Answers `r` (a recompile's result, r.clients pages connected when it was pushed) once enough
  // pages applied it, or after `wait_ms` with the count so far and no `applied` time.
  void wait(RecompileResult r, int wait_ms, Done done);

  size_t acknowledged() const { return acks_.size(); }
  // The last pages' marks, newest last: [{"build","client","ms":{step: ms}}], as JSON text.
  std::string marks_json() const;

 private:
  struct Waiter {
    RecompileResult result;
    std::chrono::steady_clock::time_point since;
    std::shared_ptr<boost::asio::steady_timer> timer;
    Done done;
  };

  void answer_ready();
  void time_out(const std::string& build);

  boost::asio::io_context& io_;
  std::string build_;                     // the newest push
  std::map<std::uint64_t, double> acks_;  // page -> its message-to-ack time in ms, -1 unsaid
  std::vector<Waiter> waiters_;
  std::deque<std::string> marks_;
};

}  // namespace hr::orch

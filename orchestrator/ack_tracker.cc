#include "orchestrator/ack_tracker.h"

#include <algorithm>
#include <boost/json.hpp>

namespace hr::orch {

namespace json = boost::json;
using Clock = std::chrono::steady_clock;

namespace {

constexpr size_t kMarksKept = 20;
constexpr size_t kStepsKept = 8;

// The marks a page sent with its acknowledgement: numbers only, so a page cannot put anything else
// into the status.
json::object marks_of(const json::value* timings) {
  json::object out;
  if (!timings || !timings->is_object()) return out;
  for (const auto& [step, ms] : timings->as_object())
    if (ms.is_number() && out.size() < kStepsKept) out[step] = ms.to_number<double>();
  return out;
}

double ms_since(Clock::time_point t) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t).count();
}

}  // namespace

void AckTracker::pushed(std::string build) {
  build_ = std::move(build);
  acks_.clear();
}

bool AckTracker::applied(std::uint64_t client, const json::object& ack) {
  const auto* build = ack.if_contains("build");
  if (!build || !build->is_string() || build->as_string() != build_) return false;
  json::object marks = marks_of(ack.if_contains("timings"));
  const auto* total = marks.if_contains("acknowledged");
  acks_[client] = total ? total->as_double() : -1;
  if (!marks.empty()) {
    marks_.push_back(json::serialize(
        json::object{{"build", build_}, {"client", client}, {"ms", std::move(marks)}}));
    if (marks_.size() > kMarksKept) marks_.pop_front();
  }
  answer_ready();
  return true;
}

void AckTracker::wait(RecompileResult r, int wait_ms, Done done) {
  const bool nothing_pushed =
      (r.action == graph::Action::none && r.errors.empty()) || r.build != build_;
  if (nothing_pushed || r.clients == 0 || acks_.size() >= r.clients) {
    r.timings.applied_ms = r.timings.total_ms;
    r.acknowledged = acks_.size();
    return done(std::move(r));
  }
  auto timer = std::make_shared<boost::asio::steady_timer>(io_, std::chrono::milliseconds(wait_ms));
  timer->async_wait([this, build = r.build](boost::system::error_code ec) {
    if (!ec) time_out(build);
  });
  waiters_.push_back(Waiter{std::move(r), Clock::now(), std::move(timer), std::move(done)});
}

std::string AckTracker::marks_json() const {
  std::string out = "[";
  for (size_t i = 0; i < marks_.size(); ++i) out += (i ? "," : "") + marks_[i];
  return out + "]";
}

// The waiters are taken out before any is answered: an answer may start another wait.
void AckTracker::answer_ready() {
  std::vector<Waiter> ready;
  for (auto it = waiters_.begin(); it != waiters_.end();) {
    const bool done = it->result.build == build_ && acks_.size() >= it->result.clients;
    if (!done) {
      ++it;
      continue;
    }
    ready.push_back(std::move(*it));
    it = waiters_.erase(it);
  }
  for (auto& w : ready) {
    w.timer->cancel();
    w.result.acknowledged = acks_.size();
    w.result.timings.applied_ms = w.result.timings.total_ms + ms_since(w.since);
    for (const auto& [client, ms] : acks_)
      w.result.timings.browser_ms = std::max(w.result.timings.browser_ms, ms);
    w.done(std::move(w.result));
  }
}

// Time is up: the call is answered with what was acknowledged so far.
void AckTracker::time_out(const std::string& build) {
  std::vector<Waiter> late;
  for (auto it = waiters_.begin(); it != waiters_.end();) {
    if (it->result.build != build) {
      ++it;
      continue;
    }
    late.push_back(std::move(*it));
    it = waiters_.erase(it);
  }
  for (auto& w : late) {
    w.result.acknowledged = acks_.size();
    w.result.timings.applied_ms = -1;
    w.done(std::move(w.result));
  }
}

}  // namespace hr::orch

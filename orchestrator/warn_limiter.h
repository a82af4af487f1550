// Repeated warnings, limited: a browser that sends 10,000 bad frames must not write 10,000 log
// lines. Per key (a client and a kind of fault), the first `burst` warnings of each window are
// logged; the one after says the rest are held back; the first of the next window says how many
// were. Keys whose window ended are dropped once there are many (clients come and go).
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <unordered_map>

namespace hr::orch {

class WarnLimiter {
 public:
  using Clock = std::chrono::steady_clock;
  explicit WarnLimiter(std::size_t burst = 5, Clock::duration window = std::chrono::minutes(1))
      : burst_(burst), window_(window) {}

  // The line to log for `message` under `key` at `now`, or nothing when it is held back.
  std::optional<std::string> admit(const std::string& key, const std::string& message,
                                   Clock::time_point now = Clock::now());
  // Logs at warn level what admit() lets through.
  void warn(const std::string& key, const std::string& message);
  std::size_t keys() const { return counts_.size(); }

 private:
  struct Count {
    Clock::time_point window_start;
    std::size_t logged = 0, held = 0;
  };
  static constexpr std::size_t kMaxKeys = 1024;
  std::size_t burst_;
  Clock::duration window_;
  std::unordered_map<std::string, Count> counts_;
};

}  // namespace hr::orch

#include "orchestrator/warn_limiter.h"

#include <spdlog/spdlog.h>

namespace hr::orch {

std::optional<std::string> WarnLimiter::admit(const std::string& key, const std::string& message,
                                              Clock::time_point now) {
  if (counts_.size() >= kMaxKeys)
    std::erase_if(counts_, [&](const auto& kv) { return now - kv.second.window_start >= window_; });
  auto [it, fresh] = counts_.try_emplace(key, Count{now});
  Count& c = it->second;
  std::string line = message;
  if (!fresh && now - c.window_start >= window_) {
    if (c.held > 0) line += " (" + std::to_string(c.held) + " more like it were not logged)";
    c = Count{now};
  }
  if (c.logged < burst_) {
    ++c.logged;
    return line;
  }
  if (c.logged++ == burst_) return line + " (further ones like it are not logged for a while)";
  ++c.held;
  return std::nullopt;
}

void WarnLimiter::warn(const std::string& key, const std::string& message) {
  if (auto line = admit(key, message)) spdlog::warn("{}", *line);
}

}  // namespace hr::orch

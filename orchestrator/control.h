// The control channel between the `hr-orchestrate` the compiler runs and the long-lived server:
// a Unix socket in the state folder beside the manifest (.web/.hr/control.sock). One request per
// connection, one JSON line each way: {"cmd": "recompile" | "status" | "stop", "protocol": 1, ...}.
// The messages are a versioned contract (docs/control-protocol.md) that the CLI and the Python
// client (python/hr_orchestrate) both speak: a server refuses a recompile of a version it does not
// speak with an error naming both versions, rather than misreading it.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/json/object.hpp>
#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "common/result.h"
#include "orchestrator/control_protocol.h"

namespace hr::orch {

// Server side, on the daemon's io_context.
class ControlServer {
 public:
  using Reply = std::function<void(std::string line)>;
  using Handler = std::function<void(const std::string& request_line, Reply reply)>;

  ControlServer(boost::asio::io_context& io, Handler handler);
  // Refuses when another server answers on `path`; removes a stale socket file otherwise.
  Result<void> listen(const std::filesystem::path& path);
  void close();

 private:
  void accept();

  boost::asio::io_context& io_;
  Handler handler_;
  boost::asio::local::stream_protocol::acceptor acceptor_;
  std::filesystem::path path_;
};

// A request of a version this server does not speak is refused, naming both versions, instead
// of being half understood; a request without "protocol" is version 1. The refusal's JSON line,
// which tells how to stop the server of `manifest`; nullopt for a request of our version.
std::optional<std::string> protocol_mismatch(const boost::json::object& request,
                                             const std::filesystem::path& manifest);

// When the CLI sent the call, by its "sent_at_ns" (steady_clock is CLOCK_MONOTONIC, the same in
// every process of the machine), so a call's total includes the wait in the socket and any build
// ahead still under way when it came; now if it says nothing believable.
std::chrono::steady_clock::time_point call_started(const boost::json::object& request);

// Client side: connects, sends one line, waits for one line (bounded by `timeout`).
Result<std::string> control_call(const std::filesystem::path& socket,
                                 const std::string& request_line,
                                 std::chrono::milliseconds timeout);

// Whether a server answers on `socket` (a connect succeeds).
bool control_alive(const std::filesystem::path& socket);

}  // namespace hr::orch

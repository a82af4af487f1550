// A long-lived esbuild service driven over its binary stdio protocol, with no Node.js involved.
//
// `start` launches `esbuild --service=<version> --ping` and checks the version handshake: a binary
// of another version is refused, because the protocol is only promised between equal versions.
// Requests are correlated by id (answers may come out of order), and every request esbuild sends
// is answered: ping, on-start, on-resolve and on-load (to the C++ plugin hooks of that build),
// on-end (which carries a context's rebuild output).
//
// Everything runs on the caller's io_context thread; callbacks are invoked there. A call made
// while the child starts waits for its handshake (and fails with the start, as
// ErrorKind::unavailable, if that fails), so a caller need not wait for `start` before it builds.
// When the child dies, every pending call fails with the reason and `restart` may be called. `stop`
// disposes every context before closing stdin, because esbuild waits forever for a live context on
// EOF.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "common/result.h"
#include "esbuild_bridge/types.h"
#include "esbuild_bridge/value.h"

namespace hr::esbuild {

class Child;

template <class T>
using Callback = std::function<void(Result<T>)>;

struct ServiceOptions {
  std::string binary;            // the esbuild executable (see find_esbuild_binary)
  std::string expected_version;  // the handshake must report exactly this
  std::vector<std::string> env =
      {};  // "NAME=value" set for the child on top of ours (e.g. GOGC=off)
};

// An incremental build context on the service (esbuild's `context()`).
struct ContextId {
  int32_t key = -1;
};

class Service : public std::enable_shared_from_this<Service> {
 public:
  static std::shared_ptr<Service> create(boost::asio::io_context& io, ServiceOptions options);
  ~Service();

  // --- Lifecycle ---
  void start(Callback<std::string> ready);  // yields the binary's version
  void restart(Callback<std::string> ready) { start(std::move(ready)); }
  // The child's extra environment from the next start on.
  void set_env(std::vector<std::string> env) { options_.env = std::move(env); }
  void stop(std::function<void()> done);
  bool running() const;
  int pid() const;
  // esbuild pings every second; an answered ping keeps it from thinking the host is gone.
  uint64_t pings_answered() const { return pings_answered_; }
  // Told once per child that dies while not being stopped.
  void on_unexpected_exit(std::function<void(const std::string& reason)> f) {
    on_crash_ = std::move(f);
  }

  // --- Builds ---
  void build(BuildOptions options, std::optional<Plugin> plugin, Callback<BuildResult> done);
  void context(BuildOptions options, std::optional<Plugin> plugin, Callback<ContextId> done);
  void rebuild(ContextId ctx, Callback<BuildResult> done);
  void cancel(ContextId ctx, std::function<void()> done);
  void dispose(ContextId ctx, std::function<void()> done);
  // How many builds and contexts were asked for since the service was made (each takes a key).
  std::uint64_t builds_requested() const { return static_cast<std::uint64_t>(next_build_key_); }

  // --- Transform ---
  void transform(std::string input, TransformOptions options, Callback<TransformResult> done);

 private:
  struct BuildState {
    std::optional<Plugin> plugin;
    bool is_context = false;
    // A context's rebuild in flight: who waits for it, and the output its on-end delivered.
    std::vector<Callback<BuildResult>> rebuild_waiters;
    std::optional<Result<BuildResult>> rebuild_output;
    int rebuild_attempts = 0;
  };

  Service(boost::asio::io_context& io, ServiceOptions options);
  void send_request(Value request, std::function<void(Result<Value>)> on_response);
  void send_response(uint32_t id, Value value);
  void on_packet(std::string body);
  void on_version(const std::string& version);
  void fail_start(const std::string& why);
  void on_request(uint32_t id, const Value& request);
  Value answer(const Value& request);
  Value answer_on_resolve(BuildState& b, const Value& request);
  Value answer_on_load(BuildState& b, const Value& request);
  Value answer_on_end(BuildState& b, const Value& request);
  void send_rebuild(int32_t key);
  void settle_rebuild(int32_t key, Result<BuildResult> r);
  void on_child_exit(const std::string& reason);
  std::string start_failure_message(const std::string& reason) const;
  void fail_all(const std::string& reason);
  void fail_queued(const std::string& why);  // the start failed: ErrorKind::unavailable
  void close_child(std::function<void()> done);
  BuildState* find_build(int32_t key);

  boost::asio::io_context& io_;
  ServiceOptions options_;
  std::shared_ptr<Child> child_;
  uint64_t generation_ = 0;  // ignores events from a child that was replaced
  bool handshake_done_ = false;
  bool stopping_ = false;
  Callback<std::string> on_ready_;
  std::function<void()> stop_done_;
  boost::asio::steady_timer handshake_timer_;
  boost::asio::steady_timer stop_timer_;
  std::function<void(const std::string&)> on_crash_;
  uint64_t pings_answered_ = 0;
  uint32_t next_request_id_ = 0;
  int32_t next_build_key_ = 0;
  std::unordered_map<uint32_t, std::function<void(Result<Value>)>> pending_;
  // Requests made while the child starts, in order (start() may return before its handshake).
  std::vector<std::pair<Value, std::function<void(Result<Value>)>>> queued_;
  std::map<int32_t, BuildState> builds_;
};

// The esbuild executable to run: `cli_override` (from --esbuild) if given, else the
// ESBUILD_BINARY_PATH environment variable (esbuild's own convention), else the binary of the
// pinned npm package installed by scripts/setup.sh.
std::string find_esbuild_binary(const std::string& cli_override = "");

// The esbuild version this build of hr-orchestrate speaks (from npm/package.json).
const char* pinned_esbuild_version();

}  // namespace hr::esbuild

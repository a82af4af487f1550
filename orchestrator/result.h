// The answer to one recompile, as the CLI prints it: one JSON line with the build id, the action
// and its reason, what changed and what was rebuilt, the boundaries, compile errors with their
// locations, and timings. Its exit code (ExitCode): 0 applied or nothing to do, 1 compile errors,
// 2 a bad manifest or usage, 3 the server failed. A failure names its kind in `error`.
#pragma once

#include <string>
#include <vector>

#include "esbuild_bridge/types.h"
#include "graph/graph.h"

namespace hr::orch {

// The compiler's call's exit codes (documented in --help and the README).
enum ExitCode : int {
  kExitApplied = 0,
  kExitCompileErrors = 1,
  kExitBadManifest = 2,   // or bad usage
  kExitServerFailed = 3,  // could not start, died and could not be restarted, did not answer
};

struct Timings {
  double read_ms = 0, plan_ms = 0, esbuild_ms = 0, push_ms = 0, total_ms = 0;
  double read_ahead_ms = -1;  // the manifest was read ahead, on its write, in this long
  double message_ms = -1;     // from the call until the pages were sent the update (or reload)
  double applied_ms = -1;     // with --wait-applied: until every browser acknowledged
  double browser_ms = -1;     // with --wait-applied: the slowest page's own message-to-ack time
};

struct RecompileResult {
  std::string build;
  graph::Action action = graph::Action::none;  // "error" in the JSON when `fatal` or `server_error`
  std::string reason;
  std::vector<std::string> changed, rebuilt, boundaries;
  std::vector<esbuild::Message> errors;
  std::string fatal;         // a bad manifest: the message names the field
  std::string server_error;  // the server could not do the work (esbuild would not restart)
  size_t clients = 0;
  size_t acknowledged = 0;
  size_t merged = 1;  // recompiles merged into this one (bursts)
  Timings timings;

  int exit_code() const;
  std::string to_json() const;
};

// The JSON line the CLI prints when it got no answer from a server: {"action":"error",
// "error":"server","reason":...}, with the fields a recompile's answer always has.
std::string server_failure_json(const std::string& message);

// The code frame of an error: its line with a caret under the column. A line longer than
// kFrameWidth is shown as the kFrameWidth bytes around the column, cut ends marked "...".
inline constexpr size_t kFrameWidth = 100;
std::string error_frame(const esbuild::Message& e);

}  // namespace hr::orch

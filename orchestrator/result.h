// The answer to one recompile, as the CLI prints it: one JSON line with the build id, the action
// and its reason, what changed and what was rebuilt, the boundaries, compile errors with their
// locations, and timings. Its exit code: 0 applied or nothing to do, 1 compile errors, 2 a bad
// manifest or usage.
#pragma once

#include <string>
#include <vector>

#include "esbuild_bridge/types.h"

namespace hr::orch {

struct Timings {
  double read_ms = 0, plan_ms = 0, esbuild_ms = 0, push_ms = 0, total_ms = 0;
  double read_ahead_ms = -1;  // the manifest was read ahead, on its write, in this long
  double applied_ms = -1;     // with --wait-applied: until every browser acknowledged
};

struct RecompileResult {
  std::string build;
  std::string action = "none";  // none, css, js-update, full-reload
  std::string reason;
  std::vector<std::string> changed, rebuilt, boundaries;
  std::vector<esbuild::Message> errors;
  std::string fatal;  // a bad manifest: the message names the field
  size_t clients = 0;
  size_t acknowledged = 0;
  size_t merged = 1;  // recompiles merged into this one (bursts)
  Timings timings;

  int exit_code() const { return !fatal.empty() ? 2 : !errors.empty() ? 1 : 0; }
  std::string to_json() const;
};

}  // namespace hr::orch

// hr-orchestrate's two faces, joined by the control socket (control.h):
//
//   the compiler's call  `hr-orchestrate --manifest .web/manifest.json` finds the server for that
//                        manifest (starting one in the background if none runs), hands it the new
//                        manifest, and prints the decision as one JSON line;
//   the server           `hr-orchestrate serve --manifest ...` builds, serves and pushes updates
//                        (pipeline.h), in the foreground for process managers.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace hr::orch {

struct Config {
  std::filesystem::path manifest;  // absolute
  std::string host = "127.0.0.1";
  std::uint16_t port = 3000;
  std::string backend;  // overrides the manifest's `backend`
  std::string esbuild;  // overrides ESBUILD_BINARY_PATH and the pinned npm binary
  std::vector<std::string> allowed_hosts;
  std::string log_level = "info";
  std::string log_file;      // serve: the log's file (rotated); "" logs to stderr
  int wait_applied_ms = -1;  // the compiler's call: also wait for browsers' acknowledgements
  // The persistent module cache in the state folder (module_cache.h): off with --no-cache.
  bool module_cache = true;
  std::uint64_t cache_size_mb = 256;
  // Build every module before serving (--build-all), instead of the entries first and the rest
  // when asked for or in the background.
  bool build_all = false;
  // serve: a descriptor to write one byte to once serving (--ready-fd; the compiler's call starts
  // its background server with a pipe here, so it learns at once rather than by polling).
  int ready_fd = -1;
};

// The folder beside the manifest holding the control socket, the log and the deps cache.
std::filesystem::path state_dir(const Config& config);

int run_serve(const Config& config);      // foreground server; returns the exit code
int run_recompile(const Config& config);  // the compiler's call
int run_status(const Config& config);
int run_stop(const Config& config);
// `hr-orchestrate cache clear`: deletes the module cache in `state_dir` and says what went.
int run_cache_clear(const std::filesystem::path& state_dir);

}  // namespace hr::orch

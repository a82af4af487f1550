// The compiler's call with nothing to do, as a whole process (start to exit), against /bin/true
// started the same way in the same run (issue 17: "a recompile call's whole process ≤ 2×
// /bin/true's wall time"). Both are started with posix_spawn and waited for, alternating, so the
// machine's drift falls on both alike; a node or shell loop would add its own milliseconds to
// each and flatten the ratio.
//   call_start_bench BINARY MANIFEST [runs=300]
// The first call starts the server if none runs (not timed); the app's manifest must not change
// during the run, so every timed call is "none". Prints p50/p90 of both and the ratio of p50s,
// and the full program's (hr-orchestrate-full beside BINARY) for comparison.
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

extern char** environ;

namespace {

using Clock = std::chrono::steady_clock;

// Runs argv to its exit with stdout/stderr on /dev/null; returns the wall time in ms, or -1 when
// it did not exit 0.
double run_once(const std::vector<std::string>& args) {
  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
  const auto t0 = Clock::now();
  pid_t pid = 0;
  int rc = posix_spawn(&pid, argv[0], &fa, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  if (rc != 0) return -1;
  int status = 0;
  waitpid(pid, &status, 0);
  const double ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
  return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? ms : -1;
}

double percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(p * v.size()))];
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: call_start_bench BINARY MANIFEST [runs=300]\n");
    return 2;
  }
  const std::string binary = argv[1], manifest = argv[2];
  const int runs = argc > 3 ? std::atoi(argv[3]) : 300;
  const std::string full = binary.substr(0, binary.rfind('/') + 1) + "hr-orchestrate-full";
  const std::vector<std::vector<std::string>> peers = {
      {"/bin/true"},
      {binary, "--manifest", manifest, "--port", "0"},
      {full, "--manifest", manifest, "--port", "0"},
  };
  const char* names[] = {"/bin/true", "hr-orchestrate (the call)", "hr-orchestrate-full"};
  if (run_once(peers[1]) < 0) {
    std::fprintf(stderr, "the first call failed: is %s a manifest?\n", manifest.c_str());
    return 1;
  }
  std::vector<std::vector<double>> ms(peers.size());
  for (int i = 0; i < runs; ++i) {
    for (size_t p = 0; p < peers.size(); ++p) {
      const double t = run_once(peers[p]);
      if (t < 0) {
        std::fprintf(stderr, "%s failed on run %d\n", names[p], i);
        return 1;
      }
      ms[p].push_back(t);
    }
  }
  std::printf("%d runs each, alternating, start to exit (ms):\n", runs);
  for (size_t p = 0; p < peers.size(); ++p)
    std::printf("  %-28s p50 %.3f  p90 %.3f  = %.2fx /bin/true (p50)\n", names[p],
                percentile(ms[p], 0.5), percentile(ms[p], 0.9),
                percentile(ms[p], 0.5) / percentile(ms[0], 0.5));
  const double ratio = percentile(ms[1], 0.5) / percentile(ms[0], 0.5);
  std::printf("goal: the call <= 2x /bin/true: %.2fx, %s\n", ratio, ratio <= 2 ? "met" : "missed");
  return 0;
}

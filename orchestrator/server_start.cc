#include "orchestrator/server_start.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <thread>
#include <utility>
#include <vector>

#include <spdlog/spdlog.h>

#include "common/read_file.h"
#include "orchestrator/control.h"
#include "orchestrator/process_title.h"

namespace hr::orch {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

constexpr auto kStartTimeout = std::chrono::seconds(120);  // a 10,000-module cold start included
constexpr auto kPoll = std::chrono::milliseconds(20);
constexpr auto kDyingServerWait = std::chrono::seconds(10);

std::string os_error() {
  return std::strerror(errno);
}

// What was written to `file` from `from` on, its last `bytes` at most.
std::string written_since(const fs::path& file, off_t from, size_t bytes) {
  const std::string s = read_file_or_empty(file);
  const size_t start = from > 0 && static_cast<size_t>(from) <= s.size() ? from : 0;
  return s.substr(std::max(start, s.size() > bytes ? s.size() - bytes : 0));
}

// A descriptor closed when it goes out of scope (a flock taken on it goes with it).
struct Fd {
  int fd = -1;
  explicit Fd(int f) : fd(f) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

// The arguments that start a server like this call would have.
std::vector<std::string> serve_args(const Config& c, const fs::path& log) {
  std::vector<std::string> a = {"hr-orchestrate", "serve",     "--manifest", c.manifest.string(),
                                "--host",         c.host,      "--port",     std::to_string(c.port),
                                "--log-level",    c.log_level, "--log-file", log.string()};
  if (!c.backend.empty()) a.insert(a.end(), {"--backend", c.backend});
  if (!c.esbuild.empty()) a.insert(a.end(), {"--esbuild", c.esbuild});
  for (const auto& h : c.allowed_hosts) a.insert(a.end(), {"--allow-host", h});
  if (!c.module_cache) a.push_back("--no-cache");
  if (c.build_all) a.push_back("--build-all");
  a.insert(a.end(), {"--cache-size-mb", std::to_string(c.cache_size_mb)});
  return a;
}

// Waits for the lock on `fd` until the start timeout: the holder is starting a server, which
// takes as long as its cold start.
Result<void> lock(const Fd& fd, const fs::path& path) {
  const auto deadline = Clock::now() + kStartTimeout;
  while (::flock(fd.fd, LOCK_EX | LOCK_NB) != 0) {
    if (errno != EWOULDBLOCK && errno != EINTR)
      return fail("cannot lock " + path.string() + ": " + os_error());
    if (Clock::now() > deadline)
      return fail("another call has been starting the server for 120 s (it holds " + path.string() +
                  ")");
    std::this_thread::sleep_for(kPoll);
  }
  return {};
}

// The descriptor the server gets its ready pipe on (--ready-fd): the first after stdio.
constexpr int kReadyFd = 3;

// The title the server shows in `ps`: the command line that starts the same server in the
// foreground.
std::string title_of(const std::vector<std::string>& args) {
  std::string title;
  for (const auto& a : args) title += (title.empty() ? "" : " ") + a;
  return title;
}

// In the child: the server, detached from the caller. The caller (the compiler's call) has one
// thread, so the child may allocate and run as any process does; it keeps the caller's loaded
// program rather than executing it again, which saved 15-25 ms of a restart here (the dynamic
// loading and page faults of a second start of this binary). Its environment is the caller's:
// `hr-orchestrate` gives the full program glibc's huge-page tunable (quick_call.cc).
[[noreturn]] void become_server(Config config, const fs::path& log_file, int log, int ready) {
  ::setsid();
  const int in = ::open("/dev/null", O_RDONLY);
  if (in < 0 || ::dup2(in, 0) < 0 || ::dup2(log, 1) < 0 || ::dup2(log, 2) < 0) ::_exit(127);
  if (ready != kReadyFd && ::dup2(ready, kReadyFd) < 0) ::_exit(127);
  ::close_range(kReadyFd + 1, UINT_MAX, 0);  // nothing else of the caller's: sockets, the lock
  config.log_file = log_file;
  config.ready_fd = kReadyFd;
  set_process_title(title_of(serve_args(config, log_file)));
  std::exit(run_serve(config));
}

// What the server said on the ready pipe.
struct ReadyWord {
  enum class What { serving, manifest_refused, nothing } what = What::nothing;
  std::string reason;  // manifest_refused: why
};

constexpr char kServing = 'R';
constexpr char kManifestRefused = 'M';

// Reads the pipe until its end (the server closes it after its word) or the start timeout.
ReadyWord wait_ready(int ready) {
  const auto deadline = Clock::now() + kStartTimeout;
  std::string said;
  for (;;) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) break;
    pollfd p{ready, POLLIN, 0};
    const int n = ::poll(&p, 1, static_cast<int>(std::min<long long>(left, INT_MAX)));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    char buf[4096];
    const ssize_t got = ::read(ready, buf, sizeof buf);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) break;
    said.append(buf, static_cast<size_t>(got));
    if (said[0] == kServing) return {ReadyWord::What::serving, {}};
  }
  if (!said.empty() && said[0] == kManifestRefused)
    return {ReadyWord::What::manifest_refused, said.substr(1)};
  return {};
}

// How a server that did not say it serves ended: its exit status and the end of its log, or a
// timeout. A server that closed the pipe but still runs is given the time a start may take.
Result<bool> not_ready(pid_t pid, const StateFiles& files, off_t log_start,
                       Clock::time_point deadline) {
  int status = 0;
  while (Clock::now() < deadline) {
    if (::waitpid(pid, &status, WNOHANG) == pid) {
      const std::string said = written_since(files.log, log_start, 4000);
      return fail("the server exited while starting (status " +
                  std::to_string(WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status)) +
                  "); the end of " + files.log.string() + ":\n" + said);
    }
    if (control_alive(files.control_socket)) return true;
    std::this_thread::sleep_for(kPoll);
  }
  return fail("the server did not start within 120 s; see " + files.log.string());
}

Result<bool> start(const Config& c, const StateFiles& files) {
  wait_for_dying_server(files);
  Fd log(::open(files.log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644));
  if (log.fd < 0)
    return fail("cannot open the server log " + files.log.string() + ": " + os_error());
  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0)
    return fail("cannot start the server: pipe failed: " + os_error());
  Fd ready_read(pipe_fds[0]), ready_write(pipe_fds[1]);
  // A caller started with stdin, stdout or stderr closed got the pipe there: the child's own
  // stdio would take its place.
  if (ready_write.fd < kReadyFd) {
    const int above = ::fcntl(ready_write.fd, F_DUPFD_CLOEXEC, kReadyFd);
    if (above < 0) return fail("cannot start the server: fcntl failed: " + os_error());
    ::close(std::exchange(ready_write.fd, above));
  }
  const off_t log_start = ::lseek(log.fd, 0, SEEK_END);
  const auto deadline = Clock::now() + kStartTimeout;
  std::fflush(nullptr);  // nothing buffered is written twice
  const pid_t pid = ::fork();
  if (pid < 0) return fail("cannot start the server: fork failed: " + os_error());
  if (pid == 0) become_server(c, files.log, log.fd, ready_write.fd);
  ::close(std::exchange(ready_write.fd, -1));  // the pipe closes when the server's end does
  ReadyWord word = wait_ready(ready_read.fd);
  if (word.what == ReadyWord::What::serving) return true;
  if (word.what == ReadyWord::What::manifest_refused) {
    ::waitpid(pid, nullptr, 0);  // it exits once it said so
    Error e;
    e.kind = ErrorKind::bad_input;
    e.message = std::move(word.reason);
    return e;
  }
  return not_ready(pid, files, log_start, deadline);
}

}  // namespace

void wait_for_dying_server(const StateFiles& files) {
  Fd fd(::open(files.server_lock.c_str(), O_RDWR | O_CLOEXEC));
  if (fd.fd < 0) return;  // no server ever ran here
  const auto deadline = Clock::now() + kDyingServerWait;
  while (::flock(fd.fd, LOCK_EX | LOCK_NB) != 0 && Clock::now() < deadline)
    std::this_thread::sleep_for(kPoll);
}  // the lock, if taken, goes with fd

Result<void> keep_ready_fd(int fd) {
  // esbuild and the other children must not hold it: its closing says the server is gone.
  if (fd >= 0 && ::fcntl(fd, F_SETFD, FD_CLOEXEC) != 0)
    return fail("--ready-fd " + std::to_string(fd) + ": not an open descriptor");
  return {};
}

namespace {

void say(int fd, const std::string& word) {
  if (fd < 0) return;
  if (::write(fd, word.data(), word.size()) != static_cast<ssize_t>(word.size()))
    spdlog::warn("--ready-fd {}: cannot write: {}", fd, os_error());
  ::close(fd);
}

}  // namespace

void say_ready(int fd) {
  say(fd, std::string(1, kServing));
}

void say_manifest_refused(int fd, const std::string& reason) {
  say(fd, kManifestRefused + reason);
}

StateFiles state_files(const Config& config) {
  const fs::path dir = state_dir(config);
  return {dir, dir / kControlSocketName, dir / "server.log", dir / "start.lock",
          dir / "server.lock"};
}

Result<bool> ensure_server(const Config& config) {
  const StateFiles files = state_files(config);
  std::error_code ec;
  fs::create_directories(files.dir, ec);
  if (ec) return fail("cannot create the state folder " + files.dir.string() + ": " + ec.message());
  Fd lock_fd(::open(files.start_lock.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644));
  if (lock_fd.fd < 0)
    return fail("cannot start the server: cannot create " + files.start_lock.string() + ": " +
                os_error());
  if (auto locked = lock(lock_fd, files.start_lock); !locked) return locked.error();
  if (control_alive(files.control_socket)) return false;  // another caller started it
  return start(config, files);
}

Result<int> lock_state_folder(const StateFiles& files) {
  std::error_code ec;
  fs::create_directories(files.dir, ec);
  if (ec) return fail("cannot create the state folder " + files.dir.string() + ": " + ec.message());
  const int fd = ::open(files.server_lock.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0)
    return fail("cannot create " + files.server_lock.string() + ": " + std::strerror(errno));
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    ::close(fd);
    return fail("another hr-orchestrate already serves this app (it holds " +
                files.server_lock.string() + ")");
  }
  return fd;
}

}  // namespace hr::orch

// `hr-orchestrate`, the executable the compiler runs after every recompile. Its common case is one
// request to a server that already runs: connect to .hr/control.sock, send the recompile, print
// the one JSON line that comes back, exit with the code the server put in it. That path is this
// file alone, linked statically against libc and nothing else, so a call costs about what starting
// /bin/true costs (issue 17: the full program loads OpenSSL, Boost.JSON, spdlog and
// program_options, about 5 ms of CPU before it does anything).
//
// Everything else — no server yet, a server that died during the call, `serve`, `status`, `stop`,
// --help, a flag this file does not know, a malformed command line — is handed to the full
// program, `hr-orchestrate-full` beside this executable, by execv with the same arguments, so every
// command and flag behaves exactly as it does there. The request and the reply are the control
// protocol (docs/control-protocol.md); the JSON written here is one flat object with two strings,
// and the reply is read only for its leading "exit" member, which the server writes first.
// Hand-written on purpose: a JSON library would cost this path the start-up it exists to avoid.
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

#include "orchestrator/control_protocol.h"

namespace {

constexpr int kCallTimeoutMs = 5 * 60 * 1000;  // the full CLI's kCallTimeout

struct Call {
  std::string manifest;  // as given
  long wait_applied_ms = -1;
};

// The one JSON line the compiler reads whatever happened (result.h, server_failure_json).
[[noreturn]] void server_failed(const std::string& why) {
  std::fprintf(stderr, "hr-orchestrate: %s\n", why.c_str());
  std::printf(
      "{\"exit\":3,\"build\":\"\",\"action\":\"error\",\"reason\":\"%s\",\"error\":\"server\","
      "\"changed\":[],\"rebuilt\":[],\"boundaries\":[],\"errors\":[]}\n",
      hr::orch::json_escape(why).c_str());
  std::exit(3);
}

// The full program's environment gets, unless the caller set glibc's tunables, malloc backed by
// transparent huge pages where the kernel gives them on request (glibc 2.35+; an older one ignores
// the names), its heap grown 16 MiB at a time. It is meant for the server, which the full program
// forks when it starts one (server_start.cc): a restart allocates its maps and strings afresh, and
// on a VM whose page faults are slow (9-12 us each, seen here) 2 MiB pages cut a 2,000-module
// restart by about 30%. Grown in small steps, the heap's newest part was still faulted in 4 KiB at
// a time: with the 16 MiB steps the server's start took 1,112 page faults instead of 1,878 and the
// restart 72 ms instead of 82 (means of 12), for the same resident memory once serving.
constexpr const char* kServerTunables = "glibc.malloc.hugetlb=1:glibc.malloc.top_pad=16777216";

[[noreturn]] void run_full_program(char** argv) {
  ::setenv("GLIBC_TUNABLES", kServerTunables, 0);
  char self[PATH_MAX];
  ssize_t n = ::readlink("/proc/self/exe", self, sizeof self - 1);
  std::string full = n > 0 ? std::string(self, n) : std::string(argv[0]);
  full = full.substr(0, full.rfind('/') + 1) + "hr-orchestrate-full";
  ::execv(full.c_str(), argv);
  server_failed("cannot run " + full + ": " + std::strerror(errno));
}

// The compiler's call with the flags that matter once a server runs (--port, --host, --backend,
// --esbuild, --allow-host, --log-level, --log-file, --no-cache, --cache-size-mb and --build-all
// only shape a server the call would start): anything else is for the full program.
std::optional<Call> parse(int argc, char** argv) {
  Call c;
  for (int i = 1; i < argc; ++i) {
    std::string_view a = argv[i];
    auto value = [&](std::string_view name) -> std::optional<std::string_view> {
      if (a == name)
        return i + 1 < argc ? std::optional<std::string_view>(argv[++i]) : std::nullopt;
      if (a.size() > name.size() + 1 && a.substr(0, name.size()) == name && a[name.size()] == '=')
        return a.substr(name.size() + 1);
      return std::nullopt;
    };
    if (auto m = a == "-m" ? value("-m") : value("--manifest")) {
      c.manifest = *m;
    } else if (a == "--wait-applied") {
      c.wait_applied_ms = 10000;  // the full CLI's implicit value
    } else if (auto w = value("--wait-applied")) {
      char* end = nullptr;
      c.wait_applied_ms = std::strtol(std::string(*w).c_str(), &end, 10);
      if (w->empty() || *end != '\0' || c.wait_applied_ms < 0) return std::nullopt;
    } else if (a != "--no-cache" && a != "--build-all" &&
               !(a == "-p" ? value("-p") : value("--port")) && !value("--host") &&
               !value("--backend") && !value("--esbuild") && !value("--allow-host") &&
               !value("--log-level") && !value("--log-file") && !value("--cache-size-mb")) {
      return std::nullopt;
    }
  }
  if (c.manifest.empty()) return std::nullopt;
  return c;
}

// The manifest's absolute path, spelled as the full program spells it (std::filesystem's
// absolute + lexically_normal): the server compares it with the one it serves.
std::string absolute_normal(const std::string& path) {
  std::string in = path;
  if (in.front() != '/') {
    char cwd[PATH_MAX];
    if (!::getcwd(cwd, sizeof cwd)) return "";
    in = std::string(cwd) + "/" + in;
  }
  std::string out;
  size_t i = 0;
  while (i < in.size()) {
    size_t j = in.find('/', i);
    if (j == std::string::npos) j = in.size();
    std::string_view part(in.data() + i, j - i);
    if (part == "..") {
      if (out.size() > 1) out.erase(out.rfind('/') == 0 ? 1 : out.rfind('/'));
    } else if (!part.empty() && part != ".") {
      if (out.empty() || out.back() != '/') out += '/';
      out += part;
    }
    i = j + 1;
  }
  return out.empty() ? "/" : out;
}

int connect_control(const std::string& manifest) {
  const std::string socket = manifest.substr(0, manifest.rfind('/') + 1) +
                             std::string(hr::orch::kStateDirName) + "/" +
                             std::string(hr::orch::kControlSocketName);
  sockaddr_un addr{};
  if (socket.size() >= sizeof addr.sun_path) return -1;
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path, socket.c_str(), socket.size() + 1);
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

std::string request(const std::string& manifest, long wait_applied_ms) {
  timespec now{};
  ::clock_gettime(CLOCK_MONOTONIC, &now);  // steady_clock's clock: see daemon.cc, call_started
  const long long sent = static_cast<long long>(now.tv_sec) * 1000000000LL + now.tv_nsec;
  std::string r =
      "{\"cmd\":\"recompile\",\"protocol\":" + std::to_string(hr::orch::kControlProtocol) +
      ",\"manifest\":\"" + hr::orch::json_escape(manifest) +
      "\",\"sent_at_ns\":" + std::to_string(sent);
  if (wait_applied_ms >= 0) r += ",\"wait_applied_ms\":" + std::to_string(wait_applied_ms);
  return r + "}\n";
}

bool send_all(int fd, const std::string& data) {
  for (size_t done = 0; done < data.size();) {
    ssize_t n = ::send(fd, data.data() + done, data.size() - done, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<size_t>(n);
  }
  return true;
}

// The reply's line; `lost` when the server closed the connection without one, `timed_out` when it
// did not answer in time.
struct Reply {
  std::string line;
  bool lost = false, timed_out = false;
};

Reply read_reply(int fd) {
  std::string in;
  char buf[16384];
  for (;;) {
    pollfd p{fd, POLLIN, 0};
    int ready = ::poll(&p, 1, kCallTimeoutMs);
    if (ready < 0 && errno == EINTR) continue;
    if (ready == 0) return {"", false, true};
    ssize_t n = ready < 0 ? -1 : ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return {"", true, false};
    in.append(buf, static_cast<size_t>(n));
    if (size_t end = in.find('\n'); end != std::string::npos) return {in.substr(0, end)};
  }
}

// The exit code the server wrote first in a recompile's answer; an answer without one (a refused
// request) is a server failure.
int exit_code_of(const std::string& reply) {
  constexpr std::string_view kExit = "{\"exit\":";
  if (reply.compare(0, kExit.size(), kExit) != 0 || reply.size() <= kExit.size()) return 3;
  const char d = reply[kExit.size()];
  return d >= '0' && d <= '9' ? d - '0' : 3;
}

}  // namespace

int main(int argc, char** argv) {
  const std::optional<Call> call = parse(argc, argv);
  if (!call) run_full_program(argv);
  const std::string manifest = absolute_normal(call->manifest);
  const int fd = manifest.empty() ? -1 : connect_control(manifest);
  if (fd < 0) run_full_program(argv);  // no server: the full program starts one
  Reply reply;
  reply.lost = !send_all(fd, request(manifest, call->wait_applied_ms));
  if (!reply.lost) reply = read_reply(fd);
  ::close(fd);
  // A server that died during the call: the full program waits it out, starts another and asks
  // again (cli.cc, run_recompile).
  if (reply.lost) run_full_program(argv);
  if (reply.timed_out) server_failed("the server did not answer within 5 minutes");
  std::fwrite(reply.line.data(), 1, reply.line.size(), stdout);
  std::fputc('\n', stdout);
  return exit_code_of(reply.line);
}

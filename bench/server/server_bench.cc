// Dev server benchmark: wrk (Debian's) against a module served from memory and against a proxied
// backend route (the node backend of tests/server), then 200 HMR WebSocket clients receiving one
// broadcast. Prints requests/s and p99 from wrk, and for the broadcast the time until the last
// client had the message and the spread between first and last.
// Usage: server_bench [seconds=10] [connections=50]
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <spdlog/spdlog.h>
#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <chrono>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "server/server.h"

extern char** environ;
using Clock = std::chrono::steady_clock;

namespace {

std::string run(const std::string& cmd) {
  std::string out;
  FILE* p = ::popen(cmd.c_str(), "r");
  if (!p) return out;
  char buf[4096];
  while (std::size_t n = std::fread(buf, 1, sizeof buf, p)) out.append(buf, n);
  ::pclose(p);
  return out;
}

// "Requests/sec:  12345.67" and the "99%" latency line of `wrk --latency`.
void report_wrk(const char* what, const std::string& out) {
  auto field = [&](const std::string& key) {
    std::size_t at = out.find(key);
    if (at == std::string::npos) return std::string("?");
    std::size_t start = out.find_first_not_of(' ', at + key.size());
    return out.substr(start, out.find('\n', start) - start);
  };
  std::printf("%-28s requests/s: %-12s p99: %s\n", what, field("Requests/sec:").c_str(),
              field("     99%").c_str());
  if (out.find("Non-2xx") != std::string::npos)
    std::printf("  (wrk saw non-2xx answers!)\n%s", out.c_str());
}

pid_t start_backend(std::uint16_t& port, int& stdin_fd) {
  int in[2], out[2];
  if (::pipe(in) != 0 || ::pipe(out) != 0) return -1;
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in[0], 0);
  posix_spawn_file_actions_adddup2(&actions, out[1], 1);
  const char* argv[] = {"/usr/bin/node", HR_SOURCE_DIR "/tests/server/backend.js", nullptr};
  pid_t pid = -1;
  posix_spawn(&pid, argv[0], &actions, nullptr, const_cast<char**>(argv), environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(in[0]);
  ::close(out[1]);
  stdin_fd = in[1];
  char buf[32] = {};
  pollfd p{out[0], POLLIN, 0};
  if (::poll(&p, 1, 10000) > 0 && ::read(out[0], buf, sizeof buf - 1) > 0)
    port = static_cast<std::uint16_t>(std::atoi(buf));
  ::close(out[0]);
  return pid;
}

int ws_client(std::uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) return -1;
  std::string req =
      "GET /@hr/ws HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
      "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
  ::send(fd, req.data(), req.size(), MSG_NOSIGNAL);
  // Read the 101 head and the `connected` frame (22 bytes) before the broadcast.
  std::string got;
  const std::size_t want = 129 + 22;  // 101 head length + frame
  while (got.find("\r\n\r\n") == std::string::npos || got.size() < got.find("\r\n\r\n") + 4 + 22) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 5000) <= 0) return -1;
    char buf[512];
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) return -1;
    got.append(buf, static_cast<std::size_t>(n));
  }
  (void)want;
  return fd;
}

void broadcast_bench(hr::server::Server& server, std::uint16_t port, int clients) {
  std::vector<int> fds;
  for (int i = 0; i < clients; ++i) {
    int fd = ws_client(port);
    if (fd < 0) {
      std::printf("broadcast: client %d failed to connect\n", i);
      return;
    }
    fds.push_back(fd);
  }
  while (server.client_count() < static_cast<std::size_t>(clients))
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  int ep = ::epoll_create1(0);
  for (std::size_t i = 0; i < fds.size(); ++i) {
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u64 = i;
    ::epoll_ctl(ep, EPOLL_CTL_ADD, fds[i], &ev);
  }
  std::string msg =
      R"({"type":"update","updates":[{"type":"js-update","path":"/app/counter.jsx","acceptedPath":"/app/counter.jsx","timestamp":1}]})";
  std::vector<double> at(fds.size(), -1);
  auto t0 = Clock::now();
  server.broadcast(msg);
  std::size_t done = 0;
  std::vector<epoll_event> events(256);
  while (done < fds.size()) {
    int n = ::epoll_wait(ep, events.data(), static_cast<int>(events.size()), 5000);
    if (n <= 0) break;
    auto now = Clock::now();
    for (int k = 0; k < n; ++k) {
      std::size_t i = events[k].data.u64;
      char buf[512];
      if (::recv(fds[i], buf, sizeof buf, 0) > 0 && at[i] < 0) {
        at[i] = std::chrono::duration<double, std::milli>(now - t0).count();
        ++done;
      }
    }
  }
  std::vector<double> got;
  for (double a : at)
    if (a >= 0) got.push_back(a);
  std::sort(got.begin(), got.end());
  if (got.empty()) {
    std::printf("broadcast: no client received the message\n");
  } else {
    std::printf(
        "broadcast to %d clients: %zu received; first %.3f ms, last %.3f ms, spread %.3f ms\n",
        clients, got.size(), got.front(), got.back(), got.back() - got.front());
  }
  ::close(ep);
  for (int fd : fds) ::close(fd);
}

}  // namespace

int main(int argc, char** argv) {
  int seconds = argc > 1 ? std::atoi(argv[1]) : 10;
  int connections = argc > 2 ? std::atoi(argv[2]) : 50;
  spdlog::set_level(spdlog::level::warn);
  ::signal(SIGPIPE, SIG_IGN);
  std::uint16_t backend_port = 0;
  int backend_stdin = -1;
  pid_t backend = start_backend(backend_port, backend_stdin);

  boost::asio::io_context io;
  hr::server::Options options;
  options.backend = "http://127.0.0.1:" + std::to_string(backend_port);
  hr::server::Server server(io, options);
  auto port = server.start();
  if (!port) {
    std::fprintf(stderr, "%s\n", port.error().message.c_str());
    return 1;
  }
  hr::server::Site site;
  std::string module = "import { useState } from 'react';\n";
  while (module.size() < 4096)
    module += "export function Counter() { const [n, setN] = useState(0); return n; }\n";
  site.modules["/app/counter.jsx"] = hr::server::make_asset(module);
  server.publish(site);
  std::thread io_thread([&] { io.run(); });

  std::string base = "http://127.0.0.1:" + std::to_string(*port);
  std::string wrk =
      "wrk -t1 -c" + std::to_string(connections) + " -d" + std::to_string(seconds) + "s --latency ";
  std::printf("server on %s, wrk -t1 -c%d -d%ds, module %zu bytes\n", base.c_str(), connections,
              seconds, module.size());
  report_wrk("module (served from memory)", run(wrk + base + "/app/counter.jsx 2>&1"));
  report_wrk("proxy (node backend /hello)", run(wrk + base + "/hello 2>&1"));
  broadcast_bench(server, *port, 200);

  boost::asio::post(io, [&] { server.stop(); });
  io.stop();
  io_thread.join();
  if (backend > 0) {
    ::close(backend_stdin);
    ::kill(backend, SIGTERM);
    ::waitpid(backend, nullptr, 0);
  }
  return 0;
}

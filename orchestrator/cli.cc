// The hr-orchestrate command line: the compiler's call (the default), serve, status, stop.
#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <boost/program_options.hpp>
#include <chrono>
#include <iostream>
#include <thread>

#include "common/read_file.h"
#include "orchestrator/control.h"
#include "orchestrator/orchestrator.h"

namespace hr::orch {

namespace fs = std::filesystem;
namespace po = boost::program_options;
namespace json = boost::json;

namespace {

constexpr auto kStartTimeout = std::chrono::seconds(120);  // a 10,000-module cold start included
constexpr auto kCallTimeout = std::chrono::minutes(5);

fs::path control_socket(const Config& c) {
  return state_dir(c) / "control.sock";
}
fs::path log_file(const Config& c) {
  return state_dir(c) / "server.log";
}

std::string tail(const fs::path& file, size_t bytes) {
  const std::string s = hr::read_file_or_empty(file);
  return s.size() > bytes ? s.substr(s.size() - bytes) : s;
}

// The arguments that start a server like this call would have.
std::vector<std::string> serve_args(const Config& c) {
  std::vector<std::string> a = {"hr-orchestrate", "serve",    "--manifest", c.manifest.string(),
                                "--host",         c.host,     "--port",     std::to_string(c.port),
                                "--log-level",    c.log_level};
  if (!c.backend.empty()) a.insert(a.end(), {"--backend", c.backend});
  if (!c.esbuild.empty()) a.insert(a.end(), {"--esbuild", c.esbuild});
  for (const auto& h : c.allowed_hosts) a.insert(a.end(), {"--allow-host", h});
  return a;
}

// Starts `serve` detached, its output in the state folder's log, and waits until it answers.
Result<bool> start_server(const Config& c) {
  std::error_code ignored;
  fs::create_directories(state_dir(c), ignored);
  const std::string self = fs::read_symlink("/proc/self/exe").string();
  const auto args = serve_args(c);
  const std::string log = log_file(c).string();
  const pid_t pid = fork();
  if (pid < 0) return fail("cannot start the server: fork failed");
  if (pid == 0) {
    setsid();
    const int out = open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    const int in = open("/dev/null", O_RDONLY);
    dup2(in, 0);
    dup2(out, 1);
    dup2(out, 2);
    std::vector<char*> argv;
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    execv(self.c_str(), argv.data());
    _exit(127);
  }
  const auto deadline = std::chrono::steady_clock::now() + kStartTimeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (control_alive(control_socket(c))) return true;
    int status = 0;
    if (waitpid(pid, &status, WNOHANG) == pid) {
      return fail("the server exited while starting; the end of " + log + ":\n" +
                  tail(log_file(c), 2000));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return fail("the server did not start within 120 s; see " + log);
}

int exit_code_of(const std::string& reply) {
  boost::system::error_code ec;
  json::value v = json::parse(reply, ec);
  if (ec || !v.is_object()) return 2;
  const auto& o = v.as_object();
  if (const auto* a = o.if_contains("action"); a && a->is_string() && a->as_string() == "error")
    return 2;
  if (const auto* e = o.if_contains("errors"); e && e->is_array() && !e->as_array().empty())
    return 1;
  return 0;
}

}  // namespace

int run_recompile(const Config& c) {
  json::object req{{"cmd", "recompile"}, {"manifest", c.manifest.string()}};
  // The server counts the call's time from here (see daemon.cc, call_started).
  req["sent_at_ns"] = std::chrono::duration_cast<std::chrono::nanoseconds>(
                          std::chrono::steady_clock::now().time_since_epoch())
                          .count();
  if (c.wait_applied_ms >= 0) req["wait_applied_ms"] = c.wait_applied_ms;
  // Straight to the running server (the common case: one connection per recompile); a server is
  // started only when none answers.
  auto reply = control_call(control_socket(c), json::serialize(req), kCallTimeout);
  if (!reply && !control_alive(control_socket(c))) {
    auto started = start_server(c);
    if (!started) {
      std::cerr << "hr-orchestrate: " << started.error().message << "\n";
      return 2;
    }
    auto status = control_call(control_socket(c), R"({"cmd":"status"})", std::chrono::seconds(10));
    std::string url = "?";
    if (status) {
      boost::system::error_code ec;
      auto v = json::parse(*status, ec);
      if (!ec && v.is_object() && v.as_object().contains("url"))
        url = json::value_to<std::string>(v.at("url"));
    }
    std::cerr << "hr-orchestrate: serving " << url
              << " (background server, log: " << log_file(c).string() << ")\n";
    reply = control_call(control_socket(c), json::serialize(req), kCallTimeout);
  }
  if (!reply) {
    std::cerr << "hr-orchestrate: " << reply.error().message << "\n";
    return 2;
  }
  std::cout << *reply << std::endl;
  return exit_code_of(*reply);
}

int run_status(const Config& c) {
  auto reply = control_call(control_socket(c), R"({"cmd":"status"})", std::chrono::seconds(10));
  if (!reply) {
    std::cerr << "hr-orchestrate: no server runs for " << c.manifest.string() << "\n";
    return 3;
  }
  std::cout << *reply << std::endl;
  return 0;
}

int run_stop(const Config& c) {
  auto reply = control_call(control_socket(c), R"({"cmd":"stop"})", std::chrono::seconds(10));
  if (!reply) {
    std::cerr << "hr-orchestrate: no server runs for " << c.manifest.string() << "\n";
    return 0;
  }
  for (int i = 0; i < 250 && control_alive(control_socket(c)); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  std::cerr << "hr-orchestrate: stopped the server for " << c.manifest.string() << "\n";
  return 0;
}

}  // namespace hr::orch

namespace {

namespace po = boost::program_options;

const char* kUsage =
    R"(hr-orchestrate: module-level hot reload for a Python framework's compiled React app.

Usage:
  hr-orchestrate --manifest .web/manifest.json [--wait-applied[=MS]]
      The compiler's call after every recompile. Finds the server for this manifest (starting one
      in the background if none runs; its log is .web/.hr/server.log), hands it the manifest, and
      prints one JSON line: build, action (none / css / js-update / full-reload), reason, changed,
      rebuilt, boundaries, errors, timings in ms (read, plan, esbuild, push, total from this call
      to the push; read_ahead when the server had read the manifest on its write). Exit 0:
      applied or nothing to do; 1: compile errors (the browser shows the overlay); 2: a bad
      manifest or bad usage.
  hr-orchestrate serve --manifest M [--port 3000] [--host 127.0.0.1] [--backend URL]
      The same server in the foreground, for process managers.
  hr-orchestrate status --manifest M     Print the running server's status as JSON.
  hr-orchestrate stop --manifest M       Stop the running server.

Options)";

hr::orch::Config parse(int argc, char** argv, std::string& command, bool& help) {
  hr::orch::Config c;
  std::string manifest;
  int port = c.port;
  po::options_description opts(kUsage);
  opts.add_options()("help,h", "show this help")(
      "manifest,m", po::value(&manifest),
      "the compiler's manifest (manifest v1), e.g. .web/manifest.json")(
      "port,p", po::value(&port)->default_value(3000),
      "port the dev server listens on (0: any free port)")(
      "host", po::value(&c.host)->default_value("127.0.0.1"),
      "address to listen on; keep loopback unless you need otherwise")(
      "backend", po::value(&c.backend),
      "URL of the framework's backend to proxy to (overrides the manifest's `backend`)")(
      "allow-host", po::value(&c.allowed_hosts)->composing(),
      "another Host name browsers may use (besides localhost, *.localhost, IP literals); "
      "repeatable")(
      "esbuild", po::value(&c.esbuild),
      "esbuild binary to run (default: $ESBUILD_BINARY_PATH, else the pinned npm package's)")(
      "wait-applied", po::value(&c.wait_applied_ms)->implicit_value(10000),
      "also wait (up to MS, default 10000) until every connected browser applied the update; adds "
      "timings.applied")("log-level", po::value(&c.log_level)->default_value("info"),
                         "trace, debug, info, warn, error, critical or off")(
      "command", po::value(&command), "serve, status or stop (default: the compiler's call)");
  po::positional_options_description pos;
  pos.add("command", 1);
  po::variables_map vm;
  po::store(po::command_line_parser(argc, argv).options(opts).positional(pos).run(), vm);
  po::notify(vm);
  help = vm.count("help") > 0;
  if (help) std::cout << opts << "\n";
  if (!help && manifest.empty()) throw po::error("--manifest is required");
  if (port < 0 || port > 65535) throw po::error("--port must be 0 to 65535");
  c.port = static_cast<std::uint16_t>(port);
  if (!manifest.empty()) c.manifest = std::filesystem::absolute(manifest).lexically_normal();
  return c;
}

}  // namespace

int main(int argc, char** argv) {
  std::string command;
  bool help = false;
  hr::orch::Config config;
  try {
    config = parse(argc, argv, command, help);
  } catch (const std::exception& e) {
    std::cerr << "hr-orchestrate: " << e.what() << " (see --help)\n";
    return 2;
  }
  if (help) return 0;
  spdlog::set_level(spdlog::level::from_str(config.log_level));
  if (command.empty()) return hr::orch::run_recompile(config);
  if (command == "serve") return hr::orch::run_serve(config);
  if (command == "status") return hr::orch::run_status(config);
  if (command == "stop") return hr::orch::run_stop(config);
  std::cerr << "hr-orchestrate: unknown command \"" << command << "\" (see --help)\n";
  return 2;
}

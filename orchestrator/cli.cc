// The hr-orchestrate command line: the compiler's call (the default), serve, status, stop.
#include <spdlog/spdlog.h>

#include <boost/json.hpp>
#include <boost/program_options.hpp>
#include <chrono>
#include <iostream>
#include <optional>
#include <thread>

#include "orchestrator/control.h"
#include "orchestrator/orchestrator.h"
#include "orchestrator/process_title.h"
#include "orchestrator/result.h"
#include "orchestrator/server_start.h"

namespace hr::orch {

namespace fs = std::filesystem;
namespace po = boost::program_options;
namespace json = boost::json;

namespace {

constexpr auto kCallTimeout = std::chrono::minutes(5);
// A server may die during a call (killed, out of memory): its answer is lost, so the call starts
// another and asks again. Two starts at most: the first call's and one after a death.
constexpr int kMaxStarts = 2;

// A recompile's answer carries the exit code the server worked out (RecompileResult::exit_code);
// any other answer (a refused request) is a server failure.
int exit_code_of(const std::string& reply) {
  boost::system::error_code ec;
  json::value v = json::parse(reply, ec);
  const json::object* o = ec ? nullptr : v.if_object();
  const json::value* exit = o ? o->if_contains("exit") : nullptr;
  return exit && exit->is_int64() ? static_cast<int>(exit->as_int64()) : kExitServerFailed;
}

// After a call failed: whether no server answers. A server killed during the call closes our
// connection before the kernel has closed its listening socket, so a connect may still succeed
// for a moment: it is given a little time to go.
bool server_gone(const StateFiles& files) {
  for (int i = 0; i < 100; ++i) {
    if (!control_alive(files.control_socket)) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

// A request that is only its command: status or stop.
std::string command_request(const char* cmd) {
  return json::serialize(json::object{{"cmd", cmd}, {"protocol", kControlProtocol}});
}

std::string recompile_request(const Config& c) {
  json::object req{
      {"cmd", "recompile"}, {"protocol", kControlProtocol}, {"manifest", c.manifest.string()}};
  // The server counts the call's time from here (see daemon.cc, call_started).
  req["sent_at_ns"] = std::chrono::duration_cast<std::chrono::nanoseconds>(
                          std::chrono::steady_clock::now().time_since_epoch())
                          .count();
  if (c.wait_applied_ms >= 0) req["wait_applied_ms"] = c.wait_applied_ms;
  return json::serialize(req);
}

void say_serving(const StateFiles& files) {
  auto status =
      control_call(files.control_socket, command_request("status"), std::chrono::seconds(10));
  std::string url = "?";
  if (status) {
    boost::system::error_code ec;
    auto v = json::parse(*status, ec);
    if (!ec && v.is_object() && v.as_object().contains("url") && v.at("url").is_string())
      url = v.at("url").as_string();
  }
  std::cerr << "hr-orchestrate: serving " << url
            << " (background server, log: " << files.log.string() << ")\n";
}

// The compiler reads one JSON line on stdout whatever happened; the reason goes to stderr too.
int server_failed(const std::string& why) {
  std::cerr << "hr-orchestrate: " << why << "\n";
  std::cout << server_failure_json(why) << std::endl;
  return kExitServerFailed;
}

// A manifest the server refused to start with is the compiler's error, not a server failure.
int manifest_refused(const std::string& why) {
  std::cerr << "hr-orchestrate: " << why << "\n";
  RecompileResult r;
  r.fatal = why;
  std::cout << r.to_json() << std::endl;
  return kExitBadManifest;
}

}  // namespace

int run_recompile(const Config& c) {
  const StateFiles files = state_files(c);
  const std::string request = recompile_request(c);
  // Straight to the running server (the common case: one connection per recompile); a server is
  // started only when none answers.
  auto reply = control_call(files.control_socket, request, kCallTimeout);
  for (int starts = 0; !reply && starts < kMaxStarts && server_gone(files); ++starts) {
    if (starts > 0 || std::filesystem::exists(files.control_socket))
      std::cerr << "hr-orchestrate: the server is gone (" << reply.error().message
                << "); starting it again\n";
    auto started = ensure_server(c);
    if (!started && started.error().kind == ErrorKind::bad_input)
      return manifest_refused(started.error().message);
    if (!started) return server_failed(started.error().message);
    if (*started) say_serving(files);
    reply = control_call(files.control_socket, request, kCallTimeout);
  }
  if (!reply) return server_failed(reply.error().message);
  std::cout << *reply << std::endl;
  return exit_code_of(*reply);
}

namespace {

// `status` and `stop`: the server's answer, or nothing (said on stderr) when none runs.
std::optional<std::string> ask_server(const Config& c, const char* command) {
  auto reply = control_call(state_files(c).control_socket, command_request(command),
                            std::chrono::seconds(10));
  if (reply) return *reply;
  std::cerr << "hr-orchestrate: no server runs for " << c.manifest.string() << "\n";
  return std::nullopt;
}

}  // namespace

int run_status(const Config& c) {
  auto reply = ask_server(c, "status");
  if (!reply) return 3;
  std::cout << *reply << std::endl;
  return 0;
}

int run_stop(const Config& c) {
  if (!ask_server(c, "stop")) return 0;
  for (int i = 0; i < 250 && control_alive(state_files(c).control_socket); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  wait_for_dying_server(state_files(c));
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
      to the push; read_ahead when the server had read the manifest on its write; message from
      this call until the pages were sent the update or reload). Exit 0:
      applied or nothing to do; 1: compile errors (the browser shows the overlay); 2: a bad
      manifest or bad usage (JSON "error": "manifest"); 3: the server failed: it could not
      start, or died and could not be started again, or did not answer (JSON "error":
      "server"). The reason is also on stderr; stdout has nothing but the JSON line.
      Calls at once share one server start; a server that dies during a call is started
      again and asked once more.
  hr-orchestrate serve --manifest M [--port 3000] [--host 127.0.0.1] [--backend URL]
      The same server in the foreground, for process managers.
  hr-orchestrate status --manifest M     Print the running server's status as JSON (exit 3: none).
  hr-orchestrate stop --manifest M       Stop the running server.
  hr-orchestrate cache clear (--manifest M | --state-dir D)
      Delete the app's persistent module cache (D/cache/modules; D is .hr beside the manifest)
      with its import scans and URL tokens (D/cache/scans, D/cache/tokens), and print what
      went. Safe while a server runs: it builds what it no longer finds.

  The server keeps each module esbuild built in that cache, keyed by esbuild's version, the
  build options and the module's text: a restart builds only the modules that changed. Entries
  are checksummed (a bad one is logged, deleted and rebuilt); the least recently used go past
  --cache-size-mb. A start also keeps what each module imports, by the module's hash (the
  manifest's, else of its bytes), so a restart scans no unchanged file; and a server that stops
  keeps the URL every module had, so a restart names the modules it has not built yet at URLs
  the browser may hold. --no-cache neither reads nor writes any of them.

Options)";

// The command and its subcommand ("cache clear"), and --state-dir (cache clear's other way to
// name the app).
struct Command {
  std::string name, sub;
  std::filesystem::path state_dir;
  bool help = false;
};

// What program_options cannot check: `cache` takes `clear`, nothing else takes a second word,
// and every command but `cache clear --state-dir D` names the manifest.
void check_command(const Command& cmd, bool manifest_given) {
  if (cmd.name == "cache" && cmd.sub != "clear") throw po::error("cache: expected `cache clear`");
  if (cmd.name != "cache" && !cmd.sub.empty())
    throw po::error("unexpected argument \"" + cmd.sub + "\"");
  const bool needs_manifest = !(cmd.name == "cache" && !cmd.state_dir.empty());
  if (!cmd.help && needs_manifest && !manifest_given) throw po::error("--manifest is required");
}

// Where the strings of the command line go before they are checked.
struct Raw {
  std::string manifest, state_dir;
  int port = 3000;
};

po::options_description call_options(hr::orch::Config& c, Raw& raw, Command& cmd) {
  po::options_description opts(kUsage);
  opts.add_options()("help,h", "show this help")(
      "manifest,m", po::value(&raw.manifest),
      "the compiler's manifest (manifest v1), e.g. .web/manifest.json")(
      "wait-applied", po::value(&c.wait_applied_ms)->implicit_value(10000),
      "also wait (up to MS, default 10000) until every connected browser applied the update; adds "
      "timings.applied")("log-level", po::value(&c.log_level)->default_value("info"),
                         "trace, debug, info, warn, error, critical or off")(
      "state-dir", po::value(&raw.state_dir), "cache clear: the app's state folder (.web/.hr)")(
      "command", po::value(&cmd.name),
      "serve, status, stop or cache (default: the compiler's call)")(
      "subcommand", po::value(&cmd.sub), "cache: clear");
  return opts;
}

// What shapes a server: the one `serve` runs, or the one the compiler's call starts.
po::options_description server_options(hr::orch::Config& c, Raw& raw) {
  po::options_description opts("The server (serve, or the one the compiler's call starts)");
  opts.add_options()("port,p", po::value(&raw.port)->default_value(3000),
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
      "log-file", po::value(&c.log_file),
      "serve: write the log to this file, capped at 10 MB with one older file kept as FILE.1 "
      "(the background server's is .hr/server.log)")("build-all", po::bool_switch(&c.build_all),
                                                     "build every module before serving; by "
                                                     "default the entries are built first, a "
                                                     "module when a page first asks for it, and "
                                                     "the rest in the background")(
      "no-cache", po::bool_switch(), "serve without the persistent module cache")(
      "cache-size-mb", po::value(&c.cache_size_mb)->default_value(c.cache_size_mb),
      "the module cache's size limit in MiB; the least recently used entries go beyond it")(
      "ready-fd", po::value(&c.ready_fd),
      "serve: write \"R\" to this open descriptor once serving, or \"M\" and the reason when the "
      "manifest is refused, then close it (the compiler's call starts its background server with "
      "a pipe here)");
  return opts;
}

hr::orch::Config parse(int argc, char** argv, Command& cmd) {
  hr::orch::Config c;
  Raw raw;
  po::options_description opts = call_options(c, raw, cmd);
  opts.add(server_options(c, raw));
  po::positional_options_description pos;
  pos.add("command", 1).add("subcommand", 1);
  po::variables_map vm;
  po::store(po::command_line_parser(argc, argv).options(opts).positional(pos).run(), vm);
  po::notify(vm);
  cmd.help = vm.count("help") > 0;
  if (cmd.help) std::cout << opts << "\n";
  c.module_cache = !vm["no-cache"].as<bool>();
  if (!raw.state_dir.empty())
    cmd.state_dir = std::filesystem::absolute(raw.state_dir).lexically_normal();
  check_command(cmd, !raw.manifest.empty());
  if (raw.port < 0 || raw.port > 65535) throw po::error("--port must be 0 to 65535");
  c.port = static_cast<std::uint16_t>(raw.port);
  if (!raw.manifest.empty())
    c.manifest = std::filesystem::absolute(raw.manifest).lexically_normal();
  return c;
}

}  // namespace

int main(int argc, char** argv) {
  hr::orch::keep_command_line(argc, argv);  // for the title of a server forked from this call
  Command cmd;
  hr::orch::Config config;
  try {
    config = parse(argc, argv, cmd);
  } catch (const std::exception& e) {
    std::cerr << "hr-orchestrate: " << e.what() << " (see --help)\n";
    return 2;
  }
  if (cmd.help) return 0;
  spdlog::set_level(spdlog::level::from_str(config.log_level));
  const std::string& command = cmd.name;
  if (command.empty()) return hr::orch::run_recompile(config);
  if (command == "cache")
    return hr::orch::run_cache_clear(cmd.state_dir.empty() ? hr::orch::state_dir(config)
                                                           : cmd.state_dir);
  if (command == "serve") return hr::orch::run_serve(config);
  if (command == "status") return hr::orch::run_status(config);
  if (command == "stop") return hr::orch::run_stop(config);
  std::cerr << "hr-orchestrate: unknown command \"" << command << "\" (see --help)\n";
  return 2;
}

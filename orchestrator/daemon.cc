// `hr-orchestrate serve`: the long-lived server. Reads the manifest and builds the app (on a
// restart mostly from the module cache) while esbuild starts beside it, listens once both are done,
// then answers the control socket until SIGINT/SIGTERM or `hr-orchestrate stop`.
#include <spdlog/spdlog.h>

#include <boost/asio/signal_set.hpp>
#include <boost/json.hpp>
#include <chrono>
#include <cstdlib>
#include <optional>
#include <utility>

#include <unistd.h>

#include "orchestrator/control.h"
#include "orchestrator/daemon_setup.h"
#include "orchestrator/embedded_js.h"
#include "orchestrator/esbuild_builders.h"
#include "orchestrator/log_file.h"
#include "orchestrator/manifest_watch.h"
#include "orchestrator/orchestrator.h"
#include "orchestrator/pipeline.h"
#include "orchestrator/server_publisher.h"
#include "orchestrator/server_start.h"

namespace hr::orch {

namespace fs = std::filesystem;
namespace json = boost::json;
using Clock = std::chrono::steady_clock;

fs::path state_dir(const Config& config) {
  return config.manifest.parent_path() / kStateDirName;
}

namespace {

struct Daemon {
  const Config& config;
  boost::asio::io_context io;
  std::shared_ptr<esbuild::Service> esbuild;
  std::optional<Result<std::string>> esbuild_started;  // its handshake's outcome, once known
  std::optional<size_t> cold_built;                    // the cold start's modules, once it is done
  std::unique_ptr<server::Server> server;
  std::unique_ptr<EsbuildBuilders> builders;
  std::unique_ptr<ServerPublisher> publisher;
  std::unique_ptr<Pipeline> pipeline;
  std::unique_ptr<ControlServer> control;
  // The last manifest read: the next read takes its unchanged modules over instead of parsing.
  std::shared_ptr<graph::Manifest> last_read;
  // The manifest read when it was written, before the compiler's call (see manifest_watch.h).
  std::unique_ptr<ManifestWatch> watch;
  struct ReadAhead {
    std::shared_ptr<graph::Manifest> manifest;
    std::uint64_t generation = 0;
    FileStamp stamp;
    double ms = 0;
  };
  std::optional<ReadAhead> read_ahead;
  boost::asio::signal_set signals{io, SIGINT, SIGTERM};
  int exit_code = 0;
  bool stopping = false;
  int lock_fd = -1;            // server.lock, held while we run; released by the exit
  std::string backend_in_use;  // the manifest's `backend` the proxy points at

  explicit Daemon(const Config& c) : config(c) {}

  void shutdown(int code) {
    if (stopping) return;
    stopping = true;
    exit_code = code;
    spdlog::info("stopping");
    if (pipeline) pipeline->save_tokens();
    if (control) control->close();
    if (server) server->stop();
    auto timer = std::make_shared<boost::asio::steady_timer>(io, std::chrono::seconds(3));
    timer->async_wait([this, timer](auto) { io.stop(); });
    esbuild->stop([this] { io.stop(); });
  }

  void handle(const std::string& line, ControlServer::Reply reply) {
    boost::system::error_code ec;
    json::value req = json::parse(line, ec);
    const json::object* o = ec ? nullptr : req.if_object();
    const json::value* cmd = o ? o->if_contains("cmd") : nullptr;
    if (!cmd || !cmd->is_string()) return reply(R"({"error":"bad control request"})");
    // Status and stop are answered at any version, so a client of another version can still see
    // what runs (the status says its protocol) and stop it.
    if (cmd->as_string() == "status")
      return reply(R"({"protocol":)" + std::to_string(kControlProtocol) + "," +
                   pipeline->status_json().substr(1));
    if (cmd->as_string() == "stop") {
      reply(R"({"ok":true})");
      return boost::asio::post(io, [this] { shutdown(0); });
    }
    if (auto refused = protocol_mismatch(*o, config.manifest)) return reply(*refused);
    if (cmd->as_string() != "recompile") return reply(R"({"error":"unknown control command"})");
    const json::value* wait = o->if_contains("wait_applied_ms");
    const int wait_ms = wait && wait->is_int64() ? static_cast<int>(wait->as_int64()) : -1;
    recompile(wait_ms, call_started(*o), std::move(reply));
  }

  void recompile(int wait_ms, Clock::time_point started, ControlServer::Reply reply) {
    rewatch();
    Pipeline::CallRead read{started};
    if (auto ahead = take_read_ahead()) {
      read.read_ahead_ms = ahead->ms;
      return recompile_with(ahead->manifest, read, wait_ms, std::move(reply));
    }
    read_and_recompile(wait_ms, std::move(reply), 0, started);
  }

  // A compiler that deletes and recreates the manifest's folder ends the watch; the next call
  // watches the new folder.
  void rewatch() {
    if (!watch || watch->watching()) return;
    if (auto watching = watch->start(); watching)
      spdlog::info("watching the manifest's folder again (it was replaced)");
  }

  // On a complete write of the manifest: read it now, while the compiler starts its call.
  void on_manifest_written() {
    read_ahead.reset();
    const std::uint64_t generation = watch->generation();
    const auto before = stamp_of(config.manifest);
    const auto t0 = Clock::now();
    auto m = graph::read_manifest(config.manifest, last_read.get());
    const double ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
    // A bad or half-written manifest is left to the call, which reports it or reads it again. A
    // write during the read shows at the call, in the events or the stamp taken before it.
    if (!m || !before) return;
    read_ahead =
        ReadAhead{std::make_shared<graph::Manifest>(std::move(*m)), generation, *before, ms};
    pipeline->build_ahead(*read_ahead->manifest);
  }

  // The manifest read ahead, if nothing touched the file since.
  std::optional<ReadAhead> take_read_ahead() {
    std::optional<ReadAhead> ahead = std::exchange(read_ahead, std::nullopt);
    if (!ahead || !watch || !watch->watching()) return std::nullopt;
    if (watch->generation() != ahead->generation) return std::nullopt;
    const auto now = stamp_of(config.manifest);
    if (!now || !(*now == ahead->stamp)) return std::nullopt;
    return ahead;
  }

  // A manifest that is not even complete JSON is most likely still being written (a compiler
  // that writes in place rather than by rename): it is read again a few times before it counts
  // as bad.
  void read_and_recompile(int wait_ms, ControlServer::Reply reply, int attempt,
                          Clock::time_point started) {
    constexpr int kAttempts = 5;
    constexpr auto kPause = std::chrono::milliseconds(20);
    const auto t0 = Clock::now();
    auto manifest = graph::read_manifest(config.manifest, last_read.get());
    const double read_ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
    if (!manifest && attempt + 1 < kAttempts && manifest.error().kind == ErrorKind::unparsable) {
      auto timer = std::make_shared<boost::asio::steady_timer>(io, kPause);
      return timer->async_wait([this, timer, wait_ms, reply, attempt, started](auto) {
        read_and_recompile(wait_ms, reply, attempt + 1, started);
      });
    }
    if (!manifest) {
      // The last good build keeps serving; the compiler is told which field is wrong.
      spdlog::error("{}", manifest.error().message);
      RecompileResult r;
      r.fatal = manifest.error().message;
      return reply(r.to_json());
    }
    Pipeline::CallRead read{started, read_ms};
    recompile_with(std::make_shared<graph::Manifest>(std::move(*manifest)), read, wait_ms,
                   std::move(reply));
  }

  void recompile_with(std::shared_ptr<graph::Manifest> m, Pipeline::CallRead read, int wait_ms,
                      ControlServer::Reply reply) {
    if (auto followed = follow_backend(*m); !followed) {
      spdlog::error("{}", followed.error().message);
      RecompileResult r;
      r.fatal = followed.error().message;
      return reply(r.to_json());
    }
    last_read = m;
    pipeline->recompile(m, read, [this, wait_ms, reply](RecompileResult r) {
      if (wait_ms < 0) return reply(r.to_json());
      pipeline->wait_applied(std::move(r), wait_ms,
                             [reply](RecompileResult done) { reply(done.to_json()); });
    });
  }

  // The compiler may move its backend between recompiles (another port after a restart): the
  // proxy follows the manifest's `backend` unless --backend fixed it. A URL the proxy cannot use
  // refuses the whole manifest, so the server goes on serving the last good one as it was.
  Result<void> follow_backend(const graph::Manifest& m) {
    if (!config.backend.empty() || m.backend == backend_in_use) return {};
    if (auto set = server->set_backend(std::string(m.backend)); !set)
      return fail("/backend: " + set.error().message);
    spdlog::info("proxying to {} (the manifest's backend changed from {})",
                 m.backend.empty() ? "no backend" : std::string(m.backend),
                 backend_in_use.empty() ? "none" : backend_in_use);
    backend_in_use = std::string(m.backend);
    return {};
  }

  // With --build-all the cold start's child builds thousands of modules at once: with garbage
  // collection only near a memory limit it does so in about half the time (2,000 modules: 0.6 s
  // instead of 1.1 s; the limit measured best among 384 MiB to 6 GiB). It is replaced by a child
  // with Go's defaults once the app is built, which also hands its memory back. On demand, the
  // bulk is built after serving, in the background, where memory matters more than speed: Go's
  // defaults from the start.
  std::vector<std::string> cold_start_env() const {
    if (!config.build_all) return {};
    return {"GOGC=off", "GOMEMLIMIT=768MiB"};
  }

  // esbuild starts beside the cold start, which needs it only for what the module cache lacks
  // (its calls wait for the handshake meanwhile): on a restart its start is most of the work.
  // The server listens once both are done, so a server that listens has a working esbuild.
  void start_esbuild() {
    esbuild = esbuild::Service::create(io, {esbuild::find_esbuild_binary(config.esbuild),
                                            esbuild::pinned_esbuild_version(), cold_start_env()});
    esbuild->start([this](Result<std::string> r) {
      esbuild_started = std::move(r);
      if (!*esbuild_started) {
        // Nothing served yet and nothing to keep: out at once, before the cold start's builds
        // fail one by one (and retry) on an esbuild that cannot run.
        spdlog::error("{}", esbuild_started->error().message);
        spdlog::shutdown();
        std::_Exit(1);
      }
      esbuild->on_unexpected_exit([this](const std::string&) {
        if (stopping) return;
        esbuild->restart([this](Result<std::string> r) {
          if (!r) return spdlog::error("cannot restart esbuild: {}", r.error().message);
          pipeline->after_esbuild_restart();
        });
      });
      serve_when_ready();
    });
  }

  void serve_when_ready() {
    if (cold_built && esbuild_started && *esbuild_started && !stopping) serve(*cold_built);
  }

  // The server is made first (the pipeline publishes into it) but listens only once the first
  // build is published: a browser never meets a server with nothing to serve.
  void make_server(const graph::Manifest& m) {
    server::Options so;
    so.host = config.host;
    so.port = config.port;
    so.backend = config.backend.empty() ? std::string(m.backend) : config.backend;
    backend_in_use = std::string(m.backend);
    so.public_dir = m.root / std::string(m.public_dir);
    so.allowed_hosts = config.allowed_hosts;
    server = std::make_unique<server::Server>(io, so);
  }

  Result<std::string> listen() {
    auto port = server->start();
    if (!port)
      return fail("cannot serve on " + config.host + ":" + std::to_string(config.port) + ": " +
                  port.error().message);
    return "http://" + (config.host == "0.0.0.0" ? std::string("127.0.0.1") : config.host) + ":" +
           std::to_string(*port) + "/";
  }

  // After the first build: the HTTP server listens, then the control socket (which tells the
  // compiler's call that we serve).
  void serve(size_t modules) {
    auto url = listen();
    if (!url) {
      spdlog::error("{}", url.error().message);
      return shutdown(1);
    }
    pipeline->set_url(*url);
    auto listening = control->listen(state_files(config).control_socket);
    if (!listening) {
      spdlog::error("{}", listening.error().message);
      return shutdown(1);
    }
    spdlog::info("serving {} modules at {}", modules, *url);
    say_ready(config.ready_fd);
    pipeline->start_background();
    watch = std::make_unique<ManifestWatch>(io, config.manifest, [this] { on_manifest_written(); });
    if (auto watching = watch->start(); !watching)
      spdlog::info("no read ahead of the manifest: {}", watching.error().message);
  }

  // The pieces joined: the pipeline builds with esbuild and publishes into the server; browsers'
  // messages and the control socket go to it, signals to shutdown().
  void wire() {
    builders = std::make_unique<EsbuildBuilders>(*esbuild, open_module_cache(config, *server));
    publisher = std::make_unique<ServerPublisher>(*server);
    pipeline = std::make_unique<Pipeline>(io, *builders, *publisher, pipeline_options(config),
                                          client_js());
    server->on_demand({[this](std::string_view path) { return pipeline->unbuilt(path); },
                       [this](std::string_view path) { return pipeline->waits_for_build(path); },
                       [this](std::string path, std::function<void()> ready) {
                         pipeline->build_on_request(std::move(path), std::move(ready));
                       },
                       [this](std::string_view path) { pipeline->build_for_navigation(path); }});
    // Made when asked for: it changes with every acknowledgement, and a 10,000-module app's first
    // decision alone is hundreds of KiB, which every publish would copy.
    server->generated("/@hr/status", [this] { return pipeline->status_json(); });
    server->on_client_message(
        [this](std::uint64_t c, const std::string& t) { pipeline->on_client_message(c, t); });
    server->on_client_connect([this](std::uint64_t c) { pipeline->on_client_connect(c); });
    server->on_client_disconnect([this](std::uint64_t c) { pipeline->on_client_disconnect(c); });
    control = std::make_unique<ControlServer>(
        io, [this](const std::string& l, ControlServer::Reply r) { handle(l, std::move(r)); });
    signals.async_wait([this](auto ec, int) {
      if (!ec) shutdown(0);
    });
  }

  // The first build, then (with --build-all) a fresh esbuild with Go's defaults, then serve().
  void cold_start(graph::Manifest manifest) {
    auto m = std::make_shared<graph::Manifest>(std::move(manifest));
    last_read = m;
    pipeline->cold_start(m, [this](Result<size_t> r) {
      if (stopping) return;  // esbuild did not start: said so
      if (!r) {
        spdlog::error("cold start failed: {}", r.error().message);
        return shutdown(1);
      }
      // On demand, the bulk of the app is built after serving: the pipeline renews esbuild once
      // it is all built (renew_builders).
      if (!config.build_all) {
        cold_built = *r;
        return serve_when_ready();
      }
      esbuild->set_env({});
      esbuild->restart([this, modules = *r](Result<std::string> ready) {
        if (!ready) {
          spdlog::error("cannot restart esbuild after the cold start: {}", ready.error().message);
          return shutdown(1);
        }
        serve(modules);
      });
    });
  }

  int run() {
    auto locked = lock_state_folder(state_files(config));
    if (!locked) {
      spdlog::error("{}", locked.error().message);
      return 1;
    }
    lock_fd = *locked;
    start_esbuild();
    auto manifest = graph::read_manifest(config.manifest);
    if (!manifest) {
      spdlog::error("{}", manifest.error().message);
      say_manifest_refused(config.ready_fd, manifest.error().message);
      return 2;
    }
    make_server(*manifest);
    wire();
    cold_start(std::move(*manifest));
    io.run();
    return exit_code;
  }
};

}  // namespace

int run_serve(const Config& config) {
  if (auto kept = keep_ready_fd(config.ready_fd); !kept) {
    spdlog::error("{}", kept.error().message);
    return 2;
  }
  if (!config.log_file.empty()) {
    if (auto logging = log_to_file(config.log_file); !logging) {
      spdlog::error("{}", logging.error().message);
      return 1;
    }
  }
  Daemon d(config);
  return d.run();
}

}  // namespace hr::orch

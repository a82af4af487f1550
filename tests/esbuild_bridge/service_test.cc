// The service against the real esbuild binary of the pinned npm package: handshake, builds with
// C++ plugins, errors, incremental contexts, transform, idling, and a child that dies (its start:
// service_start_test.cc).
#include <signal.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include "tests/await_result.h"
#include "tests/hr_catch.h"

#include "esbuild_bridge/esbuild.h"

using namespace hr::esbuild;
namespace fs = std::filesystem;

namespace {

using hr::test::await_result;

void run_for(boost::asio::io_context& io, std::chrono::milliseconds d) {
  io.restart();
  io.run_for(d);
}

struct Fixture {
  boost::asio::io_context io;
  std::shared_ptr<Service> svc = Service::create(io, {find_esbuild_binary(), HR_ESBUILD_VERSION});
  fs::path dir = fs::temp_directory_path() /
                 ("hr-bridge-" + std::to_string(getpid()) + "-" + std::to_string(counter++));
  static inline int counter = 0;

  Fixture() {
    fs::create_directories(dir);
    auto v = await_result<std::string>(io, [&](auto cb) { svc->start(cb); });
    REQUIRE(v);
  }
  ~Fixture() {
    bool stopped = false;
    svc->stop([&] { stopped = true; });
    for (int i = 0; i < 50 && !stopped; ++i) run_for(io, std::chrono::milliseconds(100));
    fs::remove_all(dir);
  }
  void write(const std::string& name, const std::string& text) {
    std::ofstream(dir / name) << text;
  }
  BuildOptions options(const std::string& entry) {
    BuildOptions o;
    o.entry_points = {(dir / entry).string()};
    o.abs_working_dir = dir.string();
    o.flags = {"--bundle", "--format=esm", "--outdir=" + (dir / "out").string()};
    return o;
  }
  hr::Result<BuildResult> build(BuildOptions o, std::optional<Plugin> p = std::nullopt) {
    return await_result<BuildResult>(io, [&](auto cb) { svc->build(o, p, cb); });
  }
};

// A plugin whose on-load hook kills esbuild (`pid`) while its build is in flight.
Plugin kills_child_on_load(int pid) {
  Plugin p;
  p.on_load.push_back({".*", "", [pid](const OnLoadArgs&) {
                         ::kill(pid, SIGKILL);
                         return std::optional<OnLoadResult>();
                       }});
  return p;
}

}  // namespace

TEST_CASE("the handshake reports the pinned version") {
  Fixture f;
  CHECK(f.svc->running());
  CHECK(f.svc->pid() > 0);
}

namespace {
std::string environment_of(int pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/environ", std::ios::binary);
  std::string env((std::istreambuf_iterator<char>(in)), {});
  std::replace(env.begin(), env.end(), '\0', '\n');
  return "\n" + env;
}
}  // namespace

TEST_CASE("the child gets the extra environment of its start, and a restart takes a new one") {
  Fixture f;
  CHECK(environment_of(f.svc->pid()).find("\nGOGC=") == std::string::npos);
  f.svc->set_env({"GOGC=off", "HOME=/hr-test-home"});
  REQUIRE(await_result<std::string>(f.io, [&](auto cb) { f.svc->restart(cb); }));
  const std::string env = environment_of(f.svc->pid());
  CHECK(env.find("\nGOGC=off\n") != std::string::npos);
  CHECK(env.find("\nHOME=/hr-test-home\n") != std::string::npos);  // replaced, not doubled
  CHECK(env.find("\nHOME=/root") == std::string::npos);
  CHECK(env.find("\nPATH=") != std::string::npos);  // the rest is inherited
  f.write("a.js", "export const a = 1;\n");
  CHECK(f.build(f.options("a.js")));
}

TEST_CASE("on-resolve rewrites an import to an external URL") {
  Fixture f;
  f.write("a.js", "import {b} from './b.js';\nconsole.log(b);\n");
  Plugin p;
  std::vector<std::string> seen;
  p.on_resolve.push_back({"^\\./b\\.js$", "", [&](const OnResolveArgs& a) {
                            seen.push_back(a.path + " from " +
                                           fs::path(a.importer).filename().string());
                            OnResolveResult r;
                            r.path = "/x/b.js?t=1";
                            r.external = true;
                            return std::optional(r);
                          }});
  auto r = f.build(f.options("a.js"), p);
  REQUIRE(r);
  CHECK(r->errors.empty());
  REQUIRE(r->output_files.size() == 1);
  CHECK_THAT(r->output_files[0].contents, Catch::Contains("from \"/x/b.js?t=1\""));
  CHECK(seen == std::vector<std::string>{"./b.js from a.js"});
}

TEST_CASE("on-load serves a module's contents from memory") {
  Fixture f;
  Plugin p;
  p.on_resolve.push_back({"^virtual:", "", [&](const OnResolveArgs& a) {
                            OnResolveResult r;
                            r.path = a.path.substr(8);
                            r.ns = "mem";
                            return std::optional(r);
                          }});
  p.on_load.push_back({".*", "mem", [&](const OnLoadArgs& a) {
                         OnLoadResult r;
                         r.contents = "export const greeting = 'hello from " + a.path + "';";
                         r.loader = "js";
                         return std::optional(r);
                       }});
  f.write("main.js", "import {greeting} from 'virtual:greet.js';\nconsole.log(greeting);\n");
  auto r = f.build(f.options("main.js"), p);
  REQUIRE(r);
  CHECK(r->errors.empty());
  REQUIRE(r->output_files.size() == 1);
  CHECK_THAT(r->output_files[0].contents, Catch::Contains("hello from greet.js"));
}

TEST_CASE("a syntax error comes back with file, line, column and the line's text") {
  Fixture f;
  f.write("bad.js", "export const a = 1;\nlet x = ;\n");
  auto r = f.build(f.options("bad.js"));
  REQUIRE(r);
  REQUIRE(r->errors.size() == 1);
  const auto& loc = r->errors[0].location;
  REQUIRE(loc);
  CHECK(loc->file == "bad.js");
  CHECK(loc->line == 2);
  CHECK(loc->column == 8);
  CHECK(loc->line_text == "let x = ;");
  CHECK_THAT(format_message(r->errors[0]), Catch::StartsWith("bad.js:2:8: "));
}

TEST_CASE("a context rebuilds after a file changes, and disposes") {
  Fixture f;
  f.write("c.js", "console.log('one');\n");
  auto ctx = await_result<ContextId>(
      f.io, [&](auto cb) { f.svc->context(f.options("c.js"), std::nullopt, cb); });
  REQUIRE(ctx);
  auto first = await_result<BuildResult>(f.io, [&](auto cb) { f.svc->rebuild(*ctx, cb); });
  REQUIRE(first);
  REQUIRE(first->output_files.size() == 1);
  CHECK_THAT(first->output_files[0].contents, Catch::Contains("one"));
  f.write("c.js", "console.log('two');\n");
  auto second = await_result<BuildResult>(f.io, [&](auto cb) { f.svc->rebuild(*ctx, cb); });
  REQUIRE(second);
  REQUIRE(second->output_files.size() == 1);
  CHECK_THAT(second->output_files[0].contents, Catch::Contains("two"));
  bool disposed = false;
  f.svc->dispose(*ctx, [&] { disposed = true; });
  for (int i = 0; i < 100 && !disposed; ++i) run_for(f.io, std::chrono::milliseconds(50));
  CHECK(disposed);
  auto after = await_result<BuildResult>(f.io, [&](auto cb) { f.svc->rebuild(*ctx, cb); });
  CHECK_FALSE(after);
}

TEST_CASE("stop disposes a live context instead of deadlocking esbuild") {
  auto f = std::make_unique<Fixture>();
  f->write("c.js", "export {}\n");
  auto ctx = await_result<ContextId>(
      f->io, [&](auto cb) { f->svc->context(f->options("c.js"), std::nullopt, cb); });
  REQUIRE(ctx);
  const int pid = f->svc->pid();
  bool stopped = false;
  f->svc->stop([&] { stopped = true; });
  for (int i = 0; i < 60 && !stopped; ++i) run_for(f->io, std::chrono::milliseconds(50));
  CHECK(stopped);  // within 3 s, before the forced kill
  CHECK(::kill(pid, 0) != 0);
}

TEST_CASE("transform turns TypeScript into JavaScript") {
  Fixture f;
  TransformOptions o;
  o.flags = {"--loader=ts"};
  auto r = await_result<TransformResult>(
      f.io, [&](auto cb) { f.svc->transform("let x: number = 1", o, cb); });
  REQUIRE(r);
  CHECK(r->errors.empty());
  CHECK(r->code == "let x = 1;\n");
  auto bad =
      await_result<TransformResult>(f.io, [&](auto cb) { f.svc->transform("let = ;", o, cb); });
  REQUIRE(bad);
  CHECK_FALSE(bad->errors.empty());
}

TEST_CASE("idle for 3 s, esbuild's pings are answered and the service still works") {
  Fixture f;
  run_for(f.io, std::chrono::milliseconds(3200));
  CHECK(f.svc->pings_answered() >= 2);
  CHECK(f.svc->running());
  auto r = await_result<TransformResult>(f.io, [&](auto cb) { f.svc->transform("1+1", {}, cb); });
  REQUIRE(r);
  CHECK(r->code == "1 + 1;\n");
}

TEST_CASE("a child killed mid-request fails that request with the reason, then restart works") {
  Fixture f;
  std::string crash;
  f.svc->on_unexpected_exit([&](const std::string& why) { crash = why; });
  f.write("slow.js", "import './a.js';\n");
  const int pid = f.svc->pid();
  const Plugin p = kills_child_on_load(pid);
  auto r = f.build(f.options("slow.js"), p);
  REQUIRE_FALSE(r);
  CHECK_THAT(r.error().message, Catch::Contains("esbuild"));
  for (int i = 0; i < 20 && crash.empty(); ++i) run_for(f.io, std::chrono::milliseconds(50));
  CHECK_FALSE(crash.empty());
  CHECK_FALSE(f.svc->running());
  auto v = await_result<std::string>(f.io, [&](auto cb) { f.svc->restart(cb); });
  REQUIRE(v);
  CHECK(f.svc->pid() != pid);
  auto t = await_result<TransformResult>(f.io, [&](auto cb) { f.svc->transform("a", {}, cb); });
  REQUIRE(t);
  CHECK(t->code == "a;\n");
}

TEST_CASE("a plugin hook that throws becomes a build error, not a crash") {
  Fixture f;
  f.write("t.js", "import './x.js';\n");
  Plugin p;
  p.on_resolve.push_back(
      {"x\\.js$", "", [](const OnResolveArgs&) -> std::optional<OnResolveResult> {
         throw std::runtime_error("resolver exploded");
       }});
  auto r = f.build(f.options("t.js"), p);
  REQUIRE(r);
  REQUIRE_FALSE(r->errors.empty());
  CHECK_THAT(r->errors[0].text, Catch::Contains("resolver exploded"));
  CHECK(f.svc->running());
}

TEST_CASE("cancel answers while a context rebuilds, and the context still rebuilds afterwards") {
  Fixture f;
  f.write("c.js", "console.log('x');\n");
  auto ctx = await_result<ContextId>(
      f.io, [&](auto cb) { f.svc->context(f.options("c.js"), std::nullopt, cb); });
  REQUIRE(ctx);
  std::optional<hr::Result<BuildResult>> first;
  f.svc->rebuild(*ctx, [&](hr::Result<BuildResult> r) { first = std::move(r); });
  bool cancelled = false;
  f.svc->cancel(*ctx, [&] { cancelled = true; });
  for (int i = 0; i < 100 && !(cancelled && first); ++i)
    run_for(f.io, std::chrono::milliseconds(50));
  CHECK(cancelled);
  REQUIRE(first);  // the rebuild is answered either way (with output or as cancelled)
  auto again = await_result<BuildResult>(f.io, [&](auto cb) { f.svc->rebuild(*ctx, cb); });
  REQUIRE(again);
  REQUIRE(again->output_files.size() == 1);
  CHECK_THAT(again->output_files[0].contents, Catch::Contains("x"));
}

TEST_CASE("two restarts at once share one new child and both callers are answered") {
  Fixture f;
  const int old_pid = f.svc->pid();
  std::optional<hr::Result<std::string>> a, b;
  f.svc->restart([&](hr::Result<std::string> r) { a = std::move(r); });
  const int new_pid = f.svc->pid();
  f.svc->restart([&](hr::Result<std::string> r) { b = std::move(r); });
  for (int i = 0; i < 100 && !(a && b); ++i) run_for(f.io, std::chrono::milliseconds(50));
  REQUIRE(a);
  REQUIRE(b);
  CHECK(a->has_value());
  CHECK(b->has_value());
  CHECK(new_pid != old_pid);
  CHECK(f.svc->pid() == new_pid);  // the second restart did not replace the child again
  CHECK(f.svc->running());
}

TEST_CASE(
    "a call that fails on a dead child and restarts at once gets the new child, not the old "
    "exit") {
  Fixture f;
  int crashes = 0;
  f.svc->on_unexpected_exit([&](const std::string&) { ++crashes; });
  f.write("entry.js", "import './a.js';\n");
  f.write("a.js", "export const a = 1;\n");
  const int pid = f.svc->pid();
  const Plugin p = kills_child_on_load(pid);
  // What the pipeline does: the build fails because the child died, and its callback restarts
  // the service there and then, before the service has finished handling that exit.
  std::optional<hr::Result<std::string>> restarted;
  f.svc->build(f.options("entry.js"), p, [&](hr::Result<BuildResult> r) {
    CHECK_FALSE(r);
    f.svc->restart([&](hr::Result<std::string> v) { restarted = std::move(v); });
  });
  for (int i = 0; i < 100 && !restarted; ++i) run_for(f.io, std::chrono::milliseconds(50));
  REQUIRE(restarted);
  REQUIRE(restarted->has_value());  // was: "did not start … run scripts/setup.sh"
  CHECK(**restarted == HR_ESBUILD_VERSION);
  CHECK(f.svc->running());
  CHECK(f.svc->pid() != pid);
  CHECK(crashes == 1);  // the crash is still reported, once
  auto r = f.build(f.options("entry.js"));
  REQUIRE(r);
  CHECK(r->errors.empty());
}

// 1,000 one-module builds and 1,000 transforms through the C++ bridge and through esbuild's JS API
// on node, in the same run (this machine is noisy, so only the ratio is meaningful). Each mode is
// run sequentially (latency: one request at a time) and all in flight at once (throughput).
//   bridge_bench [count=1000] [rounds=3]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <sstream>

#include "esbuild_bridge/esbuild.h"

namespace fs = std::filesystem;
using namespace hr::esbuild;
using Clock = std::chrono::steady_clock;

namespace {

const char* kModule = R"(import { useState } from "react";
import { Button } from "$/utils/components/button";
export function Counter({ label }) {
  const [count, setCount] = useState(0);
  const items = Array.from({ length: 10 }, (_, i) => <li key={i}>{label} {i}</li>);
  return (
    <div className="counter">
      <h2>{label}: {count}</h2>
      <Button onClick={() => setCount(count + 1)}>increment</Button>
      <ul>{items}</ul>
    </div>
  );
}
)";

double ms_since(Clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

void run_until(boost::asio::io_context& io, const std::function<bool()>& done) {
  while (!done()) {
    io.restart();
    io.run_one();
  }
}

// Runs `count` calls of `start(done)`, either one at a time or all at once; returns ms.
double drive(boost::asio::io_context& io, int count, bool parallel,
             const std::function<void(std::function<void(bool)>)>& start) {
  int finished = 0, failed = 0;
  auto t0 = Clock::now();
  if (parallel) {
    for (int i = 0; i < count; ++i)
      start([&](bool ok) {
        ++finished;
        failed += !ok;
      });
    run_until(io, [&] { return finished == count; });
  } else {
    for (int i = 0; i < count; ++i) {
      const int target = finished + 1;
      start([&](bool ok) {
        ++finished;
        failed += !ok;
      });
      run_until(io, [&] { return finished == target; });
    }
  }
  const double ms = ms_since(t0);
  if (failed) std::fprintf(stderr, "warning: %d of %d calls failed\n", failed, count);
  return ms;
}

std::map<std::string, double> cpp_round(boost::asio::io_context& io, Service& svc,
                                        const fs::path& file, int count) {
  BuildOptions b;
  b.entry_points = {file.string()};
  b.abs_working_dir = file.parent_path().string();
  b.flags = {"--format=esm", "--jsx=automatic"};
  TransformOptions t;
  t.flags = {"--loader=jsx", "--format=esm", "--jsx=automatic"};
  auto build = [&](std::function<void(bool)> done) {
    svc.build(b, std::nullopt, [done](hr::Result<BuildResult> r) { done(r && r->errors.empty()); });
  };
  auto transform = [&](std::function<void(bool)> done) {
    svc.transform(kModule, t,
                  [done](hr::Result<TransformResult> r) { done(r && r->errors.empty()); });
  };
  drive(io, 20, false, build);  // warm-up
  return {{"build_seq", drive(io, count, false, build)},
          {"build_par", drive(io, count, true, build)},
          {"transform_seq", drive(io, count, false, transform)},
          {"transform_par", drive(io, count, true, transform)}};
}

std::map<std::string, double> node_round(const fs::path& file, int count) {
  const std::string cmd = std::string("node ") + HR_JS_BENCH + " " + HR_NPM_DIR + " " +
                          file.string() + " " + std::to_string(count);
  std::string out;
  FILE* p = popen(cmd.c_str(), "r");
  char buf[1024];
  for (size_t n; p && (n = fread(buf, 1, sizeof buf, p)) > 0;) out.append(buf, n);
  if (!p || pclose(p) != 0) throw std::runtime_error("node benchmark failed: " + cmd);
  std::map<std::string, double> result;
  for (const char* key : {"build_seq", "build_par", "transform_seq", "transform_par"}) {
    auto at = out.find(std::string("\"") + key + "\":");
    if (at == std::string::npos) throw std::runtime_error("node printed no " + std::string(key));
    result[key] = std::stod(out.substr(at + std::strlen(key) + 3));
  }
  return result;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  const int count = argc > 1 ? std::atoi(argv[1]) : 1000;
  const int rounds = argc > 2 ? std::atoi(argv[2]) : 3;
  const fs::path dir = fs::temp_directory_path() / ("hr-bridge-bench-" + std::to_string(getpid()));
  fs::create_directories(dir);
  const fs::path file = dir / "counter.jsx";
  std::ofstream(file) << kModule;

  boost::asio::io_context io;
  auto svc = Service::create(io, {find_esbuild_binary(), HR_ESBUILD_VERSION});
  std::optional<hr::Result<std::string>> ready;
  svc->start([&](hr::Result<std::string> r) { ready = std::move(r); });
  run_until(io, [&] { return ready.has_value(); });
  if (!*ready) {
    std::cerr << ready->error().message << "\n";
    return 1;
  }

  std::map<std::string, std::vector<double>> cpp, node;
  for (int r = 0; r < rounds; ++r) {  // interleaved, so drift on the machine hits both alike
    std::fprintf(stderr, "round %d/%d\n", r + 1, rounds);
    for (auto& [k, v] : cpp_round(io, *svc, file, count)) cpp[k].push_back(v);
    for (auto& [k, v] : node_round(file, count)) node[k].push_back(v);
  }
  bool stopped = false;
  svc->stop([&] { stopped = true; });
  run_until(io, [&] { return stopped; });
  fs::remove_all(dir);

  std::printf("esbuild %s, %d calls per mode, median of %d rounds (ms per call)\n",
              HR_ESBUILD_VERSION, count, rounds);
  std::printf("%-16s %12s %12s %10s\n", "mode", "C++ bridge", "node JS API", "node/C++");
  for (const char* k : {"build_seq", "build_par", "transform_seq", "transform_par"}) {
    const double c = median(cpp[k]) / count, n = median(node[k]) / count;
    std::printf("%-16s %12.3f %12.3f %9.2fx\n", k, c, n, n / c);
  }
  return 0;
}

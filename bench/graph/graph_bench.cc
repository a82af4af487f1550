// graph_bench: manifest parse + diff + plan at 1,000 / 10,000 / 50,000 modules, one change, with
// and without the compiler's `changed` hint (issue 3's goals: 10,000 modules, one change, with hint
// <= 1 ms after parse; full parse of 10,000 modules <= 15 ms; O(changed) visible).
//
// Each size gets a generated app in a temp folder: real files (the orchestrator hashes them
// itself: no `hash` fields, the harder case), a DAG of imports, mtimes set in the past so the stat
// cache is trusted. Times are medians over repeated runs; the edit (rewriting one file) is outside
// the timed region. Run the Release build.
#include <stdlib.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "graph/graph.h"

namespace fs = std::filesystem;
using namespace hr::graph;

namespace {

struct App {
  fs::path dir;
  std::vector<std::string> ids;
  std::vector<std::vector<size_t>> imports;
  std::string changed_id;  // the module the benchmark edits: a util imported only by components
};

std::string module_id(size_t i, size_t n) {
  if (i == 0) return "app/entry.client.jsx";
  if (i == 1) return "app/root.jsx";
  size_t bucket = i % 10;
  std::string num = std::to_string(i);
  if (bucket < 2) return "app/routes/page_" + num + ".jsx";
  if (bucket < 6) return "app_components/c" + std::to_string(i % 97) + "/comp_" + num + ".jsx";
  if (bucket < 9) return "utils/u" + std::to_string(i % 31) + "/util_" + num + ".js";
  (void)n;
  return "styles/style_" + num + ".css";
}

const char* kind_of(const std::string& id) {
  if (id.starts_with("app/entry")) return "entry";
  if (id.starts_with("app/routes")) return "page";
  if (id.starts_with("app_components")) return "component";
  if (id.starts_with("styles")) return "style";
  return "module";
}

void write_file(const fs::path& p, const std::string& bytes) {
  std::ofstream(p, std::ios::binary | std::ios::trunc) << bytes;
}

void set_old_mtime(const fs::path& p) {
  struct timeval tv[2] = {{1'600'000'000, 0}, {1'600'000'000, 0}};
  utimes(p.c_str(), tv);
}

// The manifest text, with `changed` listing the edited module when `hinted`. With
// `hash_version` >= 0 every module carries a compiler `hash`, the edited one "h<version>".
std::string manifest_text(const App& app, bool hinted, int hash_version = -1) {
  size_t n = app.ids.size();
  std::string s = R"({"version":1,"build":"bench","entries":["app/entry.client.jsx"],)"
                  R"("resolve":{"alias":{"$":"."}},"ignore":["**/*.map"],)";
  if (hinted) s += R"("changed":[")" + app.changed_id + R"("],)";
  s += R"("modules":[)";
  for (size_t i = 0; i < n; ++i) {
    const std::string& id = app.ids[i];
    s += i ? ",\n" : "\n";
    s += R"({"id":")" + id + R"(","kind":")" + kind_of(id) + "\",";
    if (hash_version >= 0) {
      int v = id == app.changed_id ? hash_version : 0;
      s += R"("hash":"h)" + std::to_string(v) + "\",";
    }
    s += R"("imports":[)";
    for (size_t k = 0; k < app.imports[i].size(); ++k) {
      s += (k ? ",\"" : "\"") + app.ids[app.imports[i][k]] + "\"";
    }
    s += "]}";
  }
  return s + "]}";
}

App make_app(size_t n) {
  App app;
  std::string tmpl = (fs::temp_directory_path() / "hr-graph-bench-XXXXXX").string();
  app.dir = mkdtemp(tmpl.data());
  for (size_t i = 0; i < n; ++i) app.ids.push_back(module_id(i, n));
  // A DAG: each module imports up to 4 of the 200 modules after it (styles import nothing).
  std::mt19937 rng(7);
  app.imports.resize(n);
  std::vector<std::vector<size_t>> importers(n);
  for (size_t i = 0; i < n; ++i) {
    if (app.ids[i].starts_with("styles")) continue;
    for (int e = 0; e < 4 && i + 1 < n; ++e) {
      size_t j = i + 1 + rng() % std::min<size_t>(n - i - 1, 200);
      app.imports[i].push_back(j);
      importers[j].push_back(i);
    }
  }
  for (const auto& id : app.ids) {
    fs::path p = app.dir / id;
    fs::create_directories(p.parent_path());
    write_file(p,
               "// " + id + "\nexport default function x() { return " + id.substr(0, 8) + "; }\n");
    set_old_mtime(p);
  }
  write_file(app.dir / "index.html", "<!doctype html><div id=root></div>");
  set_old_mtime(app.dir / "index.html");
  for (size_t i = 0; i < n && app.changed_id.empty(); ++i) {
    if (!app.ids[i].starts_with("utils/") || importers[i].empty()) continue;
    bool all_accepting = true;
    for (size_t imp : importers[i]) {
      std::string_view kind = kind_of(app.ids[imp]);
      all_accepting = all_accepting && (kind == "page" || kind == "component");
    }
    if (all_accepting) app.changed_id = app.ids[i];
  }
  return app;
}

double ms_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

// Rewrites the edited module with new bytes (outside the timed region).
void edit(const App& app, int round) {
  write_file(app.dir / app.changed_id, "// edit " + std::to_string(round) + "\n");
}

// Heap bytes a parsed Manifest holds (its arena, module chunks and id index).
size_t manifest_bytes(const Manifest& m) {
  size_t chunks = 0;
  for (const auto& c : m.modules.chunks()) {
    chunks += c->specs.capacity() * sizeof(ModuleSpec) +
              c->imports.capacity() * sizeof(std::string_view) +
              c->bytes.capacity() * sizeof(TextBytes);
  }
  return m.arena->bytes_reserved() + chunks +
         m.index->positions.bucket_count() * (sizeof(std::pair<std::string_view, uint32_t>) + 8);
}

struct Row;
void resolve_bench(const App& app, const Graph& g, Row& row);
void hashed_bench(const App& app, int rounds, Row& row);

struct Row {
  size_t n;
  double parse_min_ms, parse_ms, first_apply_ms, nothing_ms, nohint_ms, hint_ms;
  uint64_t nohint_stats, hint_stats;
  double hashed_nothing_ms, hashed_nohint_ms, hashed_hint_ms;  // compiler `hash` everywhere
  double incremental_parse_ms;  // parse against the previous manifest, one module changed
  uint64_t hashed_nohint_stats, hashed_hint_stats;
  double bytes_per_module, arena_per_module;  // graph, manifest
  double resolve_ns;                          // per import specifier
  size_t resolve_misses;
  std::string decision;
};

Row run(size_t n, int rounds) {
  App app = make_app(n);
  std::string full = manifest_text(app, false);
  std::string hinted = manifest_text(app, true);
  Row row{};
  row.n = n;

  std::vector<double> t;
  for (int i = 0; i < rounds; ++i) {
    auto t0 = std::chrono::steady_clock::now();
    auto m = parse_manifest(full, app.dir);
    t.push_back(ms_since(t0));
    if (!m) {
      std::fprintf(stderr, "parse failed: %s\n", m.error().message.c_str());
      std::exit(1);
    }
  }
  row.parse_ms = median(t);
  row.parse_min_ms = *std::min_element(t.begin(), t.end());

  Manifest mf = parse_manifest(full, app.dir).value();
  Manifest mh = parse_manifest(hinted, app.dir).value();
  row.arena_per_module = double(manifest_bytes(mf)) / n;
  Graph g;
  LoadedSet loaded = LoadedSet::everything();
  auto t0 = std::chrono::steady_clock::now();
  g.apply(mf);
  row.first_apply_ms = ms_since(t0);
  row.bytes_per_module = double(g.memory_bytes()) / n;

  auto timed = [&](const Manifest& m, bool do_edit, uint64_t& stats) {
    std::vector<double> v;
    for (int i = 0; i < rounds; ++i) {
      if (do_edit) edit(app, i);
      uint64_t s0 = g.detector().stats();
      auto t1 = std::chrono::steady_clock::now();
      Diff d = g.apply(m);
      Decision p = plan(g, d, loaded);
      v.push_back(ms_since(t1));
      stats = g.detector().stats() - s0;
      row.decision = std::string(to_string(p.action));
    }
    return median(v);
  };
  uint64_t ignored_stats = 0;
  row.nothing_ms = timed(mf, false, ignored_stats);
  row.nohint_ms = timed(mf, true, row.nohint_stats);
  row.hint_ms = timed(mh, true, row.hint_stats);
  resolve_bench(app, g, row);
  hashed_bench(app, rounds, row);
  fs::remove_all(app.dir);
  return row;
}

// The same app with the compiler's `hash` on every module: no file is read, and without the hint
// only the edited module's file is stat'ed (to report it if missing).
void hashed_bench(const App& app, int rounds, Row& row) {
  std::vector<Manifest> full, hinted;
  for (int v = 0; v < 3; ++v) {
    full.push_back(parse_manifest(manifest_text(app, false, v), app.dir).value());
    hinted.push_back(parse_manifest(manifest_text(app, true, v), app.dir).value());
  }
  Graph g;
  g.apply(full[0]);
  LoadedSet loaded = LoadedSet::everything();
  auto timed = [&](const std::vector<Manifest>& ms, bool edit, uint64_t& stats) {
    std::vector<double> v;
    for (int i = 0; i < rounds; ++i) {
      const Manifest& m = ms[edit ? 1 + i % 2 : 0];
      uint64_t s0 = g.detector().stats();
      auto t0 = std::chrono::steady_clock::now();
      Decision p = plan(g, g.apply(m), loaded);
      v.push_back(ms_since(t0));
      stats = g.detector().stats() - s0;
      (void)p;
    }
    return median(v);
  };
  uint64_t unused = 0;
  // Reading each manifest against the one before: only the changed module is parsed.
  std::vector<std::string> texts = {manifest_text(app, true, 1), manifest_text(app, true, 2)};
  auto previous =
      std::make_unique<Manifest>(parse_manifest(manifest_text(app, true, 0), app.dir).value());
  std::vector<double> v;
  for (int i = 0; i < rounds; ++i) {
    auto t0 = std::chrono::steady_clock::now();
    auto next =
        std::make_unique<Manifest>(parse_manifest(texts[i % 2], app.dir, previous.get()).value());
    v.push_back(ms_since(t0));
    previous = std::move(next);
  }
  row.incremental_parse_ms = median(v);
  row.hashed_nothing_ms = timed(full, false, unused);
  row.hashed_nohint_ms = timed(full, true, row.hashed_nohint_stats);
  row.hashed_hint_ms = timed(hinted, true, row.hashed_hint_stats);
}

// Every import written as the compiler would ("$/utils/u3/util_17", no extension but for CSS) plus
// a bare package per module, resolved against the graph.
void resolve_bench(const App& app, const Graph& g, Row& row) {
  std::vector<std::pair<std::string, std::string>> specs;  // specifier, importer
  for (size_t i = 0; i < app.ids.size(); ++i) {
    for (size_t j : app.imports[i]) {
      const std::string& target = app.ids[j];
      bool css = target.ends_with(".css");  // not in resolve.extensions: written in full
      specs.emplace_back("$/" + (css ? target : target.substr(0, target.rfind('.'))), app.ids[i]);
    }
    specs.emplace_back(i % 2 ? "react-dom/client" : "@radix-ui/themes", app.ids[i]);
  }
  Resolver r(g);
  size_t misses = 0;
  auto t0 = std::chrono::steady_clock::now();
  for (int round = 0; round < 3; ++round) {
    for (const auto& [spec, importer] : specs) {
      misses += r.resolve(spec, importer).target == Resolver::Target::not_found;
    }
  }
  row.resolve_ns = ms_since(t0) * 1e6 / (3.0 * specs.size());
  row.resolve_misses = misses;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<size_t> sizes = {1'000, 10'000, 50'000};
  if (argc > 1) {  // graph_bench 10000 ...: only these sizes
    sizes.clear();
    for (int i = 1; i < argc; ++i) sizes.push_back(std::stoul(argv[i]));
  }
  std::printf(
      "graph_bench: manifest parse + diff + plan, one module edited per recompile.\n"
      "Files hashed by the orchestrator (no compiler `hash`); every module loaded.\n"
      "Times in ms: median of repeated runs (parse also min); [n] = stat calls.\n\n");
  std::printf("%7s | %15s | %9s | %13s | %16s | %14s | %9s | %9s | %s\n", "modules", "parse full",
              "1st apply", "nothing chgd", "1 change", "1 change", "graph", "manifest",
              "decision (1 change)");
  std::printf("%7s | %15s | %9s | %13s | %16s | %14s | %9s | %9s |\n", "", "median (min)",
              "hash all", "no hint", "no hint", "with hint", "B/module", "B/module");
  std::printf(
      "--------+-----------------+-----------+---------------+------------------+-------"
      "---------+-----------+-----------+--------------------\n");
  std::vector<Row> rows;
  for (size_t n : sizes) {
    Row r = run(n, n >= 50'000 ? 11 : 31);
    rows.push_back(r);
    std::printf(
        "%7zu | %6.2f (%6.2f) | %9.1f | %13.3f | %7.3f [%6lu] | %6.4f [%4lu] | %9.0f | "
        "%9.0f | %s\n",
        r.n, r.parse_ms, r.parse_min_ms, r.first_apply_ms, r.nothing_ms, r.nohint_ms,
        (unsigned long)r.nohint_stats, r.hint_ms, (unsigned long)r.hint_stats, r.bytes_per_module,
        r.arena_per_module, r.decision.c_str());
  }
  std::printf("\nwith the compiler's `hash` on every module (no file read; ms, [stats]):\n");
  std::printf("%7s | %13s | %16s | %14s | %14s\n", "modules", "nothing chgd", "1 change",
              "1 change", "parse, 1 change");
  std::printf("%7s | %13s | %16s | %14s | %14s\n", "", "no hint", "no hint", "with hint",
              "vs previous");
  for (const Row& r : rows) {
    std::printf("%7zu | %13.3f | %7.3f [%6lu] | %6.4f [%4lu] | %14.3f\n", r.n, r.hashed_nothing_ms,
                r.hashed_nohint_ms, (unsigned long)r.hashed_nohint_stats, r.hashed_hint_ms,
                (unsigned long)r.hashed_hint_stats, r.incremental_parse_ms);
  }
  std::printf("\nresolver (alias + bare package specifiers, all imports of the app):\n");
  for (const Row& r : rows) {
    std::printf("%7zu modules: %.0f ns per resolve, %zu not found\n", r.n, r.resolve_ns,
                r.resolve_misses);
  }
  std::printf(
      "\ngoals: parse of 10,000 modules <= 15 ms; diff+plan with hint (10,000, 1 change) "
      "<= 1 ms\n");
  return 0;
}

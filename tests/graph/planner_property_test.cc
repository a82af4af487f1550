// Property test: on thousands of random small graphs (DAGs and graphs with cycles) and random
// edits, the planner's decision matches a brute-force reference written here independently:
// the reference enumerates every simple importer path from each changed module instead of doing
// one visited-set walk, and computes importers from its own edge lists.
#include <catch2/catch.hpp>

#include <map>
#include <random>
#include <set>

#include "test_util.h"

using namespace hr::graph;
using namespace hr::graph::test;

namespace {

constexpr int kMaxNodes = 12;  // ids m0..m11; files for all of them exist on disk

struct Model {
  std::map<std::string, Mod> mods;  // present modules by id
  std::set<std::string> loaded;
};

struct Reference {
  std::string action;  // "none", "css", "js-update", "full-reload"
  std::set<std::string> boundaries;
  std::set<std::string> css;
};

bool accepting(const Mod& m) {
  if (m.accept) return *m.accept;
  return m.kind == "page" || m.kind == "component" || m.kind == "style";
}

// What a browser must do, by exhaustive path enumeration.
class BruteForce {
 public:
  BruteForce(const Model& after, const std::set<std::string>& candidates,
             const std::set<std::string>& removed)
      : m_(after), candidates_(candidates), removed_(removed) {
    for (const auto& [id, mod] : m_.mods) {
      for (const auto& imp : mod.imports) importers_[imp].insert(id);
    }
  }

  Reference run() {
    Reference r;
    for (const auto& gone : removed_) {
      for (const auto& imp : importers_[gone]) {
        if (m_.loaded.count(imp)) r.action = "full-reload";
      }
    }
    if (!r.action.empty()) return r;
    bool dead = false;
    for (const auto& c : candidates_) {
      const Mod& mod = m_.mods.at(c);
      if (mod.kind == "style") {
        if (m_.loaded.count(c)) r.css.insert(c);
      } else {
        std::vector<std::string> path{c};
        explore(path, r.boundaries, dead);
      }
    }
    if (dead) {
      r.action = "full-reload";
    } else if (!r.boundaries.empty()) {
      r.action = "js-update";
    } else {
      r.action = r.css.empty() ? "none" : "css";
    }
    return r;
  }

 private:
  void explore(std::vector<std::string>& path, std::set<std::string>& boundaries, bool& dead) {
    const std::string v = path.back();
    if (!m_.loaded.count(v)) return;
    const Mod& mod = m_.mods.at(v);
    if (accepting(mod)) {
      boundaries.insert(v);
      return;
    }
    const auto& imps = importers_[v];
    if (mod.kind == "entry" || v == "m0" || imps.empty()) {
      dead = true;
      return;
    }
    for (const auto& imp : imps) {
      if (std::find(path.begin(), path.end(), imp) != path.end()) continue;
      path.push_back(imp);
      explore(path, boundaries, dead);
      path.pop_back();
    }
  }

  const Model& m_;
  std::set<std::string> candidates_;
  std::set<std::string> removed_;
  std::map<std::string, std::set<std::string>> importers_;
};

std::string id(int i) {
  return "m" + std::to_string(i);
}

class Generator {
 public:
  explicit Generator(uint32_t seed) : rng_(seed) {}

  bool chance(double p) { return std::bernoulli_distribution(p)(rng_); }
  int pick(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }

  Mod random_module(int i) {
    static const char* kKinds[] = {"page",  "component", "module", "module",
                                   "asset", "style",     "entry"};
    Mod m{id(i), i == 0 ? "entry" : kKinds[pick(0, i % 7 == 6 ? 6 : 5)], {}, std::string("h0")};
    if (chance(0.4)) m.accept = chance(0.5);
    return m;
  }

  // Edges i -> j (i imports j); for a DAG only j > i.
  void random_imports(Model& model, Mod& m, int i, int n, bool dag) {
    m.imports.clear();
    if (m.kind == "style") return;
    for (int j = 0; j < n; ++j) {
      if (j == i || (dag && j < i) || !model.mods.count(id(j))) continue;
      if (chance(0.3)) m.imports.push_back(id(j));
    }
  }

  Model random_graph(int n, bool dag) {
    Model model;
    for (int i = 0; i < n; ++i) model.mods[id(i)] = random_module(i);
    for (int i = 0; i < n; ++i) random_imports(model, model.mods[id(i)], i, n, dag);
    return model;
  }

 private:
  std::mt19937 rng_;
};

std::string to_json(const Model& model, boost::json::object extra) {
  std::vector<Mod> mods;
  for (const auto& [id, m] : model.mods) mods.push_back(m);
  return manifest_json({"m0"}, mods, std::move(extra));
}

std::set<std::string> boundary_set(const Decision& d) {
  std::set<std::string> out;
  for (const auto& u : d.updates) out.insert(u.boundary);
  return out;
}

// Every chain the planner reports walks real importer edges through loaded non-accepting modules.
void check_chains(const Model& after, const Decision& d) {
  auto imports = [&](const std::string& from, const std::string& to) {
    const auto& v = after.mods.at(from).imports;
    return std::find(v.begin(), v.end(), to) != v.end();
  };
  std::vector<Chain> chains;
  for (const auto& u : d.updates) {
    for (const auto& c : u.chains) {
      REQUIRE(c.back() == u.boundary);
      chains.push_back(c);
    }
  }
  if (!d.culprit.empty()) chains.push_back(d.culprit);
  for (const auto& c : chains) {
    for (size_t i = 0; i + 1 < c.size(); ++i) {
      CHECK(imports(c[i + 1], c[i]));
      CHECK_FALSE(accepting(after.mods.at(c[i])));
      CHECK(after.loaded.count(c[i]));
    }
  }
}

std::map<std::string, int> g_actions;  // coverage: every action must come up often

void run_case(Generator& gen, const TempDir& dir, bool dag) {
  int n = gen.pick(2, kMaxNodes - 2);
  Model before = gen.random_graph(n, dag);
  Graph graph;
  graph.apply(parse_ok(to_json(before, {}), dir.path()));

  Model after = before;
  std::set<std::string> candidates, removed;
  for (auto& [mid, m] : after.mods) {
    if (gen.chance(0.3)) {
      m.hash = "h1";
      candidates.insert(mid);
      if (gen.chance(0.3)) gen.random_imports(after, m, std::stoi(mid.substr(1)), n, dag);
    }
  }
  if (gen.chance(0.2)) {  // remove a module; importers keep a dangling import or are edited
    std::string gone = id(gen.pick(1, n - 1));
    after.mods.erase(gone);
    candidates.erase(gone);
    removed.insert(gone);
    for (auto& [mid, m] : after.mods) {
      auto it = std::find(m.imports.begin(), m.imports.end(), gone);
      if (it != m.imports.end() && gen.chance(0.5)) {
        m.imports.erase(it);
        m.hash = "h1";
        candidates.insert(mid);
      }
    }
  }
  if (gen.chance(0.2)) {  // add a module, imported by an edited module
    Mod fresh{id(n), "module", {}, std::string("h0")};
    fresh.kind = gen.chance(0.5) ? "component" : "module";
    auto& importer = after.mods.begin()->second;
    importer.imports.push_back(fresh.id);
    importer.hash = "h1";
    candidates.insert(importer.id);  // the fresh module itself is not walked: no browser has it
    after.mods[fresh.id] = fresh;
  }
  for (const auto& [mid, m] : after.mods) {
    if (gen.chance(0.8)) after.loaded.insert(mid);
  }

  boost::json::object extra;
  if (gen.chance(0.5)) {
    extra["changed"] = strings({candidates.begin(), candidates.end()});
    extra["removed"] = strings({removed.begin(), removed.end()});
  }
  Diff diff = graph.apply(parse_ok(to_json(after, extra), dir.path()));
  REQUIRE(diff.errors.empty());
  LoadedSet loaded;
  for (const auto& l : after.loaded) loaded.add(l);
  Decision d = plan(graph, diff, loaded);
  Reference ref = BruteForce(after, candidates, removed).run();

  INFO("case: " << to_json(after, extra) << "\nloaded: " << after.loaded.size()
                << "\nplanner: " << d.reason);
  REQUIRE(std::string(to_string(d.action)) == ref.action);
  if (d.action == Action::js_update) CHECK(boundary_set(d) == ref.boundaries);
  if (d.action == Action::js_update || d.action == Action::css) {
    CHECK(std::set<std::string>(d.css.begin(), d.css.end()) == ref.css);
  }
  check_chains(after, d);
  ++g_actions[ref.action];
}

}  // namespace

TEST_CASE("property: the planner agrees with brute-force path enumeration on random graphs") {
  TempDir dir;
  for (int i = 0; i < kMaxNodes; ++i) dir.write(id(i), "x");
  Generator gen(20261121);
  for (int i = 0; i < 2000; ++i) run_case(gen, dir, /*dag=*/true);
  for (int i = 0; i < 2000; ++i) run_case(gen, dir, /*dag=*/false);
  INFO("none " << g_actions["none"] << ", css " << g_actions["css"] << ", js-update "
               << g_actions["js-update"] << ", full-reload " << g_actions["full-reload"]);
  for (const char* action : {"none", "css", "js-update", "full-reload"}) {
    CHECK(g_actions[action] >= 50);
  }
}

// Property: after every hot update, a browser that re-imports the update's boundaries runs the
// newest text of every module those boundaries import, directly or through other modules.
//
// Random import graphs (random accept flags, shared helpers, diamonds) get random edits. Each
// recompile goes through the graph's diff and the planner, and the site is updated the way the
// pipeline does it (changed modules stored, the decision's re-executed modules versioned). A
// simulated browser then does what a browser does with ES modules: it fetches a URL it does not
// hold, parses the import URLs of the served text, and keeps every instance by URL, so a module
// imported at a URL it already holds is not fetched again. This is where stale code hides: a
// boundary re-imported at a fresh `?t=` that still imports an old URL of a changed module runs
// the old code, though every message was sent and acknowledged. URLs carry tokens (site_state.h):
// the browser takes each `hr:urls` as the client does, mapping a moved URL to the instance it
// holds, before it imports the update's boundaries at the URLs the update names. Some imports are
// lazy (`import()`): their targets are named by version (site_state.h), and the browser imports
// them as it evaluates their importer, at whatever the server holds at that URL then.
#include <map>
#include <random>
#include <regex>
#include <set>

#include "graph/graph.h"
#include "orchestrator/assemble.h"
#include "orchestrator/site_state.h"
#include "tests/graph/test_util.h"
#include "tests/hr_catch.h"

namespace {

using hr::graph::test::Mod;
using hr::orch::SiteState;

struct App {
  int size = 0;
  std::vector<std::vector<int>> imports;  // module i imports modules > i
  std::set<std::pair<int, int>> lazy;     // {i, j}: module i imports module j with import()
  std::vector<bool> accept;
  std::vector<int> rev;  // the newest revision of each module's text

  static std::string id(int i) { return "m" + std::to_string(i) + ".js"; }

  // The built code of module i: its imports as the builder writes them, and its revision.
  std::string code(int i) const {
    std::string out;
    for (int dep : imports[i]) {
      const std::string url = "\"/" + id(dep) + std::string(hr::orch::kVersionPlaceholder) + "\"";
      out += lazy.count({i, dep}) ? "const later = () => import(" + url + ");\n"
                                  : "import " + url + ";\n";
    }
    out += "export const REV = \"" + id(i) + "@" + std::to_string(rev[i]) + "\";\n";
    return out;
  }

  std::string manifest(const std::vector<int>& changed) const {
    std::vector<Mod> mods;
    for (int i = 0; i < size; ++i) {
      Mod m{id(i), i == 0 ? "entry" : "module", {}};
      for (int dep : imports[i]) m.imports.push_back(id(dep));
      m.hash = std::to_string(rev[i]);
      m.accept = bool(accept[i]);
      mods.push_back(m);
    }
    std::vector<std::string> hint;
    for (int c : changed) hint.push_back(id(c));
    return hr::graph::test::manifest_json({id(0)}, mods,
                                          {{"changed", hr::graph::test::strings(hint)}});
  }
};

App random_app(std::mt19937& rng) {
  App app;
  app.size = 4 + int(rng() % 12);
  app.imports.resize(app.size);
  app.accept.resize(app.size);
  app.rev.assign(app.size, 0);
  for (int i = 0; i < app.size; ++i) {
    app.accept[i] = i > 0 && rng() % 3 == 0;
    for (int j = i + 1; j < app.size; ++j) {
      if (rng() % 4 != 0) continue;
      app.imports[i].push_back(j);
      if (rng() % 4 == 0) app.lazy.insert({i, j});
    }
  }
  // Every module reachable from the entry: a module nothing imports would be a dead end.
  for (int j = 1; j < app.size; ++j) {
    bool imported = false;
    for (int i = 0; i < j; ++i)
      for (int d : app.imports[i]) imported |= d == j;
    if (!imported) app.imports[rng() % j].push_back(j);
  }
  return app;
}

// A browser's module map: one instance per URL, fetched once.
class Browser {
 public:
  explicit Browser(const SiteState& site) : site_(site) {}

  // Imports `url` ("/m3.js?v=0a1b…"), through the page's import map.
  void import(const std::string& requested) {
    auto mapped = map_.find(requested);
    const std::string url = mapped == map_.end() ? requested : mapped->second;
    if (instances_.count(url)) return;
    const std::string path = url.substr(0, url.find('?'));
    requested_.insert(path);
    auto it = site_.site().modules.find(path);
    REQUIRE(it != site_.site().modules.end());
    const std::string& text = it->second->bytes;
    Instance inst;
    static const std::regex rev_re("REV = \"([^\"]+)\"");
    std::smatch m;
    if (std::regex_search(text, m, rev_re)) inst.rev = m[1];
    static const std::regex import_re("import\\(?\\s*\"(/m[0-9]+\\.js[^\"]*)\"");
    for (auto i = std::sregex_iterator(text.begin(), text.end(), import_re);
         i != std::sregex_iterator(); ++i)
      inst.imports.push_back((*i)[1]);
    instances_[url] = inst;
    latest_[path] = url;
    for (const auto& dep : inst.imports) import(dep);
  }

  void reload() {
    instances_.clear();
    latest_.clear();
    map_.clear();
    import("/" + App::id(0));
  }

  // What the client does with `hr:urls` (held_modules.js): a module whose URL moved keeps the
  // instance the page holds. Yields the held modules that changed with no update re-running them.
  std::vector<std::string> take_urls(const SiteState::UrlChanges& c,
                                     const std::set<std::string>& reexecuted) {
    for (const auto& [path, value] : c.moved) {
      const bool token = !value.empty() && value[0] != '?';  // else the query (named by version)
      if (auto held = latest_.find(path); held != latest_.end())
        map_[path + (token ? "?v=" + value : value)] = held->second;
    }
    std::vector<std::string> stale;
    for (const auto& path : c.changed)
      if (latest_.count(path) && !reexecuted.count(path.substr(1))) stale.push_back(path);
    return stale;
  }

  // The revision text of every instance reachable from `url`, by module path. An accepting module
  // runs the newest instance it accepted (its hot update swapped it in; importers above it keep
  // the binding they hold, whose components Fast Refresh patches): the walk goes on from there.
  void reachable(const std::string& requested, std::map<std::string, std::string>& out,
                 const std::set<std::string>& accepting) const {
    auto mapped = map_.find(requested);
    const std::string& url = mapped == map_.end() ? requested : mapped->second;
    const std::string path = url.substr(0, url.find('?'));
    const Instance& inst = instances_.at(accepting.count(path) ? latest_.at(path) : url);
    if (out.count(path)) {
      CHECK(out[path] == inst.rev);  // two instances of one module with different code
      return;
    }
    out[path] = inst.rev;
    for (const auto& dep : inst.imports) reachable(dep, out, accepting);
  }

  bool requested(std::string_view path) const { return requested_.count(std::string(path)); }

 private:
  struct Instance {
    std::string rev;
    std::vector<std::string> imports;
  };
  const SiteState& site_;
  std::map<std::string, Instance> instances_;
  std::map<std::string, std::string> latest_;  // path -> the URL last imported
  std::map<std::string, std::string> map_;     // the import map: URL -> the URL it resolves to
  std::set<std::string, std::less<>> requested_;
};

std::string newest(const App& app, const std::string& path) {
  const int i = std::stoi(path.substr(2));
  return App::id(i) + "@" + std::to_string(app.rev[i]);
}

}  // namespace

TEST_CASE("a hot update re-executes the newest text of every module its boundaries import") {
  hr::test::TempDir dir;
  std::mt19937 rng(20261202);
  int updates = 0, reloads = 0, deep = 0;
  size_t lazy_edges = 0;
  for (int round = 0; round < 300; ++round) {
    App app = random_app(rng);
    for (int i = 0; i < app.size; ++i) std::ofstream(dir.path() / App::id(i)) << "";
    hr::graph::Graph graph;
    SiteState site;
    auto apply = [&](const std::vector<int>& changed) {
      auto manifest = hr::graph::parse_manifest(app.manifest(changed), dir.path());
      REQUIRE(manifest);
      return graph.apply(*manifest);
    };
    apply({});
    for (int i = 0; i < app.size; ++i) {
      SiteState::Module m;
      m.code = app.code(i);
      for (int dep : app.imports[i]) m.imports.push_back(App::id(dep));
      m.lazy = hr::orch::lazy_import_ids(m.code);
      lazy_edges += m.lazy.size();
      site.put_module(App::id(i), m);
    }
    site.settle();
    site.take_url_changes();
    std::set<std::string> accepting;
    for (int i = 0; i < app.size; ++i)
      if (app.accept[i]) accepting.insert("/" + App::id(i));
    Browser browser(site);
    browser.reload();
    std::uint64_t timestamp = 1000;

    for (int edit = 0; edit < 6; ++edit) {
      std::vector<int> changed;
      for (int k = 0, n = 1 + int(rng() % 2); k < n; ++k)
        changed.push_back(1 + rng() % (app.size - 1));
      for (int c : changed) {
        ++app.rev[c];
        SiteState::Module m = *site.module(App::id(c));
        m.code = app.code(c);
        site.put_module(App::id(c), m);
      }
      const auto diff = apply(changed);
      const auto loaded = hr::graph::LoadedSet::asking(
          [&](std::string_view id) { return browser.requested("/" + std::string(id)); });
      const auto decision = hr::graph::plan(graph, diff, loaded);
      ++timestamp;
      if (decision.action == hr::graph::Action::full_reload) {
        ++reloads;
        site.settle();
        site.take_url_changes();
        browser.reload();
        std::map<std::string, std::string> seen;
        browser.reachable("/" + App::id(0), seen, accepting);
        for (const auto& [path, rev] : seen) CHECK(rev == newest(app, path));
        continue;
      }
      REQUIRE(decision.action == hr::graph::Action::js_update);
      ++updates;
      const std::set<std::string> reexecuted(decision.reexecuted.begin(),
                                             decision.reexecuted.end());
      site.set_versions(reexecuted, timestamp);
      site.settle();
      // The urls message goes out before the update; no module this page holds changed without
      // the update re-running it.
      CHECK(browser.take_urls(site.take_url_changes(), reexecuted).empty());
      auto url_of = [&](const hr::graph::JsUpdate& u) { return site.url_of(u.boundary); };
      // The client imports every boundary of an update before it runs their accept callbacks.
      for (const auto& u : decision.updates) browser.import(url_of(u));
      for (const auto& u : decision.updates) {
        const std::string url = url_of(u);
        std::map<std::string, std::string> seen;
        browser.reachable(url, seen, accepting);
        for (const auto& [path, rev] : seen) {
          INFO("round " << round << ", boundary " << u.boundary << ", module " << path);
          CHECK(rev == newest(app, path));
        }
        for (const auto& chain : u.chains) deep += chain.size() > 2;
      }
    }
  }
  // The random graphs exercised both outcomes, and chains with helpers between the changed
  // module and its boundary (the shape the stale-code bug needed).
  CHECK(updates > 100);
  CHECK(reloads > 20);
  CHECK(deep > 50);
  CHECK(lazy_edges > 100);
}

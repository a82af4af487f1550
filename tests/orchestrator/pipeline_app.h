// A small app of the usual shape on a real folder, and a pipeline over it with fake builders and a
// fake publisher (fake_builders.h, fake_publisher.h): the fixture of the pipeline's rule tests.
#pragma once

#include <boost/json.hpp>
#include <map>
#include <memory>
#include <optional>
#include <regex>

#include "orchestrator/pipeline.h"
#include "tests/hr_catch.h"
#include "tests/orchestrator/fake_builders.h"
#include "tests/orchestrator/fake_publisher.h"
#include "tests/temp_dir.h"

namespace hr::test {

namespace json = boost::json;

// A small app of the usual shape: an entry renders a component (the HMR boundary), which uses a
// helper module, which uses another; a linked stylesheet; one npm package.
class App {
 public:
  // `keep_state`: starts keep the import scans and the URL tokens in .hr (scan_cache.h,
  // token_snapshot.h), as the server does.
  explicit App(bool on_demand = false, bool keep_state = false) {
    dir.write("index.html",
              "<link rel=\"stylesheet\" href=\"/style.css\">\n"
              "<script type=\"module\" src=\"/main.jsx\"></script>\n");
    dir.write("node_modules/react-dom/package.json", R"({"name": "react-dom"})");
    write("main.jsx",
          "import { createRoot } from \"react-dom/client\";\n"
          "import { App } from \"./app.jsx\";\ncreateRoot(document.body).render(App());\n");
    write("app.jsx",
          "import { label } from \"./label.js\";\nexport function App() { return label; }\n");
    write("label.js",
          "import { word } from \"./word.js\";\nexport const label = \"label:\" + word;\n");
    write("word.js", "export const word = \"one\";\n");
    write("style.css", "body { color: red }\n");
    options.manifest_path = dir.path() / "manifest.json";
    options.state_dir = dir.path() / ".hr";
    options.progress_on_tty = false;
    options.on_demand = on_demand;
    if (keep_state) {
      options.scan_cache = dir.path() / ".hr" / "cache" / "scans";
      options.token_snapshot = dir.path() / ".hr" / "cache" / "tokens";
    }
    pipeline = std::make_unique<orch::Pipeline>(io, builders, publisher, options, "/* client */");
  }

  // A new server over the same folder: a new pipeline, started.
  void restart() {
    pipeline.reset();
    pipeline = std::make_unique<orch::Pipeline>(io, builders, publisher, options, "/* client */");
    start();
  }

  // Writes a module; the next manifest carries its new hash.
  void write(const std::string& id, const std::string& text) {
    dir.write(id, text);
    ++versions[id];
  }

  std::shared_ptr<graph::Manifest> manifest(const std::vector<std::string>& changed) {
    static const std::map<std::string, std::string> shape = {
        {"main.jsx", R"("kind": "entry", "imports": ["app.jsx"])"},
        {"app.jsx", R"("kind": "component", "imports": ["label.js"])"},
        {"label.js", R"("imports": ["word.js"])"},
        {"word.js", R"("imports": [])"},
        {"style.css", R"("kind": "style")"}};
    std::string text = R"({"version": 1, "build": ")" + std::to_string(++build) +
                       R"(", "entries": ["main.jsx"], "changed": [)";
    for (const auto& id : changed) text += (id == changed.front() ? "\"" : ", \"") + id + "\"";
    text += R"(], "modules": [)";
    for (const auto& [id, fields] : shape) {
      text += (id == shape.begin()->first ? "" : ", ");
      text += R"({"id": ")" + id + R"(", "hash": ")" + std::to_string(versions[id]) + "\", " +
              fields + "}";
    }
    auto m = graph::parse_manifest(text + "]}", dir.path());
    REQUIRE(m);
    return std::make_shared<graph::Manifest>(std::move(*m));
  }

  void start() {
    std::optional<Result<size_t>> served;
    pipeline->cold_start(manifest({}), [&](Result<size_t> r) { served = std::move(r); });
    drain();
    REQUIRE(served);
    REQUIRE(*served);
  }

  // Queues a recompile; its answer lands in `out` once the io_context gets to it.
  void recompile_into(const std::vector<std::string>& changed,
                      std::optional<orch::RecompileResult>& out) {
    pipeline->recompile(manifest(changed), {std::chrono::steady_clock::now()},
                        [&out](orch::RecompileResult r) { out = std::move(r); });
  }

  orch::RecompileResult recompile(const std::vector<std::string>& changed) {
    std::optional<orch::RecompileResult> out;
    recompile_into(changed, out);
    drain();
    REQUIRE(out);
    return *out;
  }

  void drain() {
    io.restart();
    io.poll();
  }

  json::object last_push() const {
    REQUIRE(!publisher.broadcasts.empty());
    return json::parse(publisher.broadcasts.back()).as_object();
  }

  TempDir dir;
  orch::Pipeline::Options options;
  boost::asio::io_context io;
  FakeBuilders builders{io};
  FakePublisher publisher;
  std::unique_ptr<orch::Pipeline> pipeline;
  std::map<std::string, int> versions;
  int build = 0;
};

// The ?t= version an import of `dep` carries in the served code of `path`, or "" without one.
// The query `path` as served imports `dep` with ("?v=…", "?t=…", or "" for none).
inline std::string query_imported(const App& app, const std::string& path, const std::string& dep) {
  const std::string code = app.publisher.served(path);
  std::smatch m;
  const std::regex re("\"" + dep + "(\\?[^\"]*)?\"");
  return std::regex_search(code, m, re) ? m[1].str() : "-";
}

// The token a served module's header names (its own URL's, assemble.h), "" for none.
inline std::string served_token(const App& app, const std::string& path) {
  const std::string code = app.publisher.served(path);
  std::smatch m;
  const std::regex re("__hr_hot\\(\"[^\"]*\", import\\.meta\\.url, \"([0-9a-f]+)\"(, true)?\\)");
  return std::regex_search(code, m, re) ? m[1].str() : "";
}

}  // namespace hr::test

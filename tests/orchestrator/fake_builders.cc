#include "tests/orchestrator/fake_builders.h"

#include <algorithm>
#include <boost/asio/post.hpp>
#include <regex>

#include "common/read_file.h"
#include "graph/graph.h"
#include "tests/hr_catch.h"

namespace hr::test {

namespace {

// `from "x"`, `import "x"`, `import("x")`: what esbuild would ask the on-resolve hook about.
const std::regex& import_pattern() {
  static const std::regex re(R"((from\s*|import\s*\(?\s*)["']([^"']+)["'])");
  return re;
}

int line_of(const std::string& text, size_t offset) {
  return 1 + static_cast<int>(std::count(text.begin(), text.begin() + offset, '\n'));
}

}  // namespace

void FakeBuilders::open(const std::filesystem::path& root, orch::BuilderHooks hooks) {
  root_ = root;
  hooks_ = std::move(hooks);
}

void FakeBuilders::answer(std::function<void()> f) {
  boost::asio::post(io_, std::move(f));
}

void FakeBuilders::release() {
  REQUIRE(!held_.empty());
  auto f = std::move(held_.front());
  held_.pop_front();
  answer(std::move(f));
}

void FakeBuilders::release_newest() {
  REQUIRE(!held_.empty());
  auto f = std::move(held_.back());
  held_.pop_back();
  answer(std::move(f));
}

orch::ModuleBuild FakeBuilders::build_now(const std::vector<std::string>& ids) const {
  orch::ModuleBuild build;
  for (const auto& id : ids) {
    const std::string text = read_file_or_empty(root_ / id);
    if (const size_t bad = text.find("SYNTAX ERROR"); bad != std::string::npos) {
      build.errors.push_back(esbuild::message_at(id, "Unexpected \"ERROR\"", line_of(text, bad)));
      continue;
    }
    orch::BuiltModule m{id, "", "", {}, {}, {}, {}, graph::content_hash(text)};
    size_t copied = 0;
    for (std::sregex_iterator it(text.begin(), text.end(), import_pattern()), end; it != end;
         ++it) {
      const auto& spec = (*it)[2];
      const orch::ImportTarget t = hooks_.resolve(spec.str(), id);
      std::string url = spec.str();
      if (t.kind == orch::ImportTarget::Kind::module) {
        url = hooks_.module_url(t);
        m.imports.push_back(t.id);
      } else if (t.kind == orch::ImportTarget::Kind::package) {
        url = hooks_.package_url(t.id);
        m.packages.push_back(t.id);
      }
      const size_t at = static_cast<size_t>(spec.first - text.begin());
      m.code += text.substr(copied, at - copied) + url;
      copied = at + spec.length();
    }
    m.code += text.substr(copied);
    // The defines leave a mark, as real ones change the output; "import_meta" in it, since code
    // that reads import.meta (other than .hot) does not travel in the update message.
    for (auto d : defines_) {
      for (size_t at; (at = d.find("import.meta")) != std::string::npos;) d[at + 6] = '_';
      m.code += "\n// define " + d;
    }
    build.modules.push_back(std::move(m));
  }
  return build;
}

void FakeBuilders::build_modules(std::vector<std::string> ids,
                                 esbuild::Callback<orch::ModuleBuild> done) {
  module_calls.push_back(ids);
  if (crashes > 0) {
    --crashes;
    running_ = false;
    return answer([done] { done(fail("esbuild exited (signal 9)")); });
  }
  if (unstartable > 0) {
    --unstartable;
    running_ = false;
    return answer([done] { done(fail("esbuild did not start", ErrorKind::unavailable)); });
  }
  auto reply = [this, ids, done] { done(build_now(ids)); };
  if (hold) return held_.push_back(std::move(reply));
  if (at_once) return reply();
  answer(std::move(reply));
}

void FakeBuilders::build_styles(std::vector<std::string> ids,
                                esbuild::Callback<orch::StyleBuild> done) {
  ++style_calls;
  orch::StyleBuild build;
  for (const auto& id : ids) {
    const std::string css = read_file_or_empty(root_ / id);
    build.styles.push_back({id, css, {id}, graph::content_hash(css)});
  }
  answer([done, build = std::move(build)] { done(build); });
}

void FakeBuilders::bundle_deps(orch::DepsRequest request,
                               esbuild::Callback<orch::DepsBundle> done) {
  ++deps_calls;
  orch::DepsBundle bundle;
  for (const auto& s : request.specifiers) bundle.key += s + ";";
  bundle.key = std::to_string(std::hash<std::string>{}(bundle.key) % 100000);
  for (const auto& s : request.specifiers) {
    bundle.entry[s] = orch::deps_url(s, bundle.key);
    bundle.files.push_back({"/@deps/" + s + ".js", "export default {};\n"});
  }
  answer([done, bundle = std::move(bundle)] { done(bundle); });
}

void FakeBuilders::restart(esbuild::Callback<std::string> ready) {
  ++restarts;
  if (!restartable) return answer([ready] { ready(fail("cannot start esbuild: no such file")); });
  running_ = true;
  ++pid_;
  answer([ready] { ready(std::string("0.0-fake")); });
}

}  // namespace hr::test

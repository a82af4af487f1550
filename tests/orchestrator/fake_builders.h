// Builders without esbuild, for the pipeline's rule tests (builders.h).
//
// A module "builds" into its own text, each `from "x"` / `import "x"` resolved through the
// pipeline's hooks (as esbuild's on-resolve does) and its specifier replaced by the URL the hooks
// give, so versions reach importers exactly as with esbuild's output. A text that contains
// `SYNTAX ERROR` fails to compile at that line. A stylesheet builds into its own text. Every answer
// comes from the io_context, as esbuild's do (with `at_once`, at once, as the module cache's do);
// with `hold`, module builds wait until release().
// `crashes` makes the next calls fail as if the child died under them.
#pragma once

#include <boost/asio/io_context.hpp>
#include <deque>
#include <functional>
#include <string>
#include <vector>

#include "orchestrator/builders.h"

namespace hr::test {

class FakeBuilders : public orch::Builders {
 public:
  explicit FakeBuilders(boost::asio::io_context& io) : io_(io) {}

  // What was asked.
  std::vector<std::vector<std::string>> module_calls;  // the ids of each build_modules()
  int style_calls = 0, deps_calls = 0, restarts = 0;
  // How it answers.
  bool hold = false;        // module builds wait in held() until release()
  bool at_once = false;     // module builds answer within build_modules(), as the cache does
  int crashes = 0;          // the next `crashes` module builds fail: the child died under them
  int unstartable = 0;      // the next module builds fail: the child they waited for did not start
  bool restartable = true;  // whether restart() brings a child back

  size_t held() const { return held_.size(); }
  // Answers the oldest held build, or the newest.
  void release();
  void release_newest();

  void open(const std::filesystem::path& root, orch::BuilderHooks hooks) override;
  void build_modules(std::vector<std::string> ids,
                     esbuild::Callback<orch::ModuleBuild> done) override;
  void build_ahead(const std::vector<std::string>&) override {}
  std::uint64_t built_ahead_used() const override { return 0; }
  std::uint64_t esbuild_module_builds() const override { return module_calls.size(); }
  void set_defines(std::vector<std::string> flags) override { defines_ = std::move(flags); }
  void build_styles(std::vector<std::string> ids,
                    esbuild::Callback<orch::StyleBuild> done) override;
  void set_postcss(orch::PostcssStyles*) override {}
  void bundle_deps(orch::DepsRequest request, esbuild::Callback<orch::DepsBundle> done) override;
  int child_pid() const override { return running_ ? pid_ : 0; }
  void restart(esbuild::Callback<std::string> ready) override;

 private:
  orch::ModuleBuild build_now(const std::vector<std::string>& ids) const;
  void answer(std::function<void()> f);

  boost::asio::io_context& io_;
  std::filesystem::path root_;
  orch::BuilderHooks hooks_;
  std::vector<std::string> defines_;
  std::deque<std::function<void()>> held_;
  int pid_ = 100;
  bool running_ = true;
};

}  // namespace hr::test

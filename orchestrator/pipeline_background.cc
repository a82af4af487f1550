// The background build of on-demand mode (pipeline_on_demand.cc): what no page asked for is built
// once nothing waits, one batch at a time, so that HMR and planning know every module. It never
// holds up a request (a request's build goes first, between two batches), and it waits while a
// page that connected is still loading: on two cores, a page's script and React's render share
// them with it, and the first render came about 300 ms later with the build beside it. Once every
// module is built, a fresh esbuild takes over.
#include <spdlog/spdlog.h>
#include <unistd.h>

#include "orchestrator/pipeline.h"

namespace hr::orch {

namespace {
// Modules per background build while the cache answers them: it does so on the server's thread,
// about half a millisecond a module here, and a request waits for the batch under way.
constexpr size_t kCachedBatch = 16;
// How long requests must stay quiet before the background build starts or goes on.
constexpr auto kQuietBeforeBackground = std::chrono::milliseconds(200);
// How long a page that connected may hold the background build back while it loads.
constexpr auto kPageLoadLimit = std::chrono::seconds(5);
}  // namespace

void Pipeline::start_background() {
  if (!options_.on_demand || background_started_) return;
  background_started_ = true;
  background_total_ = unbuilt_.size();
  quiet_then_background();
}

void Pipeline::quiet_then_background() {
  background_after(kQuietBeforeBackground);
}

// Through the timer even for the next batch at once: a batch the cache answers completes within
// build_modules(), and going on from its callback would load the whole app before the server read
// another request (about 400 ms at 2,000 modules, seconds at 10,000).
void Pipeline::background_after(std::chrono::milliseconds delay) {
  background_timer_.expires_after(delay);
  background_timer_.async_wait([this](boost::system::error_code ec) {
    if (!ec) build_in_background();
  });
}

void Pipeline::build_in_background() {
  if (background_running_ || requests_in_flight_ > 0) return;
  if (pages_loading()) return quiet_then_background();
  const size_t batch = background_from_cache_ ? std::min(kCachedBatch, options_.background_batch)
                                              : options_.background_batch;
  const auto ids = unbuilt_.next(batch);
  if (ids.empty()) return renew_builders();
  background_running_ = true;
  auto ticket = std::make_shared<UnbuiltModules::Ticket>(unbuilt_.start(ids));
  const auto esbuild_builds = builders_.esbuild_module_builds();
  build_modules(ids, [this, ticket, esbuild_builds](Result<ModuleBuild> r) {
    background_running_ = false;
    background_from_cache_ = builders_.esbuild_module_builds() == esbuild_builds;
    const bool ok = static_cast<bool>(r);
    take_unbuilt(*ticket, std::move(r), false);
    report_background_progress();
    if (!ok) return;  // esbuild is gone even after a restart: requests still build, one by one
    if (requests_in_flight_ == 0) background_after(std::chrono::milliseconds(0));
  });
}

// A page loading runs the app's modules and React on the cores a background build would take:
// the build waits until the pages that connected say they are loaded (`hr:settled`), or for
// kPageLoadLimit at most (a page that never says so: closed, or an old client).
void Pipeline::forget_expired_pages() {
  const auto now = std::chrono::steady_clock::now();
  std::erase_if(loading_pages_, [&](const auto& p) { return now - p.second > kPageLoadLimit; });
}

bool Pipeline::pages_loading() {
  forget_expired_pages();
  return !loading_pages_.empty();
}

void Pipeline::page_settled(std::uint64_t client) {
  ++counters_.pages_settled;
  if (loading_pages_.erase(client) && background_started_ && loading_pages_.empty())
    quiet_then_background();
}

// Not a reason to start the background now (the server may be stopping): a held background
// looks again within kQuietBeforeBackground.
void Pipeline::on_client_disconnect(std::uint64_t client) {
  loading_pages_.erase(client);
}

void Pipeline::report_background_progress() {
  const size_t left = unbuilt_.size();
  if (options_.progress_on_tty && isatty(STDERR_FILENO))
    std::fprintf(stderr, "\r[hr] building in the background %zu/%zu%s",
                 background_total_ - std::min(left, background_total_), background_total_,
                 left == 0 ? "\n" : "");
}

// The child that built the app holds the memory it grew to (the cold start runs it with garbage
// collection near a limit only): once every module is built and nothing is under way, a fresh
// child with Go's defaults takes over, as after a --build-all cold start.
void Pipeline::renew_builders() {
  if (renewed_ || !unbuilt_.empty()) return;
  if (busy_ || requests_in_flight_ > 0 || pages_loading()) return quiet_then_background();
  renewed_ = true;
  // Every module came from the cache: the child holds nothing of the app, and a fresh one would
  // only take the cores from the page that is loading.
  if (builders_.esbuild_module_builds() == 0) return void(background_done_ = true);
  builders_.renew([this](Result<std::string> ready) {
    background_done_ = true;
    if (!ready) spdlog::warn("could not start a fresh esbuild: {}", ready.error().message);
  });
}

}  // namespace hr::orch

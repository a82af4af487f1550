// ModuleCache (module_cache.h): get() on the caller's thread; writes, the first listing, touches
// and evictions on the cache's worker thread, which alone changes the running total.
#include "orchestrator/module_cache.h"

#include <spdlog/spdlog.h>
#include <xxhash.h>

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>

#include "common/read_file.h"

namespace hr::orch {

namespace fs = std::filesystem;

namespace {

constexpr std::string_view kEntrySuffix = ".hrm";
constexpr std::string_view kTempMarker = ".tmp.";
// A temporary file this old was left by a process that died while writing it.
constexpr std::int64_t kStaleTempNs = 60'000'000'000;
// Held work waits no longer once its payloads add up to this much memory.
constexpr std::uint64_t kMaxHeldBytes = 64 << 20;

std::string file_name(std::string_view key) {
  const XXH128_hash_t h = XXH3_128bits(key.data(), key.size());
  char buf[33];
  std::snprintf(buf, sizeof buf, "%016llx%016llx", static_cast<unsigned long long>(h.high64),
                static_cast<unsigned long long>(h.low64));
  return std::string(buf) + std::string(kEntrySuffix);
}

std::int64_t mtime_ns(const struct stat& st) {
  return static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec;
}

struct timespec mtime_of(std::int64_t ns) {
  return {static_cast<time_t>(ns / 1'000'000'000), static_cast<long>(ns % 1'000'000'000)};
}

// A new file with `bytes`, its mtime `ns` (the kernel's own stamp is coarse: writes in one tick
// would tie, and the least recently used would be a guess).
bool write_all(const fs::path& path, std::string_view bytes, std::int64_t ns) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) return false;
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    done += static_cast<std::size_t>(n);
  }
  const struct timespec times[2] = {{0, UTIME_OMIT}, mtime_of(ns)};
  const bool stamped = ::futimens(fd, times) == 0;
  return ::close(fd) == 0 && done == bytes.size() && stamped;
}

}  // namespace

Result<std::unique_ptr<ModuleCache>> ModuleCache::open(Options options) {
  std::error_code ec;
  fs::create_directories(options.dir, ec);
  if (ec)
    return fail("cannot create the module cache " + options.dir.string() + ": " + ec.message());
  std::unique_ptr<ModuleCache> cache(new ModuleCache(std::move(options)));
  cache->enqueue({Job::Kind::scan, "", "", "", {}});
  return cache;
}

ModuleCache::ModuleCache(Options options) : options_(std::move(options)) {
  worker_ = std::thread([this] { work(); });
}

ModuleCache::~ModuleCache() {
  {
    std::lock_guard l(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  worker_.join();
}

fs::path ModuleCache::path_of(std::string_view key) const {
  return options_.dir / file_name(key);
}

std::optional<std::string> ModuleCache::get(std::string_view key) {
  const std::string name = file_name(key);
  auto bytes = read_file(options_.dir / name);  // absent or unreadable: a miss either way
  if (!bytes) {
    ++misses_;
    // An entry the running total counts was deleted (`cache clear`): the total forgets it.
    bool counted = false;
    {
      std::lock_guard l(mu_);
      counted = known_.count(name) > 0;
    }
    if (counted) enqueue({Job::Kind::forget, name, "", "", {}});
    return std::nullopt;
  }
  auto payload = decode_entry(*bytes, key);
  if (!payload) {
    ++misses_;
    ++corrupt_;
    report_bad(name, payload.error().message);
    return std::nullopt;
  }
  ++hits_;
  enqueue({Job::Kind::touch, name, "", "", {}});
  return std::move(*payload);
}

// Logged once per file; the file goes, so the next get() misses and the build writes it again.
void ModuleCache::report_bad(const std::string& name, const std::string& why) {
  const fs::path path = options_.dir / name;
  bool first = false;
  {
    std::lock_guard l(mu_);
    first = reported_.insert(name).second;
  }
  if (first)
    spdlog::warn("module cache: {}: {}; deleted, the module is built again", path.string(), why);
  ::unlink(path.c_str());
  enqueue({Job::Kind::forget, name, "", "", {}});
}

void ModuleCache::put(std::string key, std::string payload, std::function<bool()> still_valid) {
  std::string name = file_name(key);
  enqueue({Job::Kind::write, std::move(name), std::move(key), std::move(payload),
           std::move(still_valid)});
}

void ModuleCache::enqueue(Job job) {
  {
    std::lock_guard l(mu_);
    queued_bytes_ += job.key.size() + job.payload.size();
    jobs_.push_back(std::move(job));
  }
  cv_.notify_all();
}

void ModuleCache::hold(bool held) {
  {
    std::lock_guard l(mu_);
    held_ = held;
  }
  cv_.notify_all();
}

void ModuleCache::flush() {
  std::unique_lock l(mu_);
  ++flushing_;
  cv_.notify_all();
  cv_.wait(l, [this] { return jobs_.empty() && !busy_; });
  --flushing_;
}

bool ModuleCache::may_work() const {
  if (jobs_.empty()) return false;
  return !held_ || stopping_ || flushing_ > 0 || queued_bytes_ > kMaxHeldBytes;
}

// With mu_ held. Only work nobody waits for is deferred.
bool ModuleCache::deferred() const {
  const bool waited_for = stopping_ || flushing_ > 0 || queued_bytes_ > kMaxHeldBytes;
  return !waited_for && options_.defer && options_.defer();
}

ModuleCacheStats ModuleCache::stats() const {
  ModuleCacheStats s;
  s.enabled = true;
  s.hits = hits_;
  s.misses = misses_;
  s.written = written_;
  s.corrupt = corrupt_;
  s.evicted = evicted_;
  std::lock_guard l(mu_);
  s.bytes = total_;
  s.entries = known_.size();
  return s;
}

// The worker: runs the jobs in order; on stop, the queue is finished first.
void ModuleCache::work() {
  // Below esbuild and the server's thread, for the CPU and the disk (on Linux a thread's nice
  // value is its own): the cache's work is never in a hurry.
  ::setpriority(PRIO_PROCESS, static_cast<id_t>(::gettid()), 19);
  std::unique_lock l(mu_);
  for (;;) {
    cv_.wait(l, [this] { return (stopping_ && jobs_.empty()) || may_work(); });
    if (jobs_.empty()) return;
    if (deferred()) {
      cv_.wait_for(l, std::chrono::milliseconds(50));
      continue;
    }
    Job job = std::move(jobs_.front());
    jobs_.pop_front();
    queued_bytes_ -= job.key.size() + job.payload.size();
    busy_ = true;
    l.unlock();
    run(job);
    l.lock();
    busy_ = false;
    cv_.notify_all();
  }
}

void ModuleCache::run(Job& job) {
  switch (job.kind) {
    case Job::Kind::scan:
      return scan();
    case Job::Kind::write:
      return write(job);
    case Job::Kind::touch:
      return touch(job.name);
    case Job::Kind::forget:
      // Only a file that is gone: a write of the same entry may have been queued before.
      if (!fs::exists(options_.dir / job.name)) forget(job.name);
      return;
  }
}

// The one listing of the folder: the running total starts from it.
void ModuleCache::scan() {
  std::error_code ec;
  const std::int64_t now = now_ns();
  for (const auto& e : fs::directory_iterator(options_.dir, ec)) {
    const std::string name = e.path().filename().string();
    struct stat st {};
    if (::stat(e.path().c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;
    if (name.find(kTempMarker) != std::string::npos) {
      if (now - mtime_ns(st) > kStaleTempNs) ::unlink(e.path().c_str());
      continue;
    }
    if (name.ends_with(kEntrySuffix))
      note(name, static_cast<std::uint64_t>(st.st_size), mtime_ns(st));
  }
  if (ec) spdlog::warn("module cache: cannot list {}: {}", options_.dir.string(), ec.message());
  evict();
}

void ModuleCache::write(Job& job) {
  if (job.still_valid && !job.still_valid()) return;
  const std::string bytes = encode_entry(job.key, job.payload);
  if (bytes.size() > options_.max_bytes) return;
  static std::atomic<std::uint64_t> serial{0};
  const fs::path path = options_.dir / job.name;
  const fs::path temp =
      options_.dir / (job.name + std::string(kTempMarker) + std::to_string(::getpid()) + "." +
                      std::to_string(++serial));
  const std::int64_t ns = now_ns();
  bool ok = write_all(temp, bytes, ns);
  if (!ok && errno == ENOENT) {  // the folder was cleared under us (`cache clear`)
    std::error_code ec;
    fs::create_directories(options_.dir, ec);
    {
      std::lock_guard l(mu_);  // every entry it counted went with the folder
      known_.clear();
      total_ = 0;
    }
    ok = write_all(temp, bytes, ns);
  }
  if (!ok || ::rename(temp.c_str(), path.c_str()) != 0) {
    spdlog::debug("module cache: cannot write {}: {}", path.string(), std::strerror(errno));
    ::unlink(temp.c_str());
    return;
  }
  {
    std::lock_guard l(mu_);
    reported_.erase(job.name);  // a good entry again: its next fault is news
  }
  ++written_;
  note(job.name, bytes.size(), ns);
  evict();
}

// A hit: the entry is the most recently used, on disk too (its mtime) for the next start.
void ModuleCache::touch(const std::string& name) {
  const std::int64_t ns = now_ns();
  const struct timespec times[2] = {{0, UTIME_OMIT}, mtime_of(ns)};
  if (::utimensat(AT_FDCWD, (options_.dir / name).c_str(), times, 0) != 0) return forget(name);
  std::lock_guard l(mu_);
  if (auto it = known_.find(name); it != known_.end()) it->second.used_ns = ns;
}

void ModuleCache::note(const std::string& name, std::uint64_t size, std::int64_t used_ns) {
  std::lock_guard l(mu_);
  Known& k = known_[name];
  total_ = total_ - k.size + size;
  k = {size, used_ns};
}

void ModuleCache::forget(const std::string& name) {
  std::lock_guard l(mu_);
  auto it = known_.find(name);
  if (it == known_.end()) return;
  total_ -= it->second.size;
  known_.erase(it);
}

// Over the limit: the least recently used go, down to 90% of it so that the next few writes do not
// each evict again.
void ModuleCache::evict() {
  std::vector<std::pair<std::int64_t, std::string>> order;
  {
    std::lock_guard l(mu_);
    if (total_ <= options_.max_bytes) return;
    for (const auto& [name, k] : known_) order.emplace_back(k.used_ns, name);
  }
  std::sort(order.begin(), order.end());
  const std::uint64_t low = options_.max_bytes / 10 * 9;
  for (const auto& [used, name] : order) {
    {
      std::lock_guard l(mu_);
      if (total_ <= low) break;
    }
    ::unlink((options_.dir / name).c_str());  // already gone (cache clear): as good
    forget(name);
    ++evicted_;
  }
}

// Wall-clock nanoseconds (mtimes are), strictly increasing so that every use orders.
std::int64_t ModuleCache::now_ns() {
  struct timespec ts {};
  ::clock_gettime(CLOCK_REALTIME, &ts);
  const std::int64_t ns = static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
  last_ns_ = std::max(ns, last_ns_ + 1);
  return last_ns_;
}

}  // namespace hr::orch

// A persistent cache of built modules on disk: one file per entry, in the app's state folder
// (`.web/.hr/cache/modules`), so that a restarted server builds only what changed.
//
// The cache maps a key (a string naming everything that determines a build's output: the caller
// composes it, see module_builder_cache.cc) to a payload (bytes). An entry's file is named by a
// 128-bit hash of the key and holds a header (magic, format version, the whole key, the payload's
// length and XXH3-64) before the payload. A read checks all of it: an entry that is torn,
// truncated, corrupt, or written for another key (a foreign file under that name) is logged once,
// deleted and reported as a miss, never returned.
//
// Writes go through a temporary file in the same folder, renamed over the entry: a reader (this
// process, another one, a concurrent writer of the same entry) sees the old entry, the new one, or
// none, never a mix. Two servers of different apps have different folders; `hr-orchestrate cache
// clear` may delete files under a running server, which then just misses.
//
// The cache is bounded: when its files add up to more than the limit, the least recently used are
// deleted (a hit sets the file's mtime, so the order survives a restart). The folder is listed
// once, when the cache opens; a running total is kept from then on. Writing, listing, touching and
// evicting run on a worker thread of the cache, at the lowest priority; get() reads on the
// caller's thread. While builds run the worker holds its work (hold()): a cold start writes
// thousands of entries, and creating that many files competes with esbuild for the CPU and the
// disk (measured: +15% to +40% on a 2,000-module cold start on 2 cores). The queue is written once
// the builds are done, or once it holds 64 MiB of payloads. It waits too while a page loads (the
// owner's `defer`): creating thousands of files slowed a 2,000-module page load by ~0.6 s.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

#include "common/result.h"

namespace hr::orch {

struct ModuleCacheStats {
  bool enabled = false;
  std::uint64_t hits = 0, misses = 0, written = 0, corrupt = 0, evicted = 0;
  // Modules the builder took from the cache without asking esbuild (ModuleBuilder's count: a hit
  // whose imports no longer resolve is built after all).
  std::uint64_t served = 0;
  std::uint64_t bytes = 0, entries = 0;  // on disk, as the running total knows them
};

class ModuleCache {
 public:
  struct Options {
    std::filesystem::path dir;               // created when missing
    std::uint64_t max_bytes = 256ull << 20;  // the size limit of all entries together
    // While it answers true, queued work waits (asked again every 50 ms; a flush or the
    // destructor does not wait): a browser loading a page's modules. Called on the worker thread.
    std::function<bool()> defer = {};
  };
  // The folder `<state_dir>/cache/modules`.
  static std::filesystem::path dir_in(const std::filesystem::path& state_dir);

  static Result<std::unique_ptr<ModuleCache>> open(Options options);
  ~ModuleCache();  // finishes the queued work
  ModuleCache(const ModuleCache&) = delete;
  ModuleCache& operator=(const ModuleCache&) = delete;

  // --- Reading and writing ---
  // The payload stored for `key`; nothing on a miss, and for a bad entry (deleted, logged).
  std::optional<std::string> get(std::string_view key);
  // Stores `payload` for `key`, on the worker thread. `still_valid`, when given, runs there first
  // and can cancel the write (the build's input changed while it was built).
  void put(std::string key, std::string payload, std::function<bool()> still_valid = {});
  // Waits until every queued put, touch and eviction is done (held or not).
  void flush();
  // While held, queued work waits (builds are running); released, it goes on.
  void hold(bool held);

  // --- Inspection ---
  ModuleCacheStats stats() const;
  std::filesystem::path path_of(std::string_view key) const;  // the entry's file

 private:
  struct Job {
    enum class Kind { scan, write, touch, forget } kind;
    std::string name;  // the entry's file name
    std::string key, payload;
    std::function<bool()> still_valid;
  };
  struct Known {
    std::uint64_t size = 0;
    std::int64_t used_ns = 0;  // the file's mtime: last written or hit
  };
  explicit ModuleCache(Options options);
  void enqueue(Job job);
  bool may_work() const;  // with mu_ held
  bool deferred() const;  // with mu_ held
  void work();
  void run(Job& job);
  void scan();
  void write(Job& job);
  void touch(const std::string& name);
  void note(const std::string& name, std::uint64_t size, std::int64_t used_ns);
  void forget(const std::string& name);
  void evict();
  void report_bad(const std::string& name, const std::string& why);
  std::int64_t now_ns();

  Options options_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Job> jobs_;
  bool busy_ = false, stopping_ = false, held_ = false;
  int flushing_ = 0;
  std::uint64_t queued_bytes_ = 0;
  // The worker's view of the folder (guarded by mu_ for stats()).
  std::unordered_map<std::string, Known> known_;
  std::uint64_t total_ = 0;
  std::int64_t last_ns_ = 0;
  std::set<std::string> reported_;  // bad entries already logged
  std::atomic<std::uint64_t> hits_{0}, misses_{0}, written_{0}, corrupt_{0}, evicted_{0};
  std::thread worker_;
};

// --- Entries ---
// The file bytes of an entry, and the payload read back from them (an error says what is wrong).
std::string encode_entry(std::string_view key, std::string_view payload);
Result<std::string> decode_entry(std::string_view bytes, std::string_view key);

// A list of byte strings as one payload, and back (nothing when `bytes` is not such a list).
std::string encode_strings(const std::vector<std::string_view>& parts);
std::optional<std::vector<std::string>> decode_strings(std::string_view bytes);

// --- `hr-orchestrate cache clear` ---
struct Cleared {
  std::uint64_t files = 0, bytes = 0;
};
// Deletes the cache folder `dir` (ModuleCache::dir_in) and everything in it.
Result<Cleared> clear_module_cache(const std::filesystem::path& dir);

}  // namespace hr::orch

// The persistent module cache (module_cache.h): entries come back only for their own key and
// intact; a bad entry is reported, deleted and never returned; the size limit holds, least
// recently used out; concurrent writers leave a valid entry.
#include <spdlog/sinks/ringbuffer_sink.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <thread>

#include "common/read_file.h"
#include "orchestrator/module_cache.h"
#include "tests/hr_catch.h"

using namespace hr::orch;
namespace fs = std::filesystem;

namespace {

struct Dir {
  fs::path path = fs::temp_directory_path() /
                  ("hr-cache-" + std::to_string(getpid()) + "-" + std::to_string(serial()));
  static int serial() {
    static int n = 0;
    return ++n;
  }
  ~Dir() { fs::remove_all(path); }
};

std::unique_ptr<ModuleCache> open_cache(const fs::path& dir, std::uint64_t max = 1 << 20) {
  auto c = ModuleCache::open({dir, max});
  REQUIRE(c);
  return std::move(*c);
}

void overwrite(const fs::path& file, const std::string& bytes) {
  std::ofstream(file, std::ios::binary | std::ios::trunc) << bytes;
}

// spdlog's warnings while it lives.
struct CapturedLog {
  std::shared_ptr<spdlog::sinks::ringbuffer_sink_mt> sink =
      std::make_shared<spdlog::sinks::ringbuffer_sink_mt>(100);
  std::shared_ptr<spdlog::logger> old = spdlog::default_logger();
  CapturedLog() { spdlog::set_default_logger(std::make_shared<spdlog::logger>("test", sink)); }
  ~CapturedLog() { spdlog::set_default_logger(old); }
  int count(const std::string& text) {
    int n = 0;
    for (const auto& line : sink->last_formatted())
      if (line.find(text) != std::string::npos) ++n;
    return n;
  }
};

// A bad entry: reported (counted, logged once naming the file), deleted, not returned.
void check_rejected(ModuleCache& cache, const std::string& key, const fs::path& file) {
  CapturedLog log;
  const auto corrupt = cache.stats().corrupt;
  CHECK_FALSE(cache.get(key));
  CHECK(cache.stats().corrupt == corrupt + 1);
  CHECK_FALSE(fs::exists(file));
  CHECK(log.count(file.string()) == 1);
  CHECK_FALSE(cache.get(key));  // now a plain miss, not logged again
  CHECK(log.count(file.string()) == 1);
}

}  // namespace

TEST_CASE("a module cache entry comes back for its key, byte for byte, after a reopen") {
  Dir d;
  const std::string payload =
      encode_strings({std::string_view("code\0with nul", 13), "{\"map\":1}", ""});
  {
    auto cache = open_cache(d.path);
    CHECK_FALSE(cache->get("k1"));
    cache->put("k1", payload);
    cache->flush();
    CHECK(cache->get("k1") == payload);
    CHECK(cache->stats().written == 1);
    CHECK(cache->stats().hits == 1);
    CHECK(cache->stats().misses == 1);
  }
  auto again = open_cache(d.path);
  CHECK(again->get("k1") == payload);
  again->flush();
  CHECK(again->stats().entries == 1);
  CHECK(again->stats().bytes == fs::file_size(again->path_of("k1")));
  auto parts = decode_strings(payload);
  REQUIRE(parts);
  CHECK(*parts == std::vector<std::string>{std::string("code\0with nul", 13), "{\"map\":1}", ""});
}

TEST_CASE("a module cache lookup with a changed key misses") {
  Dir d;
  auto cache = open_cache(d.path);
  cache->put("esbuild 0.25\nid a.jsx\ntext 1", "A");
  cache->flush();
  CHECK_FALSE(cache->get("esbuild 0.25\nid a.jsx\ntext 2"));
  CHECK_FALSE(cache->get("esbuild 0.26\nid a.jsx\ntext 1"));
  CHECK(cache->get("esbuild 0.25\nid a.jsx\ntext 1") == "A");
}

TEST_CASE("a truncated module cache entry is reported, removed and not returned") {
  Dir d;
  auto cache = open_cache(d.path);
  cache->put("k", std::string(1000, 'x'));
  cache->flush();
  const fs::path file = cache->path_of("k");
  const std::string bytes = hr::read_file_or_empty(file);
  overwrite(file, bytes.substr(0, bytes.size() - 10));
  check_rejected(*cache, "k", file);
}

TEST_CASE("a module cache entry with a flipped byte is reported, removed and not returned") {
  Dir d;
  auto cache = open_cache(d.path);
  cache->put("k", std::string(1000, 'x'));
  cache->flush();
  const fs::path file = cache->path_of("k");
  std::string bytes = hr::read_file_or_empty(file);
  bytes[bytes.size() - 500] ^= 0x01;
  overwrite(file, bytes);
  check_rejected(*cache, "k", file);
}

TEST_CASE("a foreign module cache entry (the right file name, another key) is never served") {
  Dir d;
  auto cache = open_cache(d.path);
  cache->put("other key", "OTHER");
  cache->flush();
  const fs::path file = cache->path_of("k");
  fs::copy_file(cache->path_of("other key"), file);
  check_rejected(*cache, "k", file);
  CHECK(decode_entry(encode_entry("a", "P"), "b").error().message == "written for another key");
}

TEST_CASE("a module cache file that is no entry at all (empty, or garbage) is rejected") {
  Dir d;
  auto cache = open_cache(d.path);
  overwrite(cache->path_of("empty"), "");
  check_rejected(*cache, "empty", cache->path_of("empty"));
  overwrite(cache->path_of("junk"), std::string(100, '\xff'));
  check_rejected(*cache, "junk", cache->path_of("junk"));
}

TEST_CASE("the module cache stays under its size limit, least recently used out") {
  Dir d;
  const std::string payload(1000, 'p');
  const std::uint64_t entry = encode_entry("k0", payload).size();
  auto cache = open_cache(d.path, entry * 5 + entry / 2);  // room for 5
  for (int i = 0; i < 5; ++i) cache->put("k" + std::to_string(i), payload);
  cache->flush();
  CHECK(cache->get("k0"));  // k0 is now the most recently used; k1 the least
  cache->flush();
  cache->put("k5", payload);
  cache->flush();
  CHECK(cache->stats().bytes <= entry * 5 + entry / 2);
  CHECK(cache->stats().evicted >= 1);
  CHECK_FALSE(fs::exists(cache->path_of("k1")));
  CHECK(fs::exists(cache->path_of("k0")));
  CHECK(fs::exists(cache->path_of("k5")));
  std::uint64_t on_disk = 0;
  for (const auto& e : fs::directory_iterator(d.path)) on_disk += e.file_size();
  CHECK(on_disk == cache->stats().bytes);
}

TEST_CASE("the module cache's recency survives a restart (a hit sets the entry's mtime)") {
  Dir d;
  const std::string payload(1000, 'p');
  const std::uint64_t entry = encode_entry("k0", payload).size();
  {
    auto cache = open_cache(d.path, entry * 10);
    for (int i = 0; i < 3; ++i) cache->put("k" + std::to_string(i), payload);
    cache->flush();
    CHECK(cache->get("k0"));
  }
  auto cache = open_cache(d.path, entry * 3 + entry / 2);  // a smaller limit, one write over it
  cache->put("k3", payload);
  cache->flush();
  CHECK_FALSE(fs::exists(cache->path_of("k1")));
  CHECK(fs::exists(cache->path_of("k0")));
  CHECK(cache->stats().bytes <= entry * 3 + entry / 2);
}

TEST_CASE("concurrent writers of one module cache entry leave a valid entry") {
  Dir d;
  auto a = open_cache(d.path);
  auto b = open_cache(d.path);  // another process's cache on the same folder, say
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      ModuleCache& c = t % 2 ? *a : *b;
      for (int i = 0; i < 50; ++i) c.put("k", std::string(5000 + t, static_cast<char>('a' + t)));
    });
  }
  std::atomic<int> bad_reads{0};  // Catch's CHECK is for the main thread only
  std::thread reader([&] {
    for (int i = 0; i < 200; ++i) {
      auto got = a->get("k");
      if (got && (got->size() < 5000 || *got != std::string(got->size(), got->front())))
        ++bad_reads;
    }
  });
  for (auto& t : threads) t.join();
  reader.join();
  CHECK(bad_reads == 0);
  a->flush();
  b->flush();
  CHECK(a->stats().corrupt == 0);
  auto got = a->get("k");
  REQUIRE(got);
  CHECK(got->size() >= 5000);
  CHECK(*got == std::string(got->size(), got->front()));
  for (const auto& e : fs::directory_iterator(d.path))
    CHECK(e.path().filename().string().find(".tmp.") == std::string::npos);
}

TEST_CASE("a put whose input changed meanwhile writes nothing") {
  Dir d;
  auto cache = open_cache(d.path);
  cache->put("k", "P", [] { return false; });
  cache->flush();
  CHECK_FALSE(fs::exists(cache->path_of("k")));
  CHECK(cache->stats().written == 0);
}

TEST_CASE("cache clear removes the folder and says what it removed; a cache in use recovers") {
  Dir d;
  auto cache = open_cache(d.path);
  cache->put("a", "A");
  cache->put("b", "B");
  cache->flush();
  auto cleared = clear_module_cache(d.path);
  REQUIRE(cleared);
  CHECK(cleared->files == 2);
  CHECK(cleared->bytes > 0);
  CHECK_FALSE(fs::exists(d.path));
  CHECK_FALSE(cache->get("a"));
  cache->put("a", "A2");  // the running server writes on: the folder comes back
  cache->flush();
  CHECK(cache->get("a") == "A2");
  // The running total counts what is on disk now: "a" alone, not "b" any more.
  const auto stats = cache->stats();
  CHECK(stats.entries == 1);
  CHECK(stats.bytes == fs::file_size(cache->path_of("a")));
  REQUIRE(clear_module_cache(d.path / "none"));
}

TEST_CASE("while its owner defers (a page loads), nothing is written; a flush writes anyway") {
  Dir d;
  std::atomic<bool> page_loading{true};
  auto opened = ModuleCache::open({d.path, 1 << 20, [&] { return page_loading.load(); }});
  REQUIRE(opened);
  auto& cache = *opened;
  cache->put("a", "A");
  std::this_thread::sleep_for(std::chrono::milliseconds(150));
  CHECK_FALSE(fs::exists(cache->path_of("a")));
  page_loading = false;
  for (int i = 0; i < 100 && !fs::exists(cache->path_of("a")); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  CHECK(fs::exists(cache->path_of("a")));
  page_loading = true;
  cache->put("b", "B");
  cache->flush();  // waited for: not deferred
  CHECK(cache->get("b") == "B");
}

TEST_CASE("an entry deleted under a running cache leaves its running total") {
  Dir d;
  auto cache = open_cache(d.path);
  cache->put("a", "A");
  cache->put("b", "B");
  cache->flush();
  REQUIRE(cache->stats().entries == 2);
  fs::remove(cache->path_of("b"));
  CHECK_FALSE(cache->get("b"));
  cache->flush();
  const auto stats = cache->stats();
  CHECK(stats.entries == 1);
  CHECK(stats.bytes == fs::file_size(cache->path_of("a")));
}

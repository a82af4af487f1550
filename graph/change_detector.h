// Change detection for modules the compiler did not hash: the Bengal RFC's "hash on suspect".
//
// A recompile rewrites files whether or not their bytes changed, so mtime alone reports spurious
// changes (and spurious reloads). Hashing every file every time is correct but slow. The detector
// keeps, per file, the stat (size, mtime in ns) seen when it last hashed the bytes: a file whose
// stat has not moved is taken as unchanged without reading it; one whose stat moved is read and
// hashed (XXH3-64), and only a different hash is a change.
//
// One exception keeps this correct on coarse filesystem clocks (the "racily clean" problem git
// solves the same way): when a file's mtime was within kRacyWindowNs of the moment we hashed it, a
// later write in the same clock tick could keep size and mtime, so such a file is re-hashed once
// more on its next probe even if its stat has not moved.
//
// The detector owns a reusable read buffer; use one per thread.
#pragma once

#include <tsl/robin_map.h>
#include <tsl/robin_set.h>

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace hr::graph {

struct FileStamp {
  uint64_t size = 0;
  int64_t mtime_ns = 0;
  bool operator==(const FileStamp&) const = default;
};

// The hash the detector keeps of a file's bytes (XXH3-64, seed 0), for content read elsewhere.
uint64_t content_hash(std::string_view bytes);

// What we know about one file's content; `known` is false until it was first hashed.
struct FileState {
  bool known = false;
  FileStamp stamp;
  uint64_t hash = 0;
  int64_t hashed_at_ns = 0;
};

class ChangeDetector {
 public:
  static constexpr int64_t kRacyWindowNs = 2'000'000'000;

  enum class Outcome { unchanged, changed, missing, unreadable };
  struct Probe {
    Outcome outcome = Outcome::unchanged;
    FileState state;    // the state to keep (unchanged outcome: `prev`, possibly re-stamped)
    std::string error;  // for missing/unreadable, e.g. "No such file or directory"
  };

  // Compares the file at `path` (NUL-terminated) with what `prev` recorded. A file never hashed
  // (`!prev.known`) reports `changed` with its first state.
  Probe probe(const char* path, const FileState& prev);

  // Whether `path` is a regular file, without reading it (modules the compiler hashed).
  bool exists(const char* path, std::string& error);

  // A cold start checks that every module the compiler hashed exists: a stat each was most of
  // building the graph of a 2,000-module app (about 3.5 of 4.5 ms). The folders holding many of
  // `paths` are listed once instead, and until forget_listings() exists() takes a regular file
  // from its folder's listing; anything else the listing shows or lacks is stat'ed as before.
  void list_folders_of(const std::vector<std::string>& paths);
  void forget_listings() { listed_.clear(); }

  // Observability, mostly for tests and the benchmark: every read goes through here.
  using ReadHook = std::function<void(std::string_view path)>;
  void set_read_hook(ReadHook hook) { read_hook_ = std::move(hook); }
  uint64_t reads() const { return reads_; }
  uint64_t stats() const { return stats_; }

 private:
  bool read_and_hash(const char* path, uint64_t& hash, std::string& error);

  bool listed_regular(std::string_view path) const;

  std::vector<char> buf_;
  // A listed folder's regular files ("/app/src" -> {"a.jsx", ...}).
  tsl::robin_map<std::string, tsl::robin_set<std::string>> listed_;
  ReadHook read_hook_;
  uint64_t reads_ = 0;
  uint64_t stats_ = 0;
};

}  // namespace hr::graph

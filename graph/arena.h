// StringArena: stable storage for the many short strings a manifest holds (ids, imports, hashes).
//
// A 10,000-module manifest has ~60,000 strings; giving each its own heap block costs more than the
// JSON parse itself. The arena copies them into large chunks and hands back string_views that stay
// valid for the arena's lifetime, including after the arena (or its owner) is moved: chunks are
// separate heap blocks that never move.
#pragma once

#include <algorithm>
#include <cstring>
#include <memory>
#include <string_view>
#include <vector>

namespace hr::graph {

class StringArena {
 public:
  // Copies `s` into the arena; the view stays valid until the arena is destroyed.
  std::string_view store(std::string_view s) {
    if (s.empty()) return {};
    if (s.size() > left_) grow(s.size());
    char* dst = next_;
    std::memcpy(dst, s.data(), s.size());
    next_ += s.size();
    left_ -= s.size();
    return {dst, s.size()};
  }

  // Bytes held, for the benchmark's memory-per-module figure.
  size_t bytes_reserved() const { return reserved_; }

 private:
  // Blocks grow from small to kChunk: an incremental read stores only a changed module's strings.
  static constexpr size_t kFirst = 4 * 1024;
  static constexpr size_t kChunk = 64 * 1024;

  void grow(size_t at_least) {
    const size_t next = chunks_.empty() ? kFirst : std::min(kChunk, 2 * last_);
    const size_t size = std::max(at_least, next);
    last_ = size;
    chunks_.push_back(std::make_unique_for_overwrite<char[]>(size));
    next_ = chunks_.back().get();
    left_ = size;
    reserved_ += size;
  }

  std::vector<std::unique_ptr<char[]>> chunks_;
  char* next_ = nullptr;
  size_t left_ = 0;
  size_t reserved_ = 0;
  size_t last_ = 0;
};

}  // namespace hr::graph

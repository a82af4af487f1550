// ModuleTable: a manifest's modules, in fixed-size chunks that successive manifests share.
//
// A recompile usually changes one module of thousands, yet each read of the manifest produces a
// new Manifest. Copying a 10,000-module table (specs and their imports) for every read made the
// read grow with the app; instead the table is a list of immutable chunks of kChunkSize modules,
// and a new manifest takes over every chunk whose modules it has byte for byte, building only the
// chunks with a changed module. A chunk owns its modules' imports and keeps alive the arenas its
// strings live in, so a taken-over chunk needs nothing from the manifest it came from.
//
// Each chunk also remembers the hash of its bytes in the manifest text, and each module's length
// and hash: what the next read compares the new text with (the text itself is not kept: it is
// megabytes, and comparing with it reads twice the memory hashing does).
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "graph/arena.h"

namespace hr::graph {

enum class Kind : uint8_t { entry, page, component, module, style, asset };

struct ModuleSpec {
  std::string_view id;
  Kind kind = Kind::module;
  bool accept = false;
  bool has_hash = false;  // `hash` given: compared for equality, the file is not read
  std::string_view hash;
  std::string_view route;
  std::span<const std::string_view> imports;  // in the chunk holding the spec
};

// Length and 128-bit xxh3 hash of some bytes of the manifest text.
struct TextBytes {
  uint32_t length = 0;
  uint64_t hash_low = 0, hash_high = 0;
  bool operator==(const TextBytes&) const = default;
};
TextBytes text_bytes(const char* at, size_t length);

struct ModuleChunk {
  std::vector<ModuleSpec> specs;
  std::vector<std::string_view> imports;             // every spec's imports, in spec order
  std::vector<TextBytes> bytes;                      // each module object's
  TextBytes span;                                    // from the first one's start to the last's end
  std::vector<std::shared_ptr<StringArena>> arenas;  // where the strings live
};

class ModuleTable {
 public:
  static constexpr size_t kChunkSize = 128;
  using Chunk = std::shared_ptr<const ModuleChunk>;

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  const ModuleSpec& operator[](size_t i) const {
    return chunks_[i / kChunkSize]->specs[i % kChunkSize];
  }
  const std::vector<Chunk>& chunks() const { return chunks_; }
  // Module i's object in the text this table was read from.
  const TextBytes& bytes_of(size_t i) const {
    return chunks_[i / kChunkSize]->bytes[i % kChunkSize];
  }
  // Distinct arenas held, for the test that they stay bounded.
  size_t arenas_held() const;

  class iterator {
   public:
    using value_type = ModuleSpec;
    using difference_type = std::ptrdiff_t;
    iterator() = default;
    iterator(const ModuleTable* t, size_t i) : t_(t), i_(i) {}
    const ModuleSpec& operator*() const { return (*t_)[i_]; }
    const ModuleSpec* operator->() const { return &(*t_)[i_]; }
    iterator& operator++() { return ++i_, *this; }
    iterator operator++(int) { return {t_, i_++}; }
    bool operator==(const iterator& o) const { return i_ == o.i_; }

   private:
    const ModuleTable* t_ = nullptr;
    size_t i_ = 0;
  };
  iterator begin() const { return {this, 0}; }
  iterator end() const { return {this, size_}; }

 private:
  friend class ModuleTableBuilder;
  std::vector<Chunk> chunks_;  // all but the last hold exactly kChunkSize modules
  size_t size_ = 0;
};

// Builds a table module by module, or a whole chunk at a time where an earlier table has one.
class ModuleTableBuilder {
 public:
  // `text` is the manifest being read; strings of added modules go into `arena` (its own).
  ModuleTableBuilder(std::string_view text, std::shared_ptr<StringArena> arena)
      : text_(text), arena_(std::move(arena)) {}

  // Whether the next module starts a chunk (only then can a chunk be shared).
  bool at_chunk_start() const { return open_.specs.empty(); }
  // Takes over a full chunk; `at_chunk_start()` must hold.
  void share(const ModuleTable::Chunk& chunk);
  // A module: its strings live in `from`'s arenas (a chunk of an earlier table) or in the builder's
  // arena (from == nullptr). Its object is `bytes`, starting at `offset` in the text.
  void add(const ModuleSpec& spec, std::span<const std::string_view> imports,
           const ModuleChunk* from, size_t offset, const TextBytes& bytes);

  ModuleTable finish();

 private:
  void close_chunk();
  void compact(ModuleChunk& chunk);

  std::string_view text_;
  std::shared_ptr<StringArena> arena_;
  ModuleTable table_;
  ModuleChunk open_;                    // the chunk being filled
  std::vector<uint32_t> import_begin_;  // per spec of open_: where its imports start
  size_t open_start_ = 0, open_end_ = 0;
  const ModuleChunk* last_from_ = nullptr;
};

}  // namespace hr::graph

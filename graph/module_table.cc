#include "graph/module_table.h"

#include <algorithm>
#include <cassert>

#include <xxhash.h>

namespace hr::graph {

namespace {

// A chunk rebuilt again and again (one module edited over and over) would otherwise pile up one
// small arena per edit; past this many its strings are copied into one arena of its own.
constexpr size_t kMaxArenasPerChunk = 8;

void hold(ModuleChunk& chunk, const std::shared_ptr<StringArena>& arena) {
  if (std::find(chunk.arenas.begin(), chunk.arenas.end(), arena) == chunk.arenas.end())
    chunk.arenas.push_back(arena);
}

}  // namespace

TextBytes text_bytes(const char* at, size_t length) {
  const XXH128_hash_t h = XXH3_128bits(at, length);
  return {static_cast<uint32_t>(length), h.low64, h.high64};
}

size_t ModuleTable::arenas_held() const {
  std::vector<const StringArena*> seen;
  for (const Chunk& c : chunks_) {
    for (const auto& a : c->arenas) seen.push_back(a.get());
  }
  std::sort(seen.begin(), seen.end());
  return std::unique(seen.begin(), seen.end()) - seen.begin();
}

void ModuleTableBuilder::share(const ModuleTable::Chunk& chunk) {
  assert(at_chunk_start() && chunk->specs.size() == ModuleTable::kChunkSize);
  table_.chunks_.push_back(chunk);
  table_.size_ += chunk->specs.size();
}

void ModuleTableBuilder::add(const ModuleSpec& spec, std::span<const std::string_view> imports,
                             const ModuleChunk* from, size_t offset, const TextBytes& bytes) {
  if (open_.specs.empty()) {
    open_start_ = offset;
    open_.specs.reserve(ModuleTable::kChunkSize);
    last_from_ = nullptr;
  }
  if (!from) {
    hold(open_, arena_);
  } else if (from != last_from_) {
    for (const auto& a : from->arenas) hold(open_, a);
    last_from_ = from;
  }
  open_.specs.push_back(spec);
  import_begin_.push_back(static_cast<uint32_t>(open_.imports.size()));
  open_.imports.insert(open_.imports.end(), imports.begin(), imports.end());
  open_.bytes.push_back(bytes);
  open_end_ = offset + bytes.length;
  if (open_.specs.size() == ModuleTable::kChunkSize) close_chunk();
}

void ModuleTableBuilder::close_chunk() {
  // The imports vector is final now: each spec's span can point into it.
  for (size_t i = 0; i < open_.specs.size(); ++i) {
    const uint32_t end = i + 1 < open_.specs.size() ? import_begin_[i + 1]
                                                    : static_cast<uint32_t>(open_.imports.size());
    open_.specs[i].imports = {open_.imports.data() + import_begin_[i], end - import_begin_[i]};
  }
  if (open_.arenas.size() > kMaxArenasPerChunk) compact(open_);
  open_.span = text_bytes(text_.data() + open_start_, open_end_ - open_start_);
  table_.size_ += open_.specs.size();
  table_.chunks_.push_back(std::make_shared<const ModuleChunk>(std::move(open_)));
  open_ = ModuleChunk();
  import_begin_.clear();
}

void ModuleTableBuilder::compact(ModuleChunk& chunk) {
  auto own = std::make_shared<StringArena>();
  for (std::string_view& s : chunk.imports) s = own->store(s);
  for (ModuleSpec& spec : chunk.specs) {
    spec.id = own->store(spec.id);
    spec.hash = own->store(spec.hash);
    spec.route = own->store(spec.route);
  }
  chunk.arenas = {std::move(own)};
}

ModuleTable ModuleTableBuilder::finish() {
  if (!open_.specs.empty()) close_chunk();
  return std::move(table_);
}

}  // namespace hr::graph

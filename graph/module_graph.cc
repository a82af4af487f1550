#include "graph/module_graph.h"

namespace hr::graph {

std::optional<NodeId> Graph::find(std::string_view id) const {
  auto it = index_.find(id);
  if (it == index_.end()) return std::nullopt;
  return it->second;
}

void Graph::record_content(std::string_view id, uint64_t xxh3_64) {
  auto n = find(id);
  if (!n || !nodes_[*n].present) return;
  FileState& file = nodes_[*n].file;
  // Our own hash of these bytes keeps its stamp, so an unmoved file is still not read again.
  if (file.known && file.hash == xxh3_64) return;
  // An empty stamp never matches a stat, and hashed_at_ns 0 makes it racy besides: the next probe
  // reads the file and compares its hash with the built one.
  file = FileState{.known = true, .stamp = {}, .hash = xxh3_64, .hashed_at_ns = 0};
}

void Graph::mark_unbuilt(std::string_view id) {
  if (auto n = find(id); n && nodes_[*n].present) unbuilt_.push_back(*n);
}

NodeId Graph::intern(std::string_view id) {
  auto it = index_.find(id);
  if (it != index_.end()) return it->second;
  NodeId n = static_cast<NodeId>(nodes_.size());
  nodes_.emplace_back();
  nodes_.back().id = ids_.store(id);
  index_.emplace(nodes_.back().id, n);
  return n;
}

size_t Graph::memory_bytes() const {
  size_t bytes = nodes_.capacity() * sizeof(Node) + ids_.bytes_reserved();
  bytes += index_.bucket_count() * (sizeof(std::pair<std::string_view, NodeId>) + 8);
  for (const Node& n : nodes_) {
    bytes += (n.imports.capacity() + n.importers.capacity()) * sizeof(NodeId);
    if (n.compiler_hash.capacity() > 15) bytes += n.compiler_hash.capacity();
    if (n.route.capacity() > 15) bytes += n.route.capacity();
  }
  return bytes;
}

}  // namespace hr::graph

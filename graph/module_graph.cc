#include "graph/module_graph.h"

namespace hr::graph {

std::optional<NodeId> Graph::find(std::string_view id) const {
  auto it = index_.find(id);
  if (it == index_.end()) return std::nullopt;
  return it->second;
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

#include "server/asset_table.h"

#include <functional>

namespace hr::server {

AssetTable::AssetTable(Map all) {
  std::array<Map, kShards> split;
  for (Map& shard : split) shard.reserve(all.size() / kShards * 5 / 4);  // none when small
  while (!all.empty()) {  // moves the nodes over: no entry is copied
    auto node = all.extract(all.begin());
    split[shard_of(node.key())].insert(std::move(node));
  }
  for (std::size_t i = 0; i < kShards; ++i) {
    if (!split[i].empty()) shards_[i] = std::make_shared<const Map>(std::move(split[i]));
  }
}

std::size_t AssetTable::shard_of(std::string_view path) {
  return std::hash<std::string_view>{}(path) % kShards;
}

std::shared_ptr<const Asset> AssetTable::find(const std::string& path) const {
  const auto& shard = shards_[shard_of(path)];
  if (!shard) return nullptr;
  auto it = shard->find(path);
  return it == shard->end() ? nullptr : it->second;
}

std::size_t AssetTable::size() const {
  std::size_t n = 0;
  for (const auto& shard : shards_) n += shard ? shard->size() : 0;
  return n;
}

AssetTable AssetTable::with(Changes changes) const {
  AssetTable next = *this;                           // shares every shard
  std::array<std::shared_ptr<Map>, kShards> copied;  // the shards this call copied, by index
  for (auto& [path, asset] : changes) {
    const std::size_t i = shard_of(path);
    if (!copied[i]) {
      copied[i] = shards_[i] ? std::make_shared<Map>(*shards_[i]) : std::make_shared<Map>();
      next.shards_[i] = copied[i];
    }
    if (asset) {
      (*copied[i])[path] = std::move(asset);
    } else {
      copied[i]->erase(path);
    }
  }
  return next;
}

}  // namespace hr::server

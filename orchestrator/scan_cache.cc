#include "orchestrator/scan_cache.h"

#include <spdlog/spdlog.h>

#include <unordered_set>

#include "common/read_file.h"
#include "orchestrator/checked_file.h"
#include "orchestrator/record_lines.h"

namespace hr::orch {

namespace fs = std::filesystem;

namespace {

// Bump the version when scan_imports() finds other imports in the same text. A line per module:
// id, hash, then an import per field, "s" (static) or "d" (dynamic) before its specifier.
constexpr std::string_view kFormat = "hr-scans 2";

}  // namespace

fs::path scan_cache_file(const fs::path& state_dir) {
  return state_dir / "cache" / "scans";
}

ScanCache ScanCache::load(fs::path file) {
  ScanCache cache;
  cache.file_ = std::move(file);
  auto text = read_file(cache.file_);
  if (!text) return cache;  // none yet
  auto body = checked_body(*text, kFormat);
  if (!body) {
    spdlog::warn("ignoring the import scans in {}: {}; every module is scanned",
                 cache.file_.string(), body.error().message);
    return cache;
  }
  RecordReader records(*body);
  std::vector<std::string_view> f;
  while (records.next(f)) {
    if (f.size() < 2) continue;
    Entry& e = cache.entries_[std::string(f[0])];
    e.hash = f[1];
    e.imports.reserve(f.size() - 2);
    for (size_t i = 2; i < f.size(); ++i)
      if (!f[i].empty()) e.imports.push_back({std::string(f[i].substr(1)), f[i][0] == 'd'});
  }
  return cache;
}

const std::vector<ScannedImport>* ScanCache::find(std::string_view id,
                                                  std::string_view hash) const {
  auto it = entries_.find(std::string(id));
  return it != entries_.end() && it->second.hash == hash ? &it->second.imports : nullptr;
}

void ScanCache::put(std::string id, std::string hash, std::vector<ScannedImport> imports) {
  entries_[std::move(id)] = {std::move(hash), std::move(imports)};
  dirty_ = true;
}

void ScanCache::keep_only(const std::vector<std::string>& ids) {
  const std::unordered_set<std::string_view> wanted(ids.begin(), ids.end());
  for (auto it = entries_.begin(); it != entries_.end();) {
    if (wanted.contains(it->first)) {
      ++it;
    } else {
      it = entries_.erase(it);
      dirty_ = true;
    }
  }
}

Result<void> ScanCache::save() {
  if (!dirty_) return {};
  RecordWriter out;
  for (const auto& [id, e] : entries_) {
    out.field(id).field(e.hash);
    for (const auto& i : e.imports) out.field((i.dynamic ? "d" : "s") + i.specifier);
    out.end();
  }
  auto written = write_checked_file(file_, kFormat, out.take());
  if (!written) return written;
  dirty_ = false;
  return {};
}

}  // namespace hr::orch

#include "orchestrator/scan_cache.h"

#include <spdlog/spdlog.h>

#include <boost/json.hpp>
#include <unordered_set>

#include "common/read_file.h"
#include "orchestrator/checked_file.h"

namespace hr::orch {

namespace fs = std::filesystem;
namespace json = boost::json;

namespace {

// Bump the version when scan_imports() finds other imports in the same text.
constexpr std::string_view kFormat = "hr-scans 1";

// The body's modules: [[id, hash, [[specifier, dynamic], ...]], ...].
Result<json::array> modules_of(std::string_view text) {
  auto body = checked_body(text, kFormat);
  if (!body) return body.error();
  boost::system::error_code ec;
  json::value v = json::parse(*body, ec);
  if (ec || !v.is_array()) return fail("it is not the JSON it should be");
  return std::move(v.as_array());
}

std::vector<ScannedImport> imports_of(const json::array& list) {
  std::vector<ScannedImport> out;
  for (const auto& i : list) {
    const json::array* pair = i.if_array();
    if (!pair || pair->size() != 2 || !(*pair)[0].is_string() || !(*pair)[1].is_bool()) continue;
    out.push_back({std::string((*pair)[0].get_string()), (*pair)[1].get_bool()});
  }
  return out;
}

}  // namespace

fs::path scan_cache_file(const fs::path& state_dir) {
  return state_dir / "cache" / "scans";
}

ScanCache ScanCache::load(fs::path file) {
  ScanCache cache;
  cache.file_ = std::move(file);
  auto text = read_file(cache.file_);
  if (!text) return cache;  // none yet
  auto modules = modules_of(*text);
  if (!modules) {
    spdlog::warn("ignoring the import scans in {}: {}; every module is scanned",
                 cache.file_.string(), modules.error().message);
    return cache;
  }
  for (const auto& m : *modules) {
    const json::array* e = m.if_array();
    if (!e || e->size() != 3 || !(*e)[0].is_string() || !(*e)[1].is_string() || !(*e)[2].is_array())
      continue;
    cache.entries_[std::string((*e)[0].get_string())] = {std::string((*e)[1].get_string()),
                                                         imports_of((*e)[2].get_array())};
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
  json::array modules;
  modules.reserve(entries_.size());
  for (const auto& [id, e] : entries_) {
    json::array imports;
    for (const auto& i : e.imports)
      imports.push_back(json::array{json::string(i.specifier), i.dynamic});
    modules.push_back(json::array{json::string(id), json::string(e.hash), std::move(imports)});
  }
  auto written = write_checked_file(file_, kFormat, json::serialize(modules));
  if (!written) return written;
  dirty_ = false;
  return {};
}

}  // namespace hr::orch

// The import scans (package_scan.h) of the last start, kept in the state folder by what names each
// module's text (the compiler's hash, or ours of the file: Pipeline::content_keys()).
//
// On demand, the server learns which npm packages the app imports by reading and scanning every
// module before it serves. On a restart with the module cache warm that was most of the time to
// serve (2,000 modules: 24 of about 50 ms), though nothing had changed. The manifest names each
// module's bytes (`hash`), so a module whose hash is the one it was scanned with is not read
// again; one with another hash, or none known, is scanned. One file, written by rename,
// checksummed: one that is torn, corrupt or of another format is logged and ignored, and every
// module is scanned.
#pragma once

#include <tsl/robin_map.h>

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "orchestrator/package_scan.h"

namespace hr::orch {

class ScanCache {
 public:
  // The scans saved at `file`; none (said at warn level) when it cannot be read or is bad.
  static ScanCache load(std::filesystem::path file);

  // The scan of `id` when it was made of bytes with `hash`, else null.
  const std::vector<ScannedImport>* find(std::string_view id, std::string_view hash) const;
  void put(std::string id, std::string hash, std::vector<ScannedImport> imports);
  // Forgets the modules not in `ids` (gone from the app, or built before serving).
  void keep_only(const std::vector<std::string>& ids);

  // Writes the file when a scan was put since the load (a temporary file, then a rename).
  Result<void> save();

  size_t size() const { return entries_.size(); }

 private:
  struct Entry {
    std::string hash;
    std::vector<ScannedImport> imports;
  };
  std::filesystem::path file_;
  tsl::robin_map<std::string, Entry> entries_;
  bool dirty_ = false;
};

// The file in the state folder (.web/.hr): beside the module cache, cleared with it.
std::filesystem::path scan_cache_file(const std::filesystem::path& state_dir);

}  // namespace hr::orch

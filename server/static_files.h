// Serves the manifest's `public` folder from disk, and nothing else on disk. The request path
// has already been decoded and normalised (path_check.h); here the file is opened only if, after
// resolving symlinks, it still lies inside the folder, is a regular file, and no segment of its
// path starts with '.' (no `.env`, `.git`). Also maps file extensions to content types.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "common/result.h"
#include "server/server.h"  // content_type_for

namespace hr::server {

struct FileContent {
  std::shared_ptr<const std::string> bytes;
  std::string content_type;
};

class StaticFiles {
 public:
  // An empty or missing folder serves nothing.
  explicit StaticFiles(const std::filesystem::path& root);

  // Status 404 when absent (the caller then falls through), 403 when present but not allowed.
  struct Lookup {
    int status = 404;
    FileContent file;
  };
  Lookup find(std::string_view clean_path) const;
  bool enabled() const { return !root_.empty(); }

 private:
  std::filesystem::path root_;  // canonical
};

}  // namespace hr::server

#include "server/static_files.h"
#include "common/read_file.h"

#include <algorithm>
#include <system_error>

namespace hr::server {

namespace fs = std::filesystem;

namespace {

constexpr std::uintmax_t kMaxFile = 256u * 1024 * 1024;

bool has_hidden_segment(std::string_view path) {
  for (std::size_t i = 0; i + 1 < path.size(); ++i) {
    if (path[i] == '/' && path[i + 1] == '.') return true;
  }
  return false;
}

bool inside(const fs::path& root, const fs::path& p) {
  auto [r, q] = std::mismatch(root.begin(), root.end(), p.begin(), p.end());
  return r == root.end();
}

}  // namespace

StaticFiles::StaticFiles(const fs::path& root) {
  std::error_code ec;
  if (root.empty()) return;
  fs::path canonical = fs::canonical(root, ec);
  if (!ec && fs::is_directory(canonical, ec)) root_ = canonical;
}

StaticFiles::Lookup StaticFiles::find(std::string_view clean_path) const {
  Lookup out;
  if (root_.empty() || clean_path.empty() || clean_path.back() == '/') return out;
  std::error_code ec;
  fs::path candidate = root_ / fs::path(clean_path.substr(1));
  if (!fs::exists(fs::symlink_status(candidate, ec))) return out;
  if (has_hidden_segment(clean_path)) return out.status = 403, out;
  fs::path real = fs::canonical(candidate, ec);
  if (ec || !inside(root_, real)) return out.status = 403, out;
  if (!fs::is_regular_file(real, ec)) return out;
  if (fs::file_size(real, ec) > kMaxFile || ec) return out.status = 403, out;
  hr::Result<std::string> bytes = read_file(real);
  if (!bytes) return out.status = 403, out;
  out.status = 200;
  out.file.bytes = std::make_shared<const std::string>(std::move(*bytes));
  out.file.content_type = std::string(content_type_for(clean_path));
  return out;
}

std::string_view content_type_for(std::string_view path) {
  std::size_t dot = path.rfind('.');
  if (dot == std::string_view::npos || path.find('/', dot) != std::string_view::npos) {
    return "application/octet-stream";
  }
  std::string_view ext = path.substr(dot + 1);
  struct Entry {
    std::string_view ext, type;
  };
  static constexpr Entry kTypes[] = {
      {"js", "application/javascript"},
      {"mjs", "application/javascript"},
      {"css", "text/css; charset=utf-8"},
      {"html", "text/html; charset=utf-8"},
      {"json", "application/json"},
      {"map", "application/json"},
      {"svg", "image/svg+xml"},
      {"png", "image/png"},
      {"jpg", "image/jpeg"},
      {"jpeg", "image/jpeg"},
      {"gif", "image/gif"},
      {"webp", "image/webp"},
      {"avif", "image/avif"},
      {"ico", "image/x-icon"},
      {"woff", "font/woff"},
      {"woff2", "font/woff2"},
      {"ttf", "font/ttf"},
      {"otf", "font/otf"},
      {"txt", "text/plain; charset=utf-8"},
      {"wasm", "application/wasm"},
      {"webmanifest", "application/manifest+json"},
      {"xml", "application/xml"},
      {"mp4", "video/mp4"},
      {"webm", "video/webm"},
      {"mp3", "audio/mpeg"},
      {"pdf", "application/pdf"},
  };
  for (const Entry& e : kTypes) {
    if (e.ext == ext) return e.type;
  }
  return "application/octet-stream";
}

}  // namespace hr::server

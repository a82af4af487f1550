#include "graph/paths.h"

#include <xxhash.h>

namespace hr::graph {

// One pass over the characters: this runs for every id and import of every manifest.
const char* invalid_id_reason(std::string_view id) {
  if (id.empty()) return "expected a non-empty path";
  if (id.front() == '/') return "must be relative to root, not absolute";
  if (id.size() >= 2 && id[1] == ':') return "must be relative to root, not absolute";
  const char* segment_error = nullptr;
  size_t seg_start = 0;
  for (size_t i = 0; i <= id.size(); ++i) {
    char c = i < id.size() ? id[i] : '/';
    if (c == '\\') return "must use '/' separators";
    if (c == '\0') return "must not contain NUL";
    if (c != '/') continue;
    size_t len = i - seg_start;
    if (len == 2 && id[seg_start] == '.' && id[seg_start + 1] == '.') {
      return "must not contain '..' (escapes root)";
    }
    if (len == 0 || (len == 1 && id[seg_start] == '.')) {
      if (!segment_error) segment_error = "must be normalized (no '.' or empty segments)";
    }
    seg_start = i + 1;
  }
  return segment_error;
}

bool append_normalized(std::string& out, std::string_view path) {
  const size_t base = out.size();
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    std::string_view seg = path.substr(start, end - start);
    start = end + 1;
    if (seg.empty() || seg == ".") continue;
    if (seg == "..") {
      if (out.size() == base) return false;
      size_t slash = out.rfind('/');
      out.resize(slash == std::string::npos || slash < base ? base : slash);
      continue;
    }
    if (out.size() > base) out.push_back('/');
    out.append(seg);
  }
  return true;
}

std::string_view dirname(std::string_view id) {
  size_t slash = id.rfind('/');
  return slash == std::string_view::npos ? std::string_view{} : id.substr(0, slash);
}

uint64_t id_fingerprint(std::string_view id) {
  return XXH3_64bits(id.data(), id.size());
}

std::string pointer_escape(std::string_view key) {
  std::string out;
  for (char c : key) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace hr::graph

#include "server/path_check.h"

#include <vector>

namespace hr::server {

namespace {

CheckedPath refuse(int status, std::string reason) {
  return CheckedPath{status, {}, std::move(reason)};
}

int hex(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Decodes one raw segment; false on malformed escapes or forbidden decoded bytes.
bool decode_segment(std::string_view raw, std::string& out, std::string& reason) {
  out.clear();
  for (std::size_t i = 0; i < raw.size(); ++i) {
    char c = raw[i];
    if (c == '%') {
      if (i + 2 >= raw.size()) return reason = "truncated percent-encoding", false;
      int hi = hex(raw[i + 1]), lo = hex(raw[i + 2]);
      if (hi < 0 || lo < 0) return reason = "bad percent-encoding", false;
      c = static_cast<char>(hi * 16 + lo);
      i += 2;
      if (c == '/') return reason = "encoded slash", false;
    }
    if (c == '\0') return reason = "NUL byte", false;
    if (c == '\\') return reason = "backslash", false;
    if (c == ':') return reason = "colon in path", false;
    out += c;
  }
  return true;
}

}  // namespace

CheckedPath check_target(std::string_view target) {
  if (target.empty() || target.front() != '/') return refuse(400, "target must start with /");
  if (target.find('#') != std::string_view::npos) return refuse(400, "fragment in target");
  std::string_view path = target.substr(0, target.find('?'));
  std::vector<std::string> segments;
  std::string decoded;
  std::string reason;
  std::size_t pos = 1;
  bool trailing_slash = path.size() > 1 && path.back() == '/';
  while (pos <= path.size()) {
    std::size_t slash = path.find('/', pos);
    std::string_view raw =
        path.substr(pos, slash == std::string_view::npos ? std::string_view::npos : slash - pos);
    if (!decode_segment(raw, decoded, reason)) return refuse(400, reason);
    bool dot = decoded == "." || decoded == "..";
    if (dot && raw != decoded) return refuse(400, "encoded dot segment");
    if (decoded == "..") {
      if (segments.empty()) return refuse(403, "path escapes the root");
      segments.pop_back();
    } else if (!decoded.empty() && decoded != ".") {
      segments.push_back(decoded);
    }
    if (slash == std::string_view::npos) break;
    pos = slash + 1;
  }
  CheckedPath out;
  for (const std::string& s : segments) out.path += "/" + s;
  if (out.path.empty() || trailing_slash) out.path += "/";
  return out;
}

}  // namespace hr::server

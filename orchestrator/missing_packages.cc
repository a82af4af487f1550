#include "orchestrator/missing_packages.h"

#include "common/read_file.h"

namespace hr::orch {

namespace fs = std::filesystem;

std::string package_name(std::string_view specifier) {
  size_t slash = specifier.find('/');
  if (specifier.starts_with('@') && slash != std::string_view::npos)
    slash = specifier.find('/', slash + 1);
  return std::string(specifier.substr(0, slash));
}

bool package_installed(const fs::path& root, std::string_view package) {
  std::error_code ec;
  for (fs::path dir = root;; dir = dir.parent_path()) {
    if (fs::exists(dir / "node_modules" / package / "package.json", ec)) return true;
    if (dir == dir.parent_path()) return false;
  }
}

namespace {

// Where `text` first writes `specifier` as a string literal: {line (1-based), column, offset}.
struct Place {
  int line = 1, column = 0;
  size_t offset = std::string::npos;
};
Place find_quoted(const std::string& text, const std::string& specifier) {
  Place p;
  for (const char q : {'"', '\'', '`'}) {
    const size_t at = text.find(q + specifier + q);
    if (at < p.offset) p.offset = at;
  }
  if (p.offset == std::string::npos) return p;
  const size_t line_start = text.rfind('\n', p.offset);
  p.column = static_cast<int>(p.offset - (line_start == std::string::npos ? 0 : line_start + 1));
  for (size_t i = 0; i < p.offset; ++i) p.line += text[i] == '\n';
  return p;
}

}  // namespace

esbuild::Message missing_package_error(const fs::path& root, const std::string& id,
                                       const std::string& specifier) {
  const std::string text = read_file_or_empty(root / id);
  const Place p = find_quoted(text, specifier);
  const std::string name = package_name(specifier);
  esbuild::Message m = esbuild::message_at(
      id,
      "npm package \"" + name + "\" (imported as \"" + specifier +
          "\") is not installed: no node_modules/" + name +
          " in the app's folder or above it; install it (npm install " + name + ")",
      p.line, p.column);
  if (p.offset != std::string::npos) {
    const size_t start = p.offset - p.column;
    const size_t end = text.find('\n', p.offset);
    m.location->line_text = text.substr(start, end == std::string::npos ? end : end - start);
    m.location->length = static_cast<int>(specifier.size() + 2);
  }
  return m;
}

}  // namespace hr::orch

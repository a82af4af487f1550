#include "orchestrator/cjs_exports.h"
#include "common/read_file.h"

#include <algorithm>
#include <set>

namespace hr::orch {

namespace fs = std::filesystem;

namespace {

bool is_identifier(const std::string& s) {
  static const std::set<std::string> reserved = {
      "default", "class", "function", "var",    "let",    "const", "new",   "delete",
      "return",  "if",    "else",     "import", "export", "this",  "super", "enum"};
  if (s.empty() || reserved.count(s)) return false;
  if (!(std::isalpha(static_cast<unsigned char>(s[0])) || s[0] == '_' || s[0] == '$')) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '$';
  });
}

// A file named by require("./x"): tried as written, with ".js", and as a folder's index.js.
fs::path resolve_relative(const fs::path& from_dir, const std::string& spec) {
  const fs::path base = from_dir / spec;
  for (const fs::path& p : {base, fs::path(base.string() + ".js"), base / "index.js"}) {
    if (fs::is_regular_file(p)) return p;
  }
  return {};
}

}  // namespace

namespace {

bool is_ident_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '$';
}

size_t skip_space(const std::string& t, size_t i) {
  while (i < t.size() && std::isspace(static_cast<unsigned char>(t[i]))) ++i;
  return i;
}

std::string identifier_at(const std::string& t, size_t i) {
  size_t j = i;
  while (j < t.size() && is_ident_char(t[j])) ++j;
  return t.substr(i, j - i);
}

// `"name"` or `'name'` at i (after spaces), or "".
std::string quoted_at(const std::string& t, size_t i) {
  i = skip_space(t, i);
  if (i >= t.size() || (t[i] != '"' && t[i] != '\'')) return "";
  const size_t close = t.find(t[i], i + 1);
  return close == std::string::npos ? "" : t.substr(i + 1, close - i - 1);
}

// `exports.NAME =` (also `module.exports.NAME =`), but not `foo.exports.x` or `exports.x ==`.
void scan_assignments(const std::string& t, std::set<std::string>& names) {
  for (size_t at = t.find("exports."); at != std::string::npos; at = t.find("exports.", at + 8)) {
    const bool via_module = at >= 7 && t.compare(at - 7, 7, "module.") == 0;
    const size_t before = via_module ? at - 7 : at;
    if (before > 0 && (is_ident_char(t[before - 1]) || t[before - 1] == '.')) continue;
    const std::string name = identifier_at(t, at + 8);
    const size_t eq = skip_space(t, at + 8 + name.size());
    if (eq + 1 < t.size() && t[eq] == '=' && t[eq + 1] != '=' && is_identifier(name))
      names.insert(name);
  }
}

void scan_define_property(const std::string& t, std::set<std::string>& names) {
  const std::string call = "Object.defineProperty(";
  for (size_t at = t.find(call); at != std::string::npos; at = t.find(call, at + 1)) {
    size_t i = skip_space(t, at + call.size());
    if (t.compare(i, 7, "module.") == 0) i += 7;
    if (t.compare(i, 7, "exports") != 0) continue;
    i = skip_space(t, i + 7);
    if (i >= t.size() || t[i] != ',') continue;
    const std::string name = quoted_at(t, i + 1);
    if (is_identifier(name)) names.insert(name);
  }
}

void scan_reexports(const std::string& t, std::vector<std::string>& reexports) {
  const std::string lhs = "module.exports";
  for (size_t at = t.find(lhs); at != std::string::npos; at = t.find(lhs, at + 1)) {
    size_t i = skip_space(t, at + lhs.size());
    if (i >= t.size() || t[i] != '=' || (i + 1 < t.size() && t[i + 1] == '=')) continue;
    i = skip_space(t, i + 1);
    if (t.compare(i, 8, "require(") != 0) continue;
    if (std::string spec = quoted_at(t, i + 8); !spec.empty()) reexports.push_back(spec);
  }
}

// An `export` keyword at the start of a statement: the file is an ES module.
bool has_esm_export(const std::string& t) {
  for (size_t at = t.find("export"); at != std::string::npos; at = t.find("export", at + 6)) {
    const bool starts_line = at == 0 || t[at - 1] == '\n' || t[at - 1] == ';' || t[at - 1] == '}';
    const char next = at + 6 < t.size() ? t[at + 6] : '\0';
    if (starts_line && (next == ' ' || next == '{' || next == '*')) return true;
  }
  return false;
}

}  // namespace

ModuleFormat scan_commonjs_text(const std::string& text, std::vector<std::string>& reexports) {
  std::set<std::string> names;
  scan_assignments(text, names);
  scan_define_property(text, names);
  scan_reexports(text, reexports);
  ModuleFormat out;
  out.is_commonjs = !names.empty() || !reexports.empty() ||
                    text.find("module.exports") != std::string::npos || !has_esm_export(text);
  out.named_exports.assign(names.begin(), names.end());
  return out;
}

Result<ModuleFormat> detect_module_format(const fs::path& file) {
  ModuleFormat result;
  std::set<std::string> names;
  std::set<fs::path> seen;
  std::vector<fs::path> todo{file};
  // Bounded: a package re-exporting in a loop or through hundreds of files is not worth following.
  for (size_t steps = 0; !todo.empty() && steps < 32; ++steps) {
    const fs::path current = todo.back();
    todo.pop_back();
    if (!seen.insert(fs::weakly_canonical(current)).second) continue;
    auto text = read_file(current);
    if (!text) return text.error();
    std::vector<std::string> reexports;
    ModuleFormat f = scan_commonjs_text(*text, reexports);
    if (current == file) result.is_commonjs = f.is_commonjs;
    names.insert(f.named_exports.begin(), f.named_exports.end());
    for (const auto& spec : reexports) {
      if (spec.rfind("./", 0) != 0 && spec.rfind("../", 0) != 0) continue;
      if (fs::path next = resolve_relative(current.parent_path(), spec); !next.empty())
        todo.push_back(next);
    }
  }
  result.named_exports.assign(names.begin(), names.end());
  return result;
}

}  // namespace hr::orch

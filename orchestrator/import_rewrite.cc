#include "orchestrator/import_rewrite.h"

#include <algorithm>
#include <boost/json.hpp>

namespace hr::orch {

namespace {

namespace json = boost::json;

bool is_ident(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '$';
}

// Whether `word` ends right before `end` (spaces skipped) and starts a token.
bool word_before(std::string_view code, size_t end, std::string_view word) {
  while (end > 0 && (code[end - 1] == ' ' || code[end - 1] == '\n')) --end;
  if (end < word.size() || code.substr(end - word.size(), word.size()) != word) return false;
  const size_t start = end - word.size();
  return start == 0 || !is_ident(code[start - 1]);
}

// The quote at `quote` opens a specifier in import position.
bool in_import_position(std::string_view code, size_t quote) {
  if (word_before(code, quote, "from") || word_before(code, quote, "import")) return true;
  size_t p = quote;
  while (p > 0 && code[p - 1] == ' ') --p;
  if (p == 0 || code[p - 1] != '(') return false;
  return word_before(code, p - 1, "import") || word_before(code, p - 1, "require") ||
         word_before(code, p - 1, "__require");
}

struct Replacement {
  size_t at;
  size_t length;
  const std::string* url;
};

}  // namespace

Result<std::string> rewrite_imports(std::string_view code, const std::vector<SpecifierUrl>& specs) {
  std::vector<Replacement> found;
  for (const auto& s : specs) {
    const std::string quoted = "\"" + s.specifier + "\"";
    size_t hits = 0;
    for (size_t at = code.find(quoted); at != std::string_view::npos;
         at = code.find(quoted, at + 1)) {
      if (!in_import_position(code, at)) continue;
      found.push_back({at + 1, s.specifier.size(), &s.url});
      ++hits;
    }
    if (hits == 0) return fail("import \"" + s.specifier + "\" not found in esbuild's output");
  }
  std::sort(found.begin(), found.end(), [](auto& a, auto& b) { return a.at < b.at; });
  std::string out;
  out.reserve(code.size() + found.size() * 32);
  size_t from = 0;
  for (const auto& r : found) {
    out.append(code.substr(from, r.at - from));
    out.append(*r.url);
    from = r.at + r.length;
  }
  out.append(code.substr(from));
  return out;
}

Result<std::vector<MetafileOutput>> read_metafile_outputs(std::string_view metafile_json) {
  boost::system::error_code ec;
  json::value doc = json::parse(metafile_json, ec);
  const json::object* outputs = nullptr;
  if (!ec && doc.is_object()) {
    if (const json::value* o = doc.as_object().if_contains("outputs")) outputs = o->if_object();
  }
  if (!outputs) return fail("esbuild's metafile has no \"outputs\" object");
  std::vector<MetafileOutput> out;
  for (const auto& [path, v] : *outputs) {
    MetafileOutput m;
    m.path = std::string(path);
    const json::object* o = v.if_object();
    if (!o) return fail("esbuild's metafile: output \"" + m.path + "\" is not an object");
    if (const json::value* e = o->if_contains("entryPoint"); e && e->is_string())
      m.entry = std::string(e->get_string());
    if (const json::value* imports = o->if_contains("imports"); imports && imports->is_array()) {
      for (const auto& i : imports->get_array()) {
        const json::value* p = i.is_object() ? i.get_object().if_contains("path") : nullptr;
        if (!p || !p->is_string()) return fail("esbuild's metafile: an import without a path");
        std::string spec(p->get_string());
        if (std::find(m.imports.begin(), m.imports.end(), spec) == m.imports.end())
          m.imports.push_back(std::move(spec));
      }
    }
    if (const json::value* exports = o->if_contains("exports"); exports && exports->is_array()) {
      for (const auto& e : exports->get_array())
        if (e.is_string()) m.exports.emplace_back(e.get_string());
    }
    out.push_back(std::move(m));
  }
  return out;
}

}  // namespace hr::orch

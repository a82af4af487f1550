#include "orchestrator/package_scan.h"

#include <algorithm>
#include <thread>

#include "common/read_file.h"
#include "graph/change_detector.h"

#include <cctype>

namespace hr::orch {

namespace {

// `text` with comments blanked out; strings and template literals are kept as they are.
std::string without_comments(std::string_view text) {
  std::string out(text);
  for (size_t i = 0; i < out.size(); ++i) {
    const char c = out[i];
    if (c == '"' || c == '\'' || c == '`') {
      for (++i; i < out.size() && out[i] != c && out[i] != '\n'; ++i)
        if (out[i] == '\\') ++i;
    } else if (c == '/' && i + 1 < out.size() && out[i + 1] == '/') {
      for (; i < out.size() && out[i] != '\n'; ++i) out[i] = ' ';
    } else if (c == '/' && i + 1 < out.size() && out[i + 1] == '*') {
      const size_t end = out.find("*/", i + 2);
      const size_t stop = end == std::string::npos ? out.size() : end + 2;
      for (; i < stop; ++i)
        if (out[i] != '\n') out[i] = ' ';
      --i;
    }
  }
  return out;
}

bool is_bare(std::string_view spec) {
  if (spec.empty() || spec[0] == '.' || spec[0] == '/') return false;
  return spec.find("://") == std::string_view::npos && !spec.starts_with("data:");
}

// The quoted string that starts at `at` (after spaces and an opening parenthesis), or "".
std::string_view quoted_at(std::string_view s, size_t at) {
  while (at < s.size() && (std::isspace(static_cast<unsigned char>(s[at])) || s[at] == '(')) ++at;
  if (at >= s.size() || (s[at] != '"' && s[at] != '\'')) return {};
  const size_t end = s.find(s[at], at + 1);
  return end == std::string_view::npos ? std::string_view{} : s.substr(at + 1, end - at - 1);
}

bool word_at(std::string_view s, size_t at, std::string_view word) {
  if (s.substr(at, word.size()) != word) return false;
  const auto ident = [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '$';
  };
  return (at == 0 || !ident(s[at - 1])) &&
         (at + word.size() >= s.size() || !ident(s[at + word.size()]));
}

}  // namespace

std::vector<ScannedImport> scan_imports(std::string_view text) {
  const std::string code = without_comments(text);
  const std::string_view s = code;
  std::vector<ScannedImport> found;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '"' || s[i] == '\'' || s[i] == '`') {  // a keyword inside a string is no keyword
      const size_t end = s.find(s[i], i + 1);
      if (end == std::string_view::npos) break;
      i = end;
      continue;
    }
    size_t after = 0;
    if (word_at(s, i, "from"))
      after = i + 4;
    else if (word_at(s, i, "import"))
      after = i + 6;
    else
      continue;
    const std::string_view spec = quoted_at(s, after);
    if (spec.empty()) continue;
    const size_t open = s.find_first_not_of(" \t\r\n", after);
    const bool dynamic =
        s.substr(i, 6) == "import" && open != std::string_view::npos && s[open] == '(';
    found.push_back({std::string(spec), dynamic});
  }
  return found;
}

std::vector<FileScan> scan_files(const std::filesystem::path& root,
                                 const std::vector<std::string>& ids) {
  std::vector<FileScan> out(ids.size());
  const size_t threads = std::clamp<size_t>(std::thread::hardware_concurrency(), 1, 4);
  const size_t per = (ids.size() + threads - 1) / threads;
  auto scan_range = [&](size_t from, size_t to) {
    for (size_t i = from; i < to; ++i) {
      auto text = read_file(root / ids[i]);
      if (!text) continue;
      out[i] = {scan_imports(*text), true, graph::content_hash(*text)};
    }
  };
  std::vector<std::thread> workers;
  for (size_t from = per; from < ids.size(); from += per)
    workers.emplace_back(scan_range, from, std::min(ids.size(), from + per));
  scan_range(0, std::min(ids.size(), per));
  for (auto& w : workers) w.join();
  return out;
}

std::vector<std::string> bare_imports(std::string_view text) {
  std::vector<std::string> bare;
  for (auto& i : scan_imports(text))
    if (is_bare(i.specifier)) bare.push_back(std::move(i.specifier));
  return bare;
}

}  // namespace hr::orch

#include "orchestrator/app_env.h"

#include <cctype>
#include <optional>
#include <string_view>

#include "common/read_file.h"
#include "orchestrator/assemble.h"

extern char** environ;

namespace hr::orch {

namespace {

constexpr std::string_view kPrefix = "VITE_";

bool is_name_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-';
}

bool is_identifier(std::string_view s) {
  if (s.empty() || std::isdigit(static_cast<unsigned char>(s[0]))) return false;
  for (char c : s)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '$') return false;
  return true;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

std::string expand_escapes(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 1 < s.size() && (s[i + 1] == 'n' || s[i + 1] == 'r')) {
      out += s[++i] == 'n' ? '\n' : '\r';
    } else {
      out += s[i];
    }
  }
  return out;
}

// The value after `=`: quoted (up to the matching quote, whatever follows) or bare (up to a #,
// as dotenv has it).
std::optional<std::string> parse_value(std::string_view v) {
  v = trim(v);
  if (v.empty()) return std::string();
  const char q = v.front();
  if (q == '"' || q == '\'' || q == '`') {
    const size_t end = v.find(q, 1);
    if (end == std::string_view::npos) return std::nullopt;
    const std::string_view inner = v.substr(1, end - 1);
    return q == '"' ? expand_escapes(inner) : std::string(inner);
  }
  const size_t hash = v.find('#');
  return std::string(trim(hash == std::string_view::npos ? v : v.substr(0, hash)));
}

}  // namespace

const std::vector<std::string>& env_file_names() {
  static const std::vector<std::string> names = {".env", ".env.local", ".env.development",
                                                 ".env.development.local"};
  return names;
}

std::map<std::string, std::string> parse_dotenv(const std::string& text, const std::string& file,
                                                std::vector<std::string>& warnings) {
  std::map<std::string, std::string> out;
  size_t line_no = 0;
  for (size_t start = 0; start <= text.size();) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string_view line = trim(std::string_view(text).substr(start, end - start));
    start = end + 1;
    ++line_no;
    if (line.empty() || line.front() == '#') continue;
    if (line.rfind("export ", 0) == 0) line = trim(line.substr(7));
    size_t n = 0;
    while (n < line.size() && is_name_char(line[n])) ++n;
    const std::string_view name = line.substr(0, n);
    const std::string_view rest = trim(line.substr(n));
    std::optional<std::string> value;
    if (!name.empty() && !rest.empty() && rest.front() == '=') value = parse_value(rest.substr(1));
    if (!value) {
      warnings.push_back(file + ":" + std::to_string(line_no) +
                         ": not a NAME=value line (or an unclosed quote); ignored");
      continue;
    }
    out[std::string(name)] = std::move(*value);
  }
  return out;
}

AppEnv load_app_env(const std::filesystem::path& root,
                    const std::map<std::string, std::string>& environment) {
  AppEnv env;
  for (const auto& name : env_file_names()) {
    auto text = read_file(root / name);
    if (!text) continue;  // absent (or unreadable: Vite skips those too)
    for (auto& [k, v] : parse_dotenv(*text, name, env.warnings))
      if (k.rfind(kPrefix, 0) == 0) env.vars[k] = std::move(v);
    env.file_texts[name] = std::move(*text);
  }
  for (const auto& [k, v] : environment)
    if (k.rfind(kPrefix, 0) == 0) env.vars[k] = v;
  return env;
}

std::map<std::string, std::string> vite_environment() {
  std::map<std::string, std::string> out;
  for (char** e = environ; e && *e; ++e) {
    const std::string_view entry(*e);
    const size_t eq = entry.find('=');
    if (eq == std::string_view::npos || entry.rfind(kPrefix, 0) != 0) continue;
    out.emplace(entry.substr(0, eq), entry.substr(eq + 1));
  }
  return out;
}

std::vector<std::string> env_define_flags(const AppEnv& env) {
  std::vector<std::pair<std::string, std::string>> values = {{"BASE_URL", "\"/\""},
                                                             {"MODE", "\"development\""},
                                                             {"DEV", "true"},
                                                             {"PROD", "false"},
                                                             {"SSR", "false"}};
  for (const auto& [k, v] : env.vars) values.emplace_back(k, json_string(v));
  std::string object = "{";
  std::vector<std::string> flags;
  for (const auto& [k, v] : values) {
    object += (object.size() > 1 ? "," : "") + json_string(k) + ":" + v;
    // Each key too, so `if (import.meta.env.DEV)` folds; names esbuild cannot take as a property
    // chain are still in the object.
    if (is_identifier(k)) flags.push_back("--define:import.meta.env." + k + "=" + v);
  }
  flags.push_back("--define:import.meta.env=" + object + "}");
  return flags;
}

std::vector<std::string> changed_env_files(const AppEnv& before, const AppEnv& after) {
  std::vector<std::string> out;
  for (const auto& name : env_file_names()) {
    auto a = before.file_texts.find(name), b = after.file_texts.find(name);
    const bool had = a != before.file_texts.end(), has = b != after.file_texts.end();
    if (had != has || (had && a->second != b->second)) out.push_back(name);
  }
  return out;
}

}  // namespace hr::orch

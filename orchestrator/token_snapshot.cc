#include "orchestrator/token_snapshot.h"

#include <tsl/robin_map.h>
#include <tsl/robin_set.h>

#include <algorithm>
#include <charconv>

#include "common/read_file.h"
#include "orchestrator/checked_file.h"
#include "orchestrator/record_lines.h"

namespace hr::orch {

namespace fs = std::filesystem;

namespace {

// The first line: env. Then a line per module: id, hash, version, token, the modules it imports.
constexpr std::string_view kFormat = "hr-tokens 2";

bool read_saved(const std::vector<std::string_view>& f, SavedToken& out) {
  if (f.size() < 4) return false;
  const auto [end, ec] = std::from_chars(f[2].data(), f[2].data() + f[2].size(), out.version);
  if (ec != std::errc() || end != f[2].data() + f[2].size()) return false;
  out.hash = f[1];
  out.token = f[3];
  out.imports.assign(f.begin() + 4, f.end());
  return true;
}

}  // namespace

fs::path token_snapshot_file(const fs::path& state_dir) {
  return state_dir / "cache" / "tokens";
}

Result<void> save_token_snapshot(const fs::path& file, const TokenSnapshot& s) {
  RecordWriter out;
  out.field(s.env).end();
  for (const auto& [id, t] : s.modules) {
    out.field(id).field(t.hash).field(std::to_string(t.version)).field(t.token);
    for (const auto& i : t.imports) out.field(i);
    out.end();
  }
  return write_checked_file(file, kFormat, out.take());
}

Result<TokenSnapshot> load_token_snapshot(const fs::path& file) {
  auto text = read_file(file);
  if (!text) return text.error();
  auto body = checked_body(*text, kFormat);
  if (!body) return prefixed(file.string() + ": ", body.error());
  RecordReader records(*body);
  std::vector<std::string_view> f;
  if (!records.next(f) || f.size() != 1) return fail(file.string() + ": no env line");
  TokenSnapshot s;
  s.env = f[0];
  while (records.next(f)) {
    SavedToken t;
    if (!read_saved(f, t)) return fail(file.string() + ": bad entry for " + std::string(f[0]));
    s.modules.emplace(std::string(f[0]), std::move(t));
  }
  return s;
}

std::map<std::string, SavedToken> tokens_still_valid(
    TokenSnapshot snapshot, std::string_view env,
    const std::function<const std::string*(const std::string&)>& hash_of,
    const std::function<bool(const std::string&, const std::vector<std::string>&)>& imports_same) {
  if (snapshot.env != env) return {};
  auto& modules = snapshot.modules;
  tsl::robin_map<std::string_view, std::vector<std::string_view>> importers;
  std::vector<std::string_view> stack;  // modules whose saved token no longer holds
  for (const auto& [id, t] : modules) {
    const std::string* now = hash_of(id);
    if (!now || *now != t.hash || !imports_same(id, t.imports)) stack.push_back(id);
    for (const auto& dep : t.imports) {
      importers[dep].push_back(id);
      if (!modules.count(dep)) stack.push_back(dep);  // unknown then: what it is now, unknown
    }
  }
  tsl::robin_set<std::string_view> invalid;
  while (!stack.empty()) {
    const std::string_view id = stack.back();
    stack.pop_back();
    if (!invalid.insert(id).second) continue;
    if (auto it = importers.find(id); it != importers.end())
      stack.insert(stack.end(), it->second.begin(), it->second.end());
  }
  std::map<std::string, SavedToken> valid;
  for (auto& [id, t] : modules)
    if (!invalid.contains(id)) valid.emplace_hint(valid.end(), id, std::move(t));
  return valid;
}

}  // namespace hr::orch

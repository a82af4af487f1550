#include "orchestrator/token_snapshot.h"

#include <boost/json.hpp>
#include <set>

#include "common/read_file.h"
#include "orchestrator/checked_file.h"

namespace hr::orch {

namespace fs = std::filesystem;
namespace json = boost::json;

namespace {

constexpr std::string_view kFormat = "hr-tokens 1";

json::array strings(const std::vector<std::string>& list) {
  json::array out;
  for (const auto& s : list) out.emplace_back(json::string(s));
  return out;
}

// One module's fields: [hash, version, token, [imports...]]; false when they are not that.
bool read_saved(const json::value& v, SavedToken& out) {
  const json::array* a = v.if_array();
  if (!a || a->size() != 4 || !(*a)[0].is_string() || !(*a)[2].is_string() || !(*a)[3].is_array())
    return false;
  boost::system::error_code ec;
  out.version = (*a)[1].to_number<std::uint64_t>(ec);  // JSON reads it back as int64
  if (ec) return false;
  out.hash = std::string((*a)[0].get_string());
  out.token = std::string((*a)[2].get_string());
  for (const auto& i : (*a)[3].get_array()) {
    if (!i.is_string()) return false;
    out.imports.emplace_back(i.get_string());
  }
  return true;
}

}  // namespace

fs::path token_snapshot_file(const fs::path& state_dir) {
  return state_dir / "cache" / "tokens";
}

Result<void> save_token_snapshot(const fs::path& file, const TokenSnapshot& s) {
  json::object modules;
  for (const auto& [id, t] : s.modules)
    modules[id] =
        json::array{json::string(t.hash), t.version, json::string(t.token), strings(t.imports)};
  return write_checked_file(file, kFormat,
                            json::serialize(json::object{{"env", s.env}, {"modules", modules}}));
}

Result<TokenSnapshot> load_token_snapshot(const fs::path& file) {
  auto text = read_file(file);
  if (!text) return text.error();
  auto body = checked_body(*text, kFormat);
  if (!body) return prefixed(file.string() + ": ", body.error());
  boost::system::error_code ec;
  json::value v = json::parse(*body, ec);
  const json::object* o = ec ? nullptr : v.if_object();
  if (!o || !o->contains("env") || !o->at("env").is_string() || !o->contains("modules") ||
      !o->at("modules").is_object())
    return fail(file.string() + ": not the JSON it should be");
  TokenSnapshot s;
  s.env = std::string(o->at("env").get_string());
  for (const auto& [id, fields] : o->at("modules").get_object()) {
    SavedToken t;
    if (!read_saved(fields, t)) return fail(file.string() + ": bad entry for " + std::string(id));
    s.modules.emplace(std::string(id), std::move(t));
  }
  return s;
}

std::map<std::string, SavedToken> tokens_still_valid(
    TokenSnapshot snapshot, std::string_view env,
    const std::function<const std::string*(const std::string&)>& hash_of,
    const std::function<bool(const std::string&, const std::vector<std::string>&)>& imports_same) {
  if (snapshot.env != env) return {};
  auto& modules = snapshot.modules;
  std::map<std::string, std::vector<std::string>> importers;
  std::vector<std::string> stack;  // modules whose saved token no longer holds
  for (const auto& [id, t] : modules) {
    const std::string* now = hash_of(id);
    if (!now || *now != t.hash || !imports_same(id, t.imports)) stack.push_back(id);
    for (const auto& dep : t.imports) {
      importers[dep].push_back(id);
      if (!modules.count(dep)) stack.push_back(dep);  // unknown then: what it is now, unknown
    }
  }
  std::set<std::string> invalid;
  while (!stack.empty()) {
    std::string id = std::move(stack.back());
    stack.pop_back();
    if (!invalid.insert(id).second) continue;
    for (const auto& importer : importers[id]) stack.push_back(importer);
  }
  for (const auto& id : invalid) modules.erase(id);
  return std::move(modules);
}

}  // namespace hr::orch

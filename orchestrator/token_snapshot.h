// The URL tokens (site_state.h) the last server gave the app's modules, kept in the state folder.
//
// On demand, a restarted server has built almost nothing when it serves, and an import of a module
// not built yet carries no token: the first page after a restart named its entry's imports at new
// URLs and fetched every module again, though the browser held them all. A module's bytes are a
// function of its text and of what every module shares (esbuild, the npm bundle, the HMR client),
// so while those and its text (its hash) are what they were, and the same holds for
// every module it imports, the token it will get once built is the one saved. The restart names
// such a module at that URL before building it (SiteState::expect_tokens); building it checks the
// expectation, and one that fails is a changed URL like any other (hr:urls).
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace hr::orch {

struct SavedToken {
  std::string hash;  // what named the module's text then (Pipeline::content_keys())
  std::uint64_t version = 0;
  std::string token;                 // "" for a module served without one (a linked stylesheet)
  std::vector<std::string> imports;  // the modules whose URLs are in its bytes
};

struct TokenSnapshot {
  std::string env;  // what every module's bytes share (Pipeline::token_env())
  std::map<std::string, SavedToken> modules;
};

Result<void> save_token_snapshot(const std::filesystem::path& file, const TokenSnapshot& s);
// The snapshot at `file`: an error when there is none or it is torn, corrupt or foreign.
Result<TokenSnapshot> load_token_snapshot(const std::filesystem::path& file);

// The saved tokens that still hold: same `env`, the module's hash (`hash_of`: what names its text
// now, or null) as saved, and the same for every module it imports, transitively.
// `imports_same(id, saved)`: whether the module imports those modules now (the manifest's
// imports), since a text may import another module than it did (a new file it now resolves to).
std::map<std::string, SavedToken> tokens_still_valid(
    TokenSnapshot snapshot, std::string_view env,
    const std::function<const std::string*(const std::string&)>& hash_of,
    const std::function<bool(const std::string&, const std::vector<std::string>&)>& imports_same);

// The file in the state folder (.web/.hr).
std::filesystem::path token_snapshot_file(const std::filesystem::path& state_dir);

}  // namespace hr::orch

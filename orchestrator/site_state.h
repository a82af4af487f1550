// What the server serves, kept between recompiles and updated one module at a time.
//
// The pipeline stores each module's built code here (the npm deps key and the versions of the app
// modules it imports still placeholders), and the state keeps the assembled assets (assemble.h)
// in a server::Site, so a recompile that rebuilt one module re-assembles one asset. A hot update
// gives the modules it re-executes a new version; every module importing them is re-assembled to
// import that version, so a page never holds two instances of one module (two React contexts of
// one state module, say). When the dependency bundle's key changes (a new npm import), every
// module is re-assembled: its import URLs of npm packages change. An import through a wrapper
// (an asset's URL, `?raw`, `?inline`: assemble.h) is a small module per id and variant, assembled
// again when the module's bytes or version change, so its importers re-import a fresh value.
//
// URL tokens (site_state_tokens.cc): a JS module is imported at "/<id>?v=<token>", where the token
// hashes everything its served bytes are made of (its built code, version and source map, and the
// URLs it imports, so a module's token changes when any module it reaches does; an import cycle
// shares one hash). A URL then names one content for good and the browser may keep it
// (docs/hmr-protocol.md "Caching"). The HTML shell names its scripts and linked stylesheets at such
// URLs too. Changes are assembled lazily: settle() computes the tokens and assembles what changed
// before the site is read.
//
// Except a module some module imports lazily (`import()`, a route table): every importer names it
// at "/<id>?t=<version>" (no query for version 0), which the server answers no-cache with an ETag.
// Its URL then does not change when it is built or when a module it reaches changes, so a lazy
// import does not tie its importer's token to what the page may never load: a module built after
// the page named it (on demand) keeps one URL in one page load, and a restart after a cold start
// finds the entry and what it imports in the browser's cache.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "orchestrator/assemble.h"
#include "orchestrator/prebundle.h"
#include "orchestrator/token_snapshot.h"
#include "server/server.h"

namespace hr::orch {

inline constexpr size_t kOwnTokenDigits = 16;

class SiteState {
 public:
  struct Module {
    std::string code;                  // built, deps key as placeholder; CSS text for styles
    std::vector<std::string> imports;  // app module ids, as esbuild resolved them
    // Those of `imports` it imports lazily (`import()`, a route table): named by version alone.
    std::vector<std::string> lazy;
    std::vector<std::string> packages;  // npm specifiers
    std::vector<std::string> exports;   // export names (BuiltModule)
    bool is_style = false;
    // A style no built module imports plainly: linked (from the HTML, or through a `?url`
    // import such as React Router's links()), served as CSS. Kept by SiteState.
    bool css_linked = false;
    bool refresh_boundary = false;
    std::string source_map;  // the served module's last line (served_source_map()), or ""
    std::vector<std::pair<std::string, std::string>> wrapped;  // {id, variant} (BuiltModule)
  };

  void put_module(const std::string& id, Module m);
  void remove_module(const std::string& id);

  // The bytes of a module as a file: what its wrappers (?url, ?raw, ?inline) read, and for an
  // asset (`as_file`) what is served at "/" + id with the content type of its extension.
  void put_source(const std::string& id, std::string bytes, bool as_file);
  bool has_source(const std::string& id) const { return sources_.count(id) > 0; }
  // A file served at `path` with the content type of its extension (a stylesheet's url() asset).
  void put_file(const std::string& path, std::string bytes);

  // Gives `ids` version `version` and re-assembles every module that imports one of them.
  void set_versions(const std::set<std::string>& ids, std::uint64_t version);
  std::uint64_t version(std::string_view id) const;
  const Module* module(const std::string& id) const;

  // The URL module `id` is imported at now: "/" + id with its token or version query.
  std::string url_of(const std::string& id) const { return "/" + id + query_of("/" + id); }
  // The token of module `id`'s URL ("" for one not built, a style, or none computed yet): 32 hex
  // digits, the first 16 a hash of the module's own code, version and map (kOwnTokenDigits).
  const std::string& token(std::string_view id) const;
  // Computes the tokens that changed and assembles every module whose bytes changed. The site,
  // take_changes() and module_parts() show what was settled.
  void settle();
  // Until assemble_the_rest(), settle() assembles of the modules to assemble only `first` (an
  // update's: what it re-runs and what was rebuilt). The others only import a module whose URL
  // moved; the page that gets the update keeps its instances of them, and assembling them (the
  // first page of a 10,000-component app names every component) can wait until the message went.
  // Their tokens are computed as before; the pipeline posts their assembly right after the
  // message, so the server (one thread, handlers in order) answers no request in between.
  void assemble_first(std::set<std::string> first) { assemble_first_ = std::move(first); }
  void assemble_the_rest() { assemble_first_.reset(); }
  // What the URLs did since the last take: `moved` modules have a new token while their own code,
  // version and map are the same (only URLs they import changed: a page keeps its instance);
  // `changed` ones changed themselves (a page holding one holds old code unless an update
  // re-runs it). Only modules that had a token before are listed.
  struct UrlChanges {
    std::map<std::string, std::string> moved;  // URL path -> new token (url_value())
    std::set<std::string> changed;             // URL paths
    bool empty() const { return moved.empty() && changed.empty(); }
  };
  UrlChanges take_url_changes();
  // What `hr:urls` says of module `id`'s URL: its token, or for one named by version the query of
  // its URL ("?t=<version>", or "" for none).
  std::string url_value(const std::string& id) const;
  // Whether some module imports `id` lazily: its URL carries its version, not its token.
  bool named_by_version(std::string_view id) const;
  // The modules module `id` imports lazily, as its source says, until it is built (on demand, a
  // page may load a lazy import's target before the module importing it is built, or from the
  // browser's cache): ignored for a built module, whose built code says.
  void note_lazy_imports(const std::string& id, std::vector<std::string> lazy);

  // Expected tokens (site_state_expected.cc, token_snapshot.h): a module not built yet is imported
  // at the URL it had in the last server, and every module gets the version it had, while the
  // snapshot says so. Building a module checks its expectation; one that fails, or a module that
  // changes before it is built, takes the expectations of what imports it along.
  void expect_tokens(const std::map<std::string, SavedToken>& valid);
  void drop_expectation(const std::string& id);
  // Every module's token, version and imports now, with what names its text (`hash_of`; modules
  // without one are left out), for the next start.
  TokenSnapshot snapshot(std::string env,
                         const std::function<const std::string*(const std::string&)>& hash_of);
  // JS module `id` as served now, split where its import URLs begin, for the update message
  // (assemble_js_module_parts()); empty for a style, an unknown id, or a module that cannot travel.
  std::vector<std::string> module_parts(const std::string& id) const;
  size_t module_count() const { return modules_.size(); }

  // Takes the bundle's files for the server to serve: deps() keeps its key and entries only.
  void set_deps(DepsBundle deps);
  const DepsBundle& deps() const { return deps_; }
  // Every npm specifier some module imports, plus the refresh runtime when the app has it.
  std::set<std::string> packages_in_use() const;
  // The modules that import npm specifier `spec`.
  std::vector<std::string> importers_of_package(const std::string& spec) const;

  void set_html(std::string raw_html);
  // The `error` message that stands until a build without errors ("": none stands): new pages
  // get it in the shell, so they show the overlay at once, and pages that connect get it sent.
  void set_standing_error(std::string error_json);
  const std::string& standing_error() const { return standing_error_; }
  void set_client_js(std::string js);
  // What the built code depends on besides the app (esbuild's version, this binary): in every
  // token, so a URL the browser keeps never names what another build of either served.
  void set_build_env(std::string env) { build_env_ = std::move(env); }
  // The HMR client's URL: "/@hr/client.js?v=<token of its bytes>" (the shell names it so too).
  const std::string& client_url() const { return client_url_; }

  const server::Site& site() const { return site_; }

  // What changed since the last take: publish those alone, unless a whole publish is due (the
  // first one, or the dependency bundle changed).
  bool needs_full_publish() const { return full_publish_; }
  server::SiteChanges take_changes();
  void mark_published() {
    full_publish_ = false;
    dirty_.clear();
    html_dirty_ = false;
  }

 private:
  void assemble(const std::string& id);
  // A linked stylesheet now (nothing in it waits for tokens), any other module at settle().
  void schedule_assembly(const std::string& id);
  // The query of an import URL path in served code (assemble.h ImportQuery).
  std::string query_of(std::string_view import_path) const;
  // What importing module `id` puts in an importer's bytes: its URL's query, and a hash of its id,
  // version and token for the importer's token. Kept until one of those changes (forget_dep_url):
  // a page importing 10,000 components must not cost 10,000 lookups of each at every edit.
  struct DepUrl {
    std::string query;
    std::uint64_t hash = 0;
  };
  const DepUrl& dep_url(std::string_view id) const;
  void forget_dep_url(std::string_view id);
  bool tokenized(std::string_view id) const;
  // Replaces module `id`'s lazy imports `before` by `now` (either may be null), renaming each
  // target whose naming that changed.
  void index_lazy_imports(const std::string& id, const std::vector<std::string>* before,
                          const std::vector<std::string>* now);
  // The query the HTML shell gives a module it names ("/app/entry.jsx", "/styles/a.css").
  std::string html_query(std::string_view url_path) const;
  // The query of the URL a `?url` import's value gives module `id`: its content's token for an
  // asset file or a linked stylesheet, else its version.
  std::string file_query(const std::string& id) const;
  // A module's own code, map and boundary flag (kept per module: big modules are hashed once).
  static std::uint64_t code_hash(const Module& m);
  // That, with its version and what every module's bytes share (deps key, client URL).
  std::uint64_t own_hash(const std::string& id) const;
  // The modules whose token may change when `dirty` did: those and their importers, transitively.
  std::vector<std::string> token_closure() const;
  void compute_tokens(const std::vector<std::string>& ids);
  void hash_component(std::vector<std::string>& members);
  void set_token(const std::string& id, std::string token);
  void assemble_wrappers(const std::string& id);
  void assemble_html();
  std::string refresh_runtime_url() const;

  void index_imports(const std::string& id, const std::vector<std::string>& imports, bool add);
  // Whether some built module imports `id` other than through a wrapper (`import "./x.css"`).
  bool imported_plainly(const std::string& id) const;
  // Re-assembles those of `ids` that are styles whose importers now want them served otherwise.
  void relink_styles(const std::set<std::string>& ids);

  std::map<std::string, Module, std::less<>> modules_;
  std::map<std::string, std::uint64_t, std::less<>>
      code_hashes_;  // code, map, boundary: put_module
  std::map<std::string, std::uint64_t, std::less<>> versions_;
  std::map<std::string, std::set<std::string>> importers_;  // id -> the modules importing it
  std::map<std::string, std::set<std::string>, std::less<>> lazy_importers_;  // id -> lazily
  std::map<std::string, std::vector<std::string>> noted_lazy_;  // note_lazy_imports(), unbuilt
  std::map<std::string, std::string> sources_;                  // put_source
  std::map<std::string, std::set<std::string>> wrappers_;       // id -> the variants imported
  DepsBundle deps_;
  std::string raw_html_;
  std::string standing_error_;
  server::Site site_;
  std::set<std::string> dirty_;    // module paths assembled or removed since the last publish
  std::set<std::string> pending_;  // JS modules to assemble at settle()
  std::optional<std::set<std::string>> assemble_first_;  // assemble_first()
  std::set<std::string> token_dirty_;  // ids whose token inputs changed since settle()
  std::map<std::string, std::string, std::less<>> tokens_;
  struct StringHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  mutable std::unordered_map<std::string, DepUrl, StringHash, std::equal_to<>> dep_urls_;
  std::map<std::string, std::string, std::less<>> wrapper_tokens_;      // wrapper path -> its token
  std::map<std::string, std::string, std::less<>> expected_;            // id -> expected token
  std::map<std::string, std::string, std::less<>> dropped_;             // id -> expectation dropped
  std::map<std::string, std::vector<std::string>> expected_importers_;  // from the snapshot
  void unexpect(std::map<std::string, std::string, std::less<>>::iterator it);
  const std::string& expected_token(std::string_view id) const;
  std::set<std::string> html_refs_;  // modules the HTML shell names (src=, href=)
  bool html_stale_ = false;          // a linked stylesheet the shell names changed
  UrlChanges url_changes_;
  std::string client_url_{kClientPath};
  std::string build_env_;
  bool html_dirty_ = false;
  bool full_publish_ = true;
};

// The specifier of React Refresh's runtime; prebundled whenever the app's node_modules has it.
inline constexpr const char* kRefreshRuntime = "react-refresh/runtime";

}  // namespace hr::orch

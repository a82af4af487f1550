#include "orchestrator/prebundle.h"

#include <spdlog/spdlog.h>
#include <xxhash.h>

#include <algorithm>
#include <boost/json.hpp>
#include <fstream>

#include "common/hex.h"
#include "common/read_file.h"
#include "orchestrator/app_env.h"
#include "orchestrator/assemble.h"
#include "orchestrator/cjs_exports.h"
#include "orchestrator/css_bundle.h"

namespace hr::orch {

namespace fs = std::filesystem;
namespace json = boost::json;

namespace {

constexpr const char* kNamespace = "hr-dep";
constexpr const char* kEntryPrefix = "hr-dep:";

// The deps key: the first 12 hex digits are plenty to tell bundles apart.
std::string hex12(uint64_t v) {
  return hex64(v).substr(0, 12);
}

// "react-dom/client" -> "react-dom__client": one flat file name per specifier, no collisions
// (a package name has at most one "/" after its scope, and "__" cannot start a path segment).
std::string file_name(const std::string& specifier) {
  std::string out;
  for (char c : specifier) out += c == '/' ? std::string("__") : std::string(1, c);
  return out;
}

std::vector<std::string> sorted_unique(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
  return v;
}

// The wrapper module for one specifier: explicit named re-exports for CommonJS.
std::string wrapper_source(const std::string& specifier, const ModuleFormat& format,
                           const std::string& file_text) {
  if (!format.is_commonjs) {
    std::string s = "export * from \"" + specifier + "\";\n";
    if (file_text.find("export default") != std::string::npos ||
        file_text.find("as default") != std::string::npos) {
      s += "export { default } from \"" + specifier + "\";\n";
    }
    return s;
  }
  // `import * as` gives module.exports' properties plus `default`, whether or not __esModule is
  // set.
  std::string s =
      "import * as __hr_ns from \"" + specifier + "\";\nexport default __hr_ns.default;\n";
  if (!format.named_exports.empty()) {
    s += "export const {";
    for (size_t i = 0; i < format.named_exports.size(); ++i)
      s += (i ? ", " : " ") + format.named_exports[i];
    s += " } = __hr_ns;\n";
  }
  return s;
}

esbuild::BuildOptions base_options(const DepsRequest& r) {
  esbuild::BuildOptions o;
  o.abs_working_dir = r.root.string();
  o.flags = {"--format=esm", "--platform=browser", "--outdir=" + (r.root / ".hr-deps").string(),
             "--define:process.env.NODE_ENV=\"development\"", "--target=es2020"};
  // Libraries read import.meta.env.DEV too; they get the built-in keys, not the app's VITE_*.
  const auto env = env_define_flags(AppEnv{});
  o.flags.insert(o.flags.end(), env.begin(), env.end());
  return o;
}

// --- Disk cache: <cache_dir>/<key>/index.json plus the files ---

fs::path cache_folder(const DepsRequest& r, const std::string& key) {
  return r.cache_dir / key;
}

// A cached file's URL as the index lists it: "/@deps/<path>", a path that stays in the cache
// folder ("chunk-X.js", "assets/font-Y.woff2"; no empty, "." or ".." segment).
std::optional<std::string_view> cached_file_name(const json::value& url) {
  constexpr std::string_view kPrefix = "/@deps/";
  const json::string* s = url.if_string();
  if (!s || !s->subview().starts_with(kPrefix)) return std::nullopt;
  const std::string_view name = s->subview().substr(kPrefix.size());
  for (size_t at = 0; at <= name.size();) {
    const size_t end = std::min(name.find('/', at), name.size());
    const std::string_view segment = name.substr(at, end - at);
    if (segment.empty() || segment == "." || segment == "..") return std::nullopt;
    at = end + 1;
  }
  return name;
}

// The bundle cached under `key`, if its index and every file it lists can be read. Anything else
// (no cache yet, a torn or foreign index, a file gone) is a miss: the bundle is built again and
// the cache rewritten, so a corrupt cache never stops the server.
std::optional<DepsBundle> load_cache(const DepsRequest& r, const std::string& key) {
  if (r.cache_dir.empty()) return std::nullopt;
  const fs::path dir = cache_folder(r, key);
  const std::string text = read_file_or_empty(dir / "index.json");
  if (text.empty()) return std::nullopt;
  boost::system::error_code ec;
  json::value index = json::parse(text, ec);
  const json::object* o = ec ? nullptr : index.if_object();
  const json::value* entry = o ? o->if_contains("entry") : nullptr;
  const json::value* files = o ? o->if_contains("files") : nullptr;
  auto corrupt = [&](std::string_view what) -> std::optional<DepsBundle> {
    spdlog::warn("npm dependencies: the cache {} is unusable ({}); building again", dir.string(),
                 what);
    return std::nullopt;
  };
  if (!entry || !entry->is_object() || !files || !files->is_array()) return corrupt("its index");
  DepsBundle b{key, {}, {}, true};
  for (const auto& [spec, url] : entry->get_object()) {
    if (!url.is_string()) return corrupt("an entry that is not a URL");
    b.entry[spec] = url.get_string();
  }
  for (const auto& f : files->get_array()) {
    const auto name = cached_file_name(f);
    if (!name) return corrupt("a file that is not under /@deps/");
    auto bytes = read_file(dir / *name);
    if (!bytes) return corrupt(bytes.error().message);
    b.files.push_back(DepFile{std::string(f.get_string()), std::move(*bytes)});
  }
  return b;
}

void save_cache(const DepsRequest& r, const DepsBundle& b) {
  if (r.cache_dir.empty()) return;
  const fs::path dir = cache_folder(r, b.key);
  std::error_code ec;
  fs::create_directories(dir, ec);
  json::object index;
  json::object entry;
  for (const auto& [spec, url] : b.entry) entry[spec] = url;
  json::array files;
  for (const auto& f : b.files) {
    files.emplace_back(f.url);
    const fs::path file = dir / f.url.substr(std::string("/@deps/").size());
    fs::create_directories(file.parent_path(), ec);  // assets/ of package stylesheets
    std::ofstream(file, std::ios::binary) << f.contents;
  }
  index["entry"] = std::move(entry);
  index["files"] = std::move(files);
  std::ofstream(dir / "index.json") << json::serialize(index);  // written last: marks it complete
}

}  // namespace

std::string deps_key(const DepsRequest& r) {
  // The layout of our output: a new one (CSS packages as style modules) must not read old caches.
  std::string material = std::string(esbuild::pinned_esbuild_version()) + "\nlayout 4\n";
  for (const auto& flag : base_options(r).flags)  // what the output depends on, not where it goes
    if (flag.rfind("--outdir=", 0) != 0) material += flag + "\n";
  for (const auto& s : sorted_unique(r.specifiers)) material += s + "\n";
  for (const char* f : {"package.json", "package-lock.json", "bun.lock", "bun.lockb", "yarn.lock",
                        "pnpm-lock.yaml", "node_modules/.package-lock.json"}) {
    material += std::string(f) + "\n" + read_file_or_empty(r.root / f);
  }
  return hex12(XXH3_64bits(material.data(), material.size()));
}

std::string deps_url(const std::string& specifier, const std::string& key) {
  return "/@deps/" + file_name(specifier) + ".js?v=" + key;
}

namespace {

// Step 2: the real build, every JS specifier through its wrapper, split into shared chunks; the
// files go into `b`.
void build_wrappers(esbuild::Service& service, DepsRequest r, std::shared_ptr<DepsBundle> b,
                    std::map<std::string, std::string> wrappers, esbuild::Callback<bool> done) {
  if (wrappers.empty()) return done(true);
  auto o = base_options(r);
  // Linked maps: each file ends with a comment naming its .map, served beside it (immutable URLs).
  o.flags.insert(o.flags.end(),
                 {"--bundle", "--splitting", "--chunk-names=chunk-[hash]", "--sourcemap=linked"});
  for (const auto& [spec, src] : wrappers)
    o.entry_points.emplace_back(kEntryPrefix + spec, file_name(spec));
  esbuild::Plugin plugin;
  plugin.on_resolve.push_back({"^hr-dep:", "", [](const esbuild::OnResolveArgs& a) {
                                 esbuild::OnResolveResult res;
                                 res.path = a.path.substr(std::strlen(kEntryPrefix));
                                 res.ns = kNamespace;
                                 return std::optional(res);
                               }});
  auto sources = std::make_shared<std::map<std::string, std::string>>(std::move(wrappers));
  const std::string resolve_dir = r.root.string();
  plugin.on_load.push_back({".*", kNamespace, [sources, resolve_dir](const esbuild::OnLoadArgs& a) {
                              esbuild::OnLoadResult res;
                              res.contents = sources->at(a.path);
                              res.loader = "js";
                              res.resolve_dir = resolve_dir;
                              return std::optional(res);
                            }});
  const fs::path outdir = r.root / ".hr-deps";
  service.build(o, plugin, [b, outdir, done](Result<esbuild::BuildResult> built) {
    if (!built) return done(built.error());
    if (!built->errors.empty()) {
      return done(fail("prebundling npm dependencies failed: " +
                       esbuild::format_message(built->errors[0])));
    }
    for (auto& f : built->output_files) {
      b->files.push_back(
          DepFile{"/@deps/" + fs::path(f.path).lexically_relative(outdir).generic_string(),
                  std::move(f.contents)});
    }
    done(true);
  });
}

// Step 3: each CSS specifier (`import "@radix-ui/themes/styles.css"`) bundled as CSS
// (css_bundle.h, its url() files under /@deps/assets/) and served, like an app stylesheet imported
// from JS, as a module that puts the CSS in a <style> element.
void build_css(esbuild::Service& service, DepsRequest r, std::shared_ptr<DepsBundle> b,
               std::vector<std::string> css_specs, esbuild::Callback<bool> done) {
  if (css_specs.empty()) return done(true);
  const fs::path outdir = r.root / ".hr-deps-css";
  auto o = css_bundle_options(r.root, outdir, "/@deps/assets/");
  for (const auto& spec : css_specs) o.entry_points.emplace_back(spec, file_name(spec));
  service.build(
      o, css_bundle_plugin(), [b, outdir, css_specs, done](Result<esbuild::BuildResult> built) {
        if (!built) return done(built.error());
        if (!built->errors.empty()) {
          return done(fail("bundling the CSS of npm packages failed: " +
                           esbuild::format_message(built->errors[0])));
        }
        for (const auto& spec : css_specs) {
          const std::string out = (outdir / (file_name(spec) + ".css")).string();
          auto f = std::find_if(built->output_files.begin(), built->output_files.end(),
                                [&](const esbuild::OutputFile& o) { return o.path == out; });
          if (f == built->output_files.end())
            return done(fail("bundling the CSS of npm packages: esbuild wrote no CSS for " + spec));
          const std::string url = "/@deps/" + file_name(spec) + ".js";
          b->files.push_back(DepFile{url, assemble_package_css_module(url, f->contents)});
        }
        for (auto& a : css_assets(built->output_files, outdir, "/@deps/assets/"))
          b->files.push_back(DepFile{std::move(a.url), std::move(a.contents)});
        done(true);
      });
}

void build_bundle(esbuild::Service& service, DepsRequest r, std::string key,
                  std::map<std::string, std::string> wrappers, std::vector<std::string> css_specs,
                  esbuild::Callback<DepsBundle> done) {
  auto b = std::make_shared<DepsBundle>(DepsBundle{key, {}, {}, false});
  for (const auto& spec : r.specifiers) b->entry[spec] = deps_url(spec, key);
  build_wrappers(service, r, b, std::move(wrappers),
                 [&service, r, b, css_specs, done](Result<bool> js) {
                   if (!js) return done(js.error());
                   build_css(service, r, b, css_specs, [r, b, done](Result<bool> css) {
                     if (!css) return done(css.error());
                     save_cache(r, *b);
                     done(std::move(*b));
                   });
                 });
}

// What step 1 learnt: the wrapper module of each JS specifier, and which specifiers are CSS.
struct Resolved {
  std::map<std::string, std::string> wrappers;
  std::vector<std::string> css_specs;
};

// One entry of step 1's metafile: the output's name says which specifier it is, its input file
// whether the specifier is CSS or JS (and for JS, CommonJS or ESM).
Result<void> take_entry(Resolved& out, const DepsRequest& r, std::string_view output,
                        const fs::path& input) {
  const std::string name = fs::path(std::string(output)).stem().string();
  auto spec = std::find_if(r.specifiers.begin(), r.specifiers.end(),
                           [&](const std::string& s) { return file_name(s) == name; });
  if (spec == r.specifiers.end()) return {};
  if (input.extension() == ".css") {
    out.css_specs.push_back(*spec);
    return {};
  }
  auto format = detect_module_format(input);
  if (!format) return format.error();
  out.wrappers[*spec] = wrapper_source(*spec, *format, read_file_or_empty(input));
  return {};
}

// Step 1's answer read: every specifier must have come out as one entry.
Result<Resolved> read_resolved(const std::string& metafile, const DepsRequest& r) {
  boost::system::error_code ec;
  json::value meta = json::parse(metafile, ec);
  if (ec) return fail("esbuild metafile is not JSON: " + ec.message());
  const json::object* root = meta.if_object();
  const json::value* outputs = root ? root->if_contains("outputs") : nullptr;
  if (!outputs || !outputs->is_object()) return fail("esbuild metafile has no outputs");
  Resolved out;
  for (const auto& [output, info] : outputs->get_object()) {
    const json::object* o = info.if_object();
    const json::value* entry = o ? o->if_contains("entryPoint") : nullptr;
    if (!entry || !entry->is_string()) continue;
    const fs::path input = r.root / std::string(entry->get_string());
    if (auto taken = take_entry(out, r, output, input); !taken) return taken.error();
  }
  const size_t resolved = out.wrappers.size() + out.css_specs.size();
  if (resolved != r.specifiers.size()) {
    return fail("prebundling: esbuild resolved " + std::to_string(resolved) + " of " +
                std::to_string(r.specifiers.size()) + " npm specifiers");
  }
  return out;
}

// Step 1: let esbuild resolve each specifier (no bundling: fast), to learn which file it is.
void resolve_specifiers(esbuild::Service& service, DepsRequest r, std::string key,
                        esbuild::Callback<DepsBundle> done) {
  auto o = base_options(r);
  o.metafile = true;
  for (const auto& spec : r.specifiers) o.entry_points.emplace_back(spec, file_name(spec));
  service.build(o, std::nullopt, [&service, r, key, done](Result<esbuild::BuildResult> built) {
    if (!built) return done(built.error());
    if (!built->errors.empty()) {
      return done(
          fail("cannot resolve npm dependency: " + esbuild::format_message(built->errors[0])));
    }
    auto resolved = read_resolved(built->metafile, r);
    if (!resolved) return done(resolved.error());
    build_bundle(service, r, key, std::move(resolved->wrappers), std::move(resolved->css_specs),
                 done);
  });
}

}  // namespace

void prebundle(esbuild::Service& service, DepsRequest r, esbuild::Callback<DepsBundle> done) {
  r.specifiers = sorted_unique(r.specifiers);
  const std::string key = deps_key(r);
  if (auto cached = load_cache(r, key)) {
    spdlog::info("npm dependencies: {} prebundled modules from cache {}", cached->files.size(),
                 key);
    return done(std::move(*cached));
  }
  resolve_specifiers(service, std::move(r), key, std::move(done));
}

}  // namespace hr::orch

#include "orchestrator/css_bundle.h"

namespace hr::orch {

namespace fs = std::filesystem;

namespace {

// What url() points at in stylesheets: images, fonts, media. Anything else is esbuild's error
// "No loader is configured for ...", naming the file and line.
constexpr const char* kAssetExtensions[] = {
    ".png",  ".jpg",   ".jpeg", ".gif", ".svg", ".webp", ".avif", ".ico", ".bmp", ".cur",
    ".woff", ".woff2", ".ttf",  ".otf", ".eot", ".mp4",  ".webm", ".ogg", ".mp3", ".wav"};

}  // namespace

esbuild::BuildOptions css_bundle_options(const fs::path& root, const fs::path& outdir,
                                         const std::string& public_path) {
  esbuild::BuildOptions o;
  o.abs_working_dir = root.string();
  o.metafile = true;
  o.flags = {"--bundle", "--outdir=" + outdir.string(), "--public-path=" + public_path,
             "--asset-names=[name]-[hash]", "--loader:.css=css"};
  for (const char* ext : kAssetExtensions)
    o.flags.push_back(std::string("--loader:") + ext + "=file");
  return o;
}

esbuild::Plugin css_bundle_plugin() {
  esbuild::Plugin plugin;
  plugin.name = "hr-css-public-urls";
  plugin.on_resolve.push_back({"^/", "", [](const esbuild::OnResolveArgs& a) {
                                 if (a.kind == "entry-point")
                                   return std::optional<esbuild::OnResolveResult>();
                                 esbuild::OnResolveResult r;
                                 r.path = a.path;
                                 r.external = true;
                                 return std::optional(r);
                               }});
  return plugin;
}

std::vector<CssAsset> css_assets(const std::vector<esbuild::OutputFile>& outputs,
                                 const fs::path& outdir, const std::string& public_path) {
  std::vector<CssAsset> out;
  for (const auto& f : outputs) {
    if (f.path.ends_with(".css")) continue;
    out.push_back(
        {public_path + fs::path(f.path).lexically_relative(outdir).generic_string(), f.contents});
  }
  return out;
}

}  // namespace hr::orch

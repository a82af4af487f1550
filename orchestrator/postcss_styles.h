// The app's stylesheets through PostCSS, for apps with a postcss.config.{js,mjs,cjs} (Reflex's
// Tailwind v4 plugin writes one with `@tailwindcss/postcss`).
//
// PostCSS runs on each stylesheet's own text *before* esbuild bundles it (style_builder.h serves
// the output to esbuild's CSS bundler from memory, through an on-load hook), not on esbuild's
// bundle, because:
// - esbuild cannot resolve Tailwind's entry: `@import "tailwindcss"` needs the package's `style`
//   export condition ("The path "." is not currently exported by package tailwindcss"), and
//   Tailwind v4 resolves and inlines its own `@import`s anyway;
// - after esbuild inlined a file, Tailwind's file-relative directives (Reflex's
//   `@config "../tailwind.config.js"`, `@source`) would resolve against the wrong folder, and its
//   `@tailwind utilities` would reach the browser unprocessed;
// - per file, the dependency messages say which stylesheet Tailwind generated from which modules.
// PostCSS sees the manifest's `style` modules; a CSS file only reached through `@import` and not
// listed in the manifest is bundled as written (Vite, too, runs PostCSS once per imported CSS).
//
// Each output is kept with the hash of the text it came from, so a stylesheet is run again only
// when its text changed, its last run failed, or a module its last run scanned changed (stale()).
// A failed run keeps the last good output: esbuild keeps bundling it, the overlay shows the error.
// The worker reads an edited postcss.config.* at its next run; the edit alone rebuilds nothing
// (the manifest does not list the config), unless Tailwind named it as a dependency.
#pragma once

#include <boost/asio/io_context.hpp>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "orchestrator/postcss_deps.h"
#include "orchestrator/postcss_worker.h"

namespace hr::orch {

class PostcssStyles {
 public:
  // `node` "" looks node up on PATH when the worker first starts.
  PostcssStyles(boost::asio::io_context& io, std::filesystem::path root, std::string node = "");

  // Whether `root` holds postcss.config.js, .mjs or .cjs.
  static bool has_config(const std::filesystem::path& root);

  struct Processed {
    std::vector<std::string> changed;      // ids whose output bytes differ from the last ones kept
    std::vector<std::string> failed;       // ids with errors: their last good output stays
    std::vector<esbuild::Message> errors;  // locations name module ids where they can
    std::vector<esbuild::Message> warnings;
  };
  // Runs the stylesheets `ids` through PostCSS where needed (see above), all at once.
  void process(std::vector<std::string> ids, std::function<void(Processed)> done);

  // The kept output of stylesheet `id`, or nullptr: what esbuild bundles instead of the file.
  const std::string* output(const std::string& id) const;
  // The stylesheets whose last run scanned module `id` (postcss_deps.h).
  std::set<std::string> dependents(std::string_view id) const { return deps_.dependents(id); }
  // Makes the next process() run `id` even if its text did not change.
  void stale(const std::string& id);
  void remove(const std::string& id);

  PostcssWorker& worker() { return worker_; }

 private:
  struct Kept {
    std::uint64_t source_hash = 0;
    std::string css;
    bool fresh = false;  // the output is of the current text and what it scanned
  };
  struct Batch;
  void take(Batch& batch, const std::string& id, std::uint64_t hash, Result<PostcssOutput> r);
  // A message from the worker, its file as a module id and with the line's text for the frame.
  esbuild::Message located(esbuild::Message m, const std::string& id) const;

  std::filesystem::path root_;
  PostcssWorker worker_;
  PostcssDeps deps_;
  std::map<std::string, Kept> kept_;
};

}  // namespace hr::orch

#include "orchestrator/postcss_styles.h"

#include <spdlog/spdlog.h>

#include "common/read_file.h"
#include "graph/change_detector.h"
#include "orchestrator/embedded_js.h"

namespace hr::orch {

namespace fs = std::filesystem;

struct PostcssStyles::Batch {
  Processed result;
  std::function<void(Processed)> done;
  size_t in_flight = 0;
};

PostcssStyles::PostcssStyles(boost::asio::io_context& io, fs::path root, std::string node)
    : root_(root), worker_(io, {std::move(node), root, postcss_worker_js()}), deps_(root) {}

bool PostcssStyles::has_config(const fs::path& root) {
  std::error_code ec;
  for (const char* name : {"postcss.config.js", "postcss.config.mjs", "postcss.config.cjs"})
    if (fs::is_regular_file(root / name, ec)) return true;
  return false;
}

const std::string* PostcssStyles::output(const std::string& id) const {
  auto it = kept_.find(id);
  return it == kept_.end() ? nullptr : &it->second.css;
}

void PostcssStyles::stale(const std::string& id) {
  if (auto it = kept_.find(id); it != kept_.end()) it->second.fresh = false;
}

void PostcssStyles::remove(const std::string& id) {
  kept_.erase(id);
  deps_.remove(id);
}

void PostcssStyles::process(std::vector<std::string> ids, std::function<void(Processed)> done) {
  auto batch = std::make_shared<Batch>();
  batch->done = std::move(done);
  std::vector<std::pair<std::string, std::string>> work;  // id, text
  for (const auto& id : ids) {
    // An unreadable stylesheet is esbuild's to report, with the file named.
    auto text = read_file(root_ / id);
    if (!text) continue;
    auto it = kept_.find(id);
    if (it != kept_.end() && it->second.fresh &&
        it->second.source_hash == graph::content_hash(*text))
      continue;
    work.emplace_back(id, std::move(*text));
  }
  if (work.empty()) return batch->done(std::move(batch->result));
  batch->in_flight = work.size();
  for (auto& [id, text] : work) {
    const uint64_t hash = graph::content_hash(text);
    worker_.process((root_ / id).string(), std::move(text),
                    [this, batch, id, hash](Result<PostcssOutput> r) {
                      take(*batch, id, hash, std::move(r));
                      if (--batch->in_flight == 0) batch->done(std::move(batch->result));
                    });
  }
}

void PostcssStyles::take(Batch& batch, const std::string& id, uint64_t hash,
                         Result<PostcssOutput> r) {
  auto& res = batch.result;
  auto it = kept_.find(id);
  if (!r || r->error) {
    // Run again at the next call; the last good output stays meanwhile.
    if (it != kept_.end()) it->second.fresh = false;
    esbuild::Message m =
        r ? located(*r->error, id)
          : esbuild::message_at(id, "PostCSS could not run " + id + ": " + r.error().message);
    m.plugin_name = "postcss";
    res.errors.push_back(std::move(m));
    res.failed.push_back(id);
    return;
  }
  for (auto& w : r->warnings) res.warnings.push_back(located(std::move(w), id));
  if (it == kept_.end() || it->second.css != r->css) res.changed.push_back(id);
  Kept& kept = kept_[id];
  kept.css = std::move(r->css);
  kept.source_hash = hash;
  kept.fresh = true;
  deps_.set(id, r->deps);
}

esbuild::Message PostcssStyles::located(esbuild::Message m, const std::string& id) const {
  if (!m.location) m.location.emplace();
  auto& loc = *m.location;
  const std::string rel = fs::path(loc.file).lexically_relative(root_).generic_string();
  loc.file = loc.file.empty() || rel.empty() || rel.starts_with("..") ? id : rel;
  if (loc.line > 0) {
    // The line's text, so the overlay's code frame shows it as it does for esbuild's errors.
    const std::string text = read_file_or_empty(root_ / loc.file);
    size_t start = 0;
    for (int line = 1; line < loc.line && start != std::string::npos; ++line) {
      start = text.find('\n', start);
      if (start != std::string::npos) ++start;
    }
    if (start != std::string::npos && start <= text.size())
      loc.line_text = text.substr(start, text.find('\n', start) - start);
  }
  return m;
}

}  // namespace hr::orch

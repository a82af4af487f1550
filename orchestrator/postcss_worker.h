// The PostCSS worker: a long-lived node process (orchestrator/postcss_worker.mjs, built into the
// binary) that runs CSS through the plugins of the app's postcss.config.{js,mjs,cjs}, driven
// asynchronously on the caller's io_context (Boost.Process v2, as esbuild_bridge/child.h runs
// esbuild). The protocol is one JSON object per line each way: a request id, the file's path and
// its text in; CSS, the plugins' dependency messages (the files and folders Tailwind scanned) and
// warnings out, or an error with file:line:column.
//
// The process starts at the first request, not before: an app without PostCSS never pays for
// node. When it dies (or does not answer within the timeout, and is killed), every request in
// flight fails with a message naming why, plus the last lines it wrote to stderr, and the next
// request starts a new one: a crash costs one failed call, never a stuck server.
#pragma once

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "esbuild_bridge/esbuild.h"

namespace hr::orch {

// A dependency message: a file (`file`), or a folder and the glob under it that is scanned.
struct PostcssDep {
  std::string file;
  std::string dir;
  std::string glob;
};

struct PostcssOutput {
  std::string css;
  std::vector<PostcssDep> deps;
  std::vector<esbuild::Message> warnings;
  // PostCSS's own error (a syntax error, a plugin's): `location->file` is the absolute path it
  // named, line 1-based, column 0-based like esbuild's.
  std::optional<esbuild::Message> error;
};

class PostcssWorker {
 public:
  struct Options {
    std::string node;            // the node binary (find_node())
    std::filesystem::path root;  // the app root: the config and the plugins are found there
    std::string script;          // the worker's JavaScript (postcss_worker_js(), embedded_js.h)
    std::chrono::milliseconds timeout{60000};  // per request
  };

  PostcssWorker(boost::asio::io_context& io, Options options);
  ~PostcssWorker();  // stops the process
  PostcssWorker(const PostcssWorker&) = delete;
  PostcssWorker& operator=(const PostcssWorker&) = delete;

  // Runs `css` (the text of `file`, an absolute path) through PostCSS. Fails only when the worker
  // could not be started or died before answering; PostCSS's errors come in the value.
  void process(const std::string& file, std::string css, esbuild::Callback<PostcssOutput> done);

  // The running process's pid, -1 when none runs (tests kill it).
  int pid() const;

  // `node` on PATH, or a message saying it is missing.
  static Result<std::string> find_node();

 private:
  struct Proc;
  Result<bool> start();
  static void write_next(std::shared_ptr<Proc> proc);  // one request line at a time, in order
  void read_stdout(std::shared_ptr<Proc> proc);
  void read_stderr(std::shared_ptr<Proc> proc);
  void on_line(Proc& proc, std::string_view line);
  void arm_timer(std::shared_ptr<Proc> proc, std::uint64_t id);
  // The process is gone (or given up on): fails what it had in flight once it is reaped.
  void lost(std::shared_ptr<Proc> proc, std::string reason);

  boost::asio::io_context& io_;
  Options options_;
  std::shared_ptr<Proc> proc_;
  std::uint64_t next_id_ = 1;
};

}  // namespace hr::orch

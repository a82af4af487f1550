#include "orchestrator/postcss_worker.h"

#include <signal.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <array>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/json.hpp>
#include <deque>
#include <map>
#include <mutex>
// Boost 1.81's Process v2 uses boost::optional and <type_traits> without including them when
// BOOST_PROCESS_USE_STD_FS is set (esbuild_bridge/child.cc says the same); include them first.
#include <boost/optional.hpp>
#include <type_traits>
// clang-format off
#include <boost/asio/readable_pipe.hpp>
#include <boost/asio/writable_pipe.hpp>
#include <boost/process/v2/process.hpp>
#include <boost/process/v2/start_dir.hpp>
#include <boost/process/v2/stdio.hpp>
// clang-format on

namespace hr::orch {

namespace asio = boost::asio;
namespace bp = boost::process::v2;
namespace json = boost::json;
namespace fs = std::filesystem;

struct PostcssWorker::Proc {
  explicit Proc(asio::io_context& io) : in(io), out(io), err(io) {}
  struct Pending {
    esbuild::Callback<PostcssOutput> done;
    std::shared_ptr<asio::steady_timer> timer;
  };
  PostcssWorker* owner = nullptr;  // null once the worker object is gone
  asio::writable_pipe in;
  asio::readable_pipe out;
  asio::readable_pipe err;
  std::unique_ptr<bp::basic_process<asio::any_io_executor>> process;
  std::map<std::uint64_t, Pending> pending;
  std::deque<std::string> writes;
  bool writing = false;
  bool gone = false;
  std::array<char, 64 * 1024> buf{};
  std::array<char, 4096> err_buf{};
  std::string line, err_line, err_tail;
};

namespace {

std::string str(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->get_string()) : std::string();
}

int num(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v && v->is_number() ? static_cast<int>(v->to_number<double>()) : 0;
}

// PostCSS counts columns from 1; esbuild's messages, which the overlay shows, from 0.
esbuild::Message message_of(const json::object& o) {
  esbuild::Message m = esbuild::message_at(str(o, "file"), str(o, "message"), num(o, "line"),
                                           std::max(0, num(o, "column") - 1));
  m.plugin_name = "postcss";
  return m;
}

PostcssOutput output_of(const json::object& o) {
  PostcssOutput out;
  if (const auto* e = o.if_contains("error"); e && e->is_object()) {
    out.error = message_of(e->get_object());
    return out;
  }
  out.css = str(o, "css");
  if (const auto* deps = o.if_contains("deps"); deps && deps->is_array()) {
    for (const auto& d : deps->get_array())
      if (d.is_object())
        out.deps.push_back(
            {str(d.get_object(), "file"), str(d.get_object(), "dir"), str(d.get_object(), "glob")});
  }
  if (const auto* ws = o.if_contains("warnings"); ws && ws->is_array()) {
    for (const auto& w : ws->get_array())
      if (w.is_object()) out.warnings.push_back(message_of(w.get_object()));
  }
  return out;
}

}  // namespace

PostcssWorker::PostcssWorker(asio::io_context& io, Options options)
    : io_(io), options_(std::move(options)) {}

PostcssWorker::~PostcssWorker() {
  if (!proc_) return;
  // Handlers still queued on the io_context hold the Proc; they must not call back into us.
  proc_->owner = nullptr;
  for (auto& [id, p] : proc_->pending)
    if (p.timer) p.timer->cancel();
  proc_->pending.clear();
  boost::system::error_code ec;
  proc_->in.close(ec);
  if (proc_->process && proc_->process->id() > 0) ::kill(proc_->process->id(), SIGKILL);
}

int PostcssWorker::pid() const {
  return proc_ && proc_->process ? proc_->process->id() : -1;
}

Result<std::string> PostcssWorker::find_node() {
  const char* path = std::getenv("PATH");
  std::string_view dirs = path ? path : "/usr/local/bin:/usr/bin:/bin";
  while (!dirs.empty()) {
    const size_t colon = dirs.find(':');
    const fs::path candidate = fs::path(dirs.substr(0, colon)) / "node";
    if (::access(candidate.c_str(), X_OK) == 0) return candidate.string();
    dirs = colon == std::string_view::npos ? "" : dirs.substr(colon + 1);
  }
  return fail("the app has a PostCSS config, and running it needs node: no node on PATH");
}

Result<bool> PostcssWorker::start() {
  // A write to the pipe of a worker that just died would raise SIGPIPE and kill this process.
  static std::once_flag ignore_sigpipe;
  std::call_once(ignore_sigpipe, [] { ::signal(SIGPIPE, SIG_IGN); });
  if (options_.node.empty()) {
    auto node = find_node();
    if (!node) return node.error();
    options_.node = *node;
  }
  auto proc = std::make_shared<Proc>(io_);
  const std::vector<std::string> args{"--input-type=module", "--eval", options_.script,
                                      options_.root.string()};
  try {
    // Its working directory is the app root: Tailwind scans from there (its `base`).
    proc->process = std::make_unique<bp::basic_process<asio::any_io_executor>>(
        io_.get_executor(), options_.node, args, bp::process_start_dir{options_.root.string()},
        bp::process_stdio{proc->in, proc->out, proc->err});
  } catch (const boost::system::system_error& e) {
    // Boost.Process reports a failed exec as an exception; here it becomes a value.
    return fail("cannot start the PostCSS worker (" + options_.node + "): " + e.code().message());
  }
  spdlog::info("postcss: worker started (pid {})", proc->process->id());
  proc->owner = this;
  proc_ = proc;
  read_stdout(proc);
  read_stderr(proc);
  return true;
}

void PostcssWorker::process(const std::string& file, std::string css,
                            esbuild::Callback<PostcssOutput> done) {
  if (!proc_) {
    if (auto started = start(); !started) return done(started.error());
  }
  const std::uint64_t id = next_id_++;
  auto proc = proc_;
  proc->pending[id] = {std::move(done), nullptr};
  arm_timer(proc, id);
  proc->writes.push_back(
      json::serialize(json::object{{"id", id}, {"file", file}, {"css", std::move(css)}}) + "\n");
  if (!proc->writing) write_next(proc);
}

void PostcssWorker::write_next(std::shared_ptr<Proc> proc) {
  proc->writing = !proc->writes.empty() && !proc->gone;
  if (!proc->writing) return;
  asio::async_write(
      proc->in, asio::buffer(proc->writes.front()), [proc](boost::system::error_code ec, size_t) {
        if (ec) {
          proc->writing = false;
          if (proc->owner)
            proc->owner->lost(proc, "writing to the PostCSS worker failed: " + ec.message());
          return;
        }
        proc->writes.pop_front();
        write_next(proc);
      });
}

void PostcssWorker::arm_timer(std::shared_ptr<Proc> proc, std::uint64_t id) {
  auto timer = std::make_shared<asio::steady_timer>(io_, options_.timeout);
  proc->pending[id].timer = timer;
  const auto ms = options_.timeout.count();
  timer->async_wait([proc, id, ms](boost::system::error_code ec) {
    if (ec || proc->gone || !proc->owner || !proc->pending.count(id)) return;
    proc->owner->lost(proc, "the PostCSS worker did not answer within " + std::to_string(ms) +
                                " ms; it was stopped");
  });
}

void PostcssWorker::read_stdout(std::shared_ptr<Proc> proc) {
  proc->out.async_read_some(
      asio::buffer(proc->buf), [proc](boost::system::error_code ec, size_t n) {
        if (!proc->owner || proc->gone) return;
        if (ec) return proc->owner->lost(proc, "the PostCSS worker exited");
        proc->line.append(proc->buf.data(), n);
        size_t start = 0;
        for (size_t nl; (nl = proc->line.find('\n', start)) != std::string::npos; start = nl + 1) {
          proc->owner->on_line(*proc, std::string_view(proc->line).substr(start, nl - start));
          if (!proc->owner || proc->gone) return;
        }
        proc->line.erase(0, start);
        proc->owner->read_stdout(proc);
      });
}

void PostcssWorker::read_stderr(std::shared_ptr<Proc> proc) {
  proc->err.async_read_some(
      asio::buffer(proc->err_buf), [proc](boost::system::error_code ec, size_t n) {
        if (ec) return;
        proc->err_line.append(proc->err_buf.data(), n);
        for (size_t nl; (nl = proc->err_line.find('\n')) != std::string::npos;) {
          const std::string line = proc->err_line.substr(0, nl);
          proc->err_line.erase(0, nl + 1);
          if (line.find_first_not_of(" \t") == std::string::npos) continue;
          spdlog::warn("postcss: {}", line);
          constexpr size_t kTail = 1024;
          proc->err_tail += (proc->err_tail.empty() ? "" : " | ") + line;
          if (proc->err_tail.size() > kTail) proc->err_tail.erase(0, proc->err_tail.size() - kTail);
        }
        if (proc->owner) proc->owner->read_stderr(proc);
      });
}

void PostcssWorker::on_line(Proc& proc, std::string_view line) {
  boost::system::error_code ec;
  json::value v = json::parse(line, ec);
  const json::value* id = ec || !v.is_object() ? nullptr : v.get_object().if_contains("id");
  auto it = id && id->is_number() ? proc.pending.find(id->to_number<std::uint64_t>())
                                  : proc.pending.end();
  if (it == proc.pending.end()) {
    spdlog::warn("postcss: the worker wrote a line that answers no request: {:.200}", line);
    return;
  }
  auto pending = std::move(it->second);
  proc.pending.erase(it);
  if (pending.timer) pending.timer->cancel();
  pending.done(output_of(v.get_object()));
}

void PostcssWorker::lost(std::shared_ptr<Proc> proc, std::string reason) {
  if (proc->gone) return;
  proc->gone = true;
  if (proc_ == proc) proc_.reset();  // the next request starts a new worker
  const int pid = proc->process ? proc->process->id() : -1;
  if (pid > 0) ::kill(pid, SIGKILL);  // a worker we gave up on must not linger
  auto pending = std::move(proc->pending);
  proc->pending.clear();
  for (auto& [id, p] : pending)
    if (p.timer) p.timer->cancel();
  proc->process->async_wait(
      [proc, pending = std::move(pending), reason](boost::system::error_code, int code) mutable {
        std::string why = reason;
        if (code != 0) why += " (exit status " + std::to_string(code) + ")";
        if (!proc->err_tail.empty()) why += ": " + proc->err_tail;
        spdlog::warn("postcss: {}; the next stylesheet starts a new worker", why);
        if (!proc->owner) return;
        for (auto& [id, p] : pending) p.done(fail(why));
      });
}

}  // namespace hr::orch

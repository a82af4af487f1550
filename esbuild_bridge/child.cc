#include "esbuild_bridge/child.h"

#include <signal.h>

#include <fcntl.h>
#include <linux/close_range.h>
#include <spdlog/spdlog.h>
#include <unistd.h>
#include <algorithm>
#include <mutex>

#include <boost/asio/write.hpp>
// Boost 1.81's Process v2 uses boost::optional and <type_traits> without including them when
// BOOST_PROCESS_USE_STD_FS is set (to avoid linking Boost.Filesystem); include them first.
#include <boost/optional.hpp>
#include <type_traits>
// clang-format off
#include <boost/process/v2/process.hpp>
#include <boost/process/v2/stdio.hpp>
// clang-format on

namespace hr::esbuild {

namespace asio = boost::asio;
namespace bp = boost::process::v2;

namespace {

// Marks every descriptor above stdio close-on-exec in the forked child. Boost.Process 1.81 means
// to close them, but its Linux close_all() (close_handles.ipp) compares each whitelisted fd with
// itself and so closes only those above the last one it keeps (its own error pipe): a child
// started after the server listens (esbuild restarted while serving) inherited the HTTP and
// control sockets, and held them after the server died. Close-on-exec rather than close keeps
// Boost's error pipe working until the exec.
struct CloseOnExec {
  template <class Launcher>
  boost::system::error_code on_exec_setup(Launcher&, const bp::filesystem::path&,
                                          const char* const*&) {
    if (::close_range(3, ~0U, CLOSE_RANGE_CLOEXEC) != 0) {
      const long max = std::min(::sysconf(_SC_OPEN_MAX), 65536L);
      for (int fd = 3; fd < max; ++fd) ::fcntl(fd, F_SETFD, FD_CLOEXEC);
    }
    return {};
  }
};

// This process's environment with `overrides` ("NAME=value") replacing or adding entries.
std::vector<std::string> with_overrides(const std::vector<std::string>& overrides) {
  std::vector<std::string> out;
  for (char** e = environ; *e; ++e) {
    const std::string_view entry(*e);
    const auto name = entry.substr(0, entry.find('=') + 1);
    const bool replaced = std::any_of(overrides.begin(), overrides.end(),
                                      [&](const std::string& o) { return o.starts_with(name); });
    if (!replaced) out.emplace_back(entry);
  }
  out.insert(out.end(), overrides.begin(), overrides.end());
  return out;
}

// A launcher initializer giving the child its own environment. (Boost 1.81's
// process_environment header does not compile: it names remove_pointer unqualified.)
struct ChildEnvironment {
  explicit ChildEnvironment(std::vector<std::string> entries) : strings(std::move(entries)) {
    for (const auto& s : strings) pointers.push_back(s.c_str());
    pointers.push_back(nullptr);
  }
  template <class Launcher, class Path, class Argv>
  boost::system::error_code on_setup(Launcher& launcher, const Path&, Argv&&) const {
    launcher.env = pointers.data();
    return {};
  }
  std::vector<std::string> strings;
  std::vector<const char*> pointers;
};

}  // namespace

Child::Child(asio::io_context& io, Handlers handlers)
    : io_(io), handlers_(std::move(handlers)), stdin_(io), stdout_(io), stderr_(io) {}

Child::~Child() {
  if (process_ && !exited_) kill();
}

Result<std::shared_ptr<Child>> Child::spawn(asio::io_context& io, const std::string& binary,
                                            const std::vector<std::string>& args,
                                            const std::vector<std::string>& env,
                                            Handlers handlers) {
  // A write to the pipe of a child that just died raises SIGPIPE, which would kill this whole
  // process; ignored, the write fails with EPIPE and the child's death is an error value.
  static std::once_flag ignore_sigpipe;
  std::call_once(ignore_sigpipe, [] { ::signal(SIGPIPE, SIG_IGN); });
  std::shared_ptr<Child> child(new Child(io, std::move(handlers)));
  const ChildEnvironment environment(with_overrides(env));
  try {
    child->process_ = std::make_unique<bp::basic_process<asio::any_io_executor>>(
        io.get_executor(), binary, args, environment,
        bp::process_stdio{child->stdin_, child->stdout_, child->stderr_}, CloseOnExec{});
  } catch (const boost::system::system_error& e) {
    // Boost.Process reports a failed exec as an exception; this is the edge where it becomes a
    // value.
    return fail("cannot start esbuild at " + binary + ": " + e.code().message());
  }
  spdlog::debug("esbuild: started {} (pid {})", binary, child->pid());
  child->read_stdout();
  child->read_stderr();
  return child;
}

int Child::pid() const {
  return process_ ? process_->id() : -1;
}

void Child::write(std::string packet) {
  if (exited_) return;
  out_.push_back(std::move(packet));
  if (!writing_) write_next();
}

void Child::write_next() {
  if (out_.empty() || exited_) {
    writing_ = false;
    return;
  }
  writing_ = true;
  asio::async_write(stdin_, asio::buffer(out_.front()),
                    [self = shared_from_this()](boost::system::error_code ec, size_t) {
                      if (ec) return self->finish("writing to esbuild failed: " + ec.message());
                      self->out_.pop_front();
                      self->write_next();
                    });
}

void Child::close_stdin() {
  boost::system::error_code ec;
  stdin_.close(ec);
}

void Child::kill() {
  if (process_ && pid() > 0) ::kill(pid(), SIGKILL);
}

void Child::read_stdout() {
  stdout_.async_read_some(asio::buffer(read_buf_), [self = shared_from_this()](
                                                       boost::system::error_code ec, size_t n) {
    if (ec)
      return self->finish(ec == asio::error::eof ? "esbuild closed its output (it exited)"
                                                 : "reading from esbuild failed: " + ec.message());
    self->framer_.feed(std::string_view(self->read_buf_.data(), n));
    std::string body;
    for (;;) {
      auto status = self->framer_.next(body);
      if (status == PacketFramer::Status::NeedMore) break;
      if (status == PacketFramer::Status::Bad) {
        return self->finish("esbuild sent a corrupt packet length; stream abandoned");
      }
      if (self->exited_) return;
      self->handlers_.on_packet(std::move(body));
    }
    self->read_stdout();
  });
}

void Child::read_stderr() {
  stderr_.async_read_some(
      asio::buffer(err_buf_), [self = shared_from_this()](boost::system::error_code ec, size_t n) {
        if (ec) {
          if (!self->err_line_.empty()) spdlog::warn("esbuild: {}", self->err_line_);
          return;
        }
        self->err_line_.append(self->err_buf_.data(), n);
        for (size_t nl; (nl = self->err_line_.find('\n')) != std::string::npos;) {
          self->remember_stderr(self->err_line_.substr(0, nl));
          spdlog::warn("esbuild: {}", self->err_line_.substr(0, nl));
          self->err_line_.erase(0, nl + 1);
        }
        self->read_stderr();
      });
}

void Child::remember_stderr(const std::string& line) {
  constexpr size_t kTail = 2048;
  if (line.find_first_not_of(" \t") == std::string::npos) return;
  if (!err_tail_.empty()) err_tail_ += " | ";
  err_tail_ += line;
  if (err_tail_.size() > kTail) err_tail_.erase(0, err_tail_.size() - kTail);
}

void Child::finish(std::string reason) {
  if (exited_) return;
  exited_ = true;
  out_.clear();
  kill();  // a child whose stream we gave up on must not linger
  auto self = shared_from_this();
  process_->async_wait([self, reason](boost::system::error_code, int code) {
    std::string why = reason;
    if (code != 0) why += " (exit status " + std::to_string(code) + ")";
    spdlog::debug("esbuild: pid {} gone: {}", self->pid(), why);
    if (self->handlers_.on_exit) self->handlers_.on_exit(why);
  });
}

}  // namespace hr::esbuild

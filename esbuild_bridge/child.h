// The esbuild child process and its three pipes, on the caller's Asio event loop (Boost.Process
// v2). It writes whole packets to stdin in order, splits stdout into packet bodies with
// PacketFramer, sends stderr to the log line by line, and reports once when the child is gone:
// stdout closed, a corrupt stream, or a failed write all end in one `on_exit` with a reason a
// person can act on.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/readable_pipe.hpp>
#include <boost/asio/writable_pipe.hpp>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/result.h"
#include "esbuild_bridge/codec.h"

namespace boost::process::v2 {
template <typename Executor>
class basic_process;
}

namespace hr::esbuild {

class Child : public std::enable_shared_from_this<Child> {
 public:
  struct Handlers {
    std::function<void(std::string body)> on_packet;
    std::function<void(std::string reason)> on_exit;
  };

  // `env`: "NAME=value" entries set for the child on top of this process's environment.
  static Result<std::shared_ptr<Child>> spawn(boost::asio::io_context& io,
                                              const std::string& binary,
                                              const std::vector<std::string>& args,
                                              const std::vector<std::string>& env,
                                              Handlers handlers);
  ~Child();

  void write(std::string packet);
  // Closes stdin: esbuild takes EOF as "the host is done" and exits once idle.
  void close_stdin();
  // SIGKILL, for a child that will not stop.
  void kill();
  int pid() const;
  bool alive() const { return !exited_; }
  // The last lines esbuild wrote to stderr: why it refused to start, when it did.
  const std::string& stderr_tail() const { return err_tail_; }

 private:
  Child(boost::asio::io_context& io, Handlers handlers);
  void read_stdout();
  void read_stderr();
  void write_next();
  void finish(std::string reason);
  void remember_stderr(const std::string& line);

  boost::asio::io_context& io_;
  Handlers handlers_;
  boost::asio::writable_pipe stdin_;
  boost::asio::readable_pipe stdout_;
  boost::asio::readable_pipe stderr_;
  std::unique_ptr<boost::process::v2::basic_process<boost::asio::any_io_executor>> process_;
  PacketFramer framer_;
  std::deque<std::string> out_;
  std::array<char, 64 * 1024> read_buf_{};
  std::array<char, 4096> err_buf_{};
  std::string err_line_;
  std::string err_tail_;
  bool writing_ = false;
  bool exited_ = false;
};

}  // namespace hr::esbuild

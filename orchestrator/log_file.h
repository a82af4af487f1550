// The server's log file, capped: spdlog's lines are written to it, and the process's stdout and
// stderr point at it too, so whatever else the process prints (a sanitizer's report, an abort
// message) lands beside the log lines rather than in a pipe nobody reads. Past `max_bytes` the
// file becomes FILE.1 (replacing the older one) and a new FILE starts, so a flood of log lines
// costs at most twice the cap on disk.
//
// spdlog's own rotating_file_sink rotates its file but cannot move descriptors 1 and 2 with it,
// which is why this small sink exists.
#pragma once

#include <spdlog/sinks/base_sink.h>

#include <cstddef>
#include <filesystem>
#include <memory>
#include <mutex>

#include "common/result.h"

namespace hr::orch {

class LogFileSink : public spdlog::sinks::base_sink<std::mutex> {
 public:
  static constexpr std::size_t kDefaultMaxBytes = 10 << 20;
  // Opens (appends to) `path`; with `std_streams`, points stdout and stderr at it too.
  static Result<std::shared_ptr<LogFileSink>> open(std::filesystem::path path,
                                                   std::size_t max_bytes, bool std_streams);
  ~LogFileSink() override;

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override;
  void flush_() override {}

 private:
  LogFileSink(std::filesystem::path path, std::size_t max_bytes, bool std_streams)
      : path_(std::move(path)), max_bytes_(max_bytes), std_streams_(std_streams) {}
  void take(int fd);
  void rotate();

  std::filesystem::path path_;
  std::size_t max_bytes_;
  bool std_streams_;
  int fd_ = -1;
  std::size_t size_ = 0;
};

// Makes `path` the default logger's only destination (keeping the level); used by `serve
// --log-file`.
Result<void> log_to_file(const std::filesystem::path& path);

}  // namespace hr::orch

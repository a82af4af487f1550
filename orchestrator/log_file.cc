#include "orchestrator/log_file.h"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace hr::orch {

namespace {

Result<int> open_append(const std::filesystem::path& path) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) return fail("cannot open the log " + path.string() + ": " + std::strerror(errno));
  return fd;
}

std::size_t size_of(int fd) {
  struct stat st {};
  return ::fstat(fd, &st) == 0 ? static_cast<std::size_t>(st.st_size) : 0;
}

}  // namespace

Result<std::shared_ptr<LogFileSink>> LogFileSink::open(std::filesystem::path path,
                                                       std::size_t max_bytes, bool std_streams) {
  auto fd = open_append(path);
  if (!fd) return fd.error();
  std::shared_ptr<LogFileSink> sink(new LogFileSink(std::move(path), max_bytes, std_streams));
  sink->take(*fd);
  return sink;
}

LogFileSink::~LogFileSink() {
  if (fd_ >= 0) ::close(fd_);
}

void LogFileSink::take(int fd) {
  if (fd_ >= 0) ::close(fd_);
  fd_ = fd;
  size_ = size_of(fd);
  if (std_streams_) {
    ::dup2(fd, 1);
    ::dup2(fd, 2);
  }
}

void LogFileSink::sink_it_(const spdlog::details::log_msg& msg) {
  spdlog::memory_buf_t line;
  formatter_->format(msg, line);
  const char* p = line.data();
  std::size_t left = line.size();
  while (left > 0) {
    const ssize_t n = ::write(fd_, p, left);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;  // a full disk: the line is dropped, the server goes on
    p += n;
    left -= static_cast<std::size_t>(n);
  }
  size_ += line.size();
  if (size_ >= max_bytes_) rotate();
}

void LogFileSink::rotate() {
  std::filesystem::path old = path_;
  old += ".1";
  std::error_code ec;
  std::filesystem::rename(path_, old, ec);
  auto fd = ec ? Result<int>(fail(ec.message())) : open_append(path_);
  // Rotation failed (say the folder became read-only): keep appending, try again a cap later.
  if (fd) return take(*fd);
  size_ = 0;
}

Result<void> log_to_file(const std::filesystem::path& path) {
  auto sink = LogFileSink::open(path, LogFileSink::kDefaultMaxBytes, true);
  if (!sink) return sink.error();
  auto logger = std::make_shared<spdlog::logger>("", *sink);
  logger->set_level(spdlog::default_logger()->level());
  spdlog::set_default_logger(std::move(logger));
  return {};
}

}  // namespace hr::orch

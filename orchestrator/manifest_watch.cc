#include "orchestrator/manifest_watch.h"

#include <sys/inotify.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace hr::orch {

namespace {

bool same_time(const timespec& a, const timespec& b) {
  return a.tv_sec == b.tv_sec && a.tv_nsec == b.tv_nsec;
}

constexpr uint32_t kWritten = IN_CLOSE_WRITE | IN_MOVED_TO;
constexpr uint32_t kTouched =
    kWritten | IN_MODIFY | IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_ATTRIB;
// The folder itself going away ends the watch.
constexpr uint32_t kGone = IN_DELETE_SELF | IN_MOVE_SELF | IN_IGNORED | IN_UNMOUNT;

}  // namespace

bool FileStamp::operator==(const FileStamp& o) const {
  return dev == o.dev && ino == o.ino && size == o.size && same_time(mtime, o.mtime) &&
         same_time(ctime, o.ctime);
}

std::optional<FileStamp> stamp_of(const std::filesystem::path& file) {
  struct stat st {};
  if (::stat(file.c_str(), &st) != 0) return std::nullopt;
  return FileStamp{st.st_dev, st.st_ino, st.st_size, st.st_mtim, st.st_ctim};
}

ManifestWatch::ManifestWatch(boost::asio::io_context& io, std::filesystem::path manifest,
                             std::function<void()> written)
    : descriptor_(io), manifest_(std::move(manifest)), written_(std::move(written)) {}

ManifestWatch::~ManifestWatch() {
  boost::system::error_code ignored;
  descriptor_.close(ignored);
}

Result<void> ManifestWatch::start() {
  boost::system::error_code ignored;
  descriptor_.close(ignored);  // a watch that ended (its folder went away) starts afresh
  // Writes through a symlink land on its target: watch the target's folder.
  std::error_code ec;
  const auto real = std::filesystem::canonical(manifest_, ec);
  watched_ = ec ? manifest_ : real;
  const auto dir =
      watched_.parent_path().empty() ? std::filesystem::path(".") : watched_.parent_path();
  const int fd = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (fd < 0) return fail(std::string("inotify: ") + std::strerror(errno));
  if (::inotify_add_watch(fd, dir.c_str(), kTouched | IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR) <
      0) {
    const std::string why = std::strerror(errno);
    ::close(fd);
    return fail("cannot watch " + dir.string() + ": " + why);
  }
  descriptor_.assign(fd);
  wait();
  return {};
}

std::uint64_t ManifestWatch::generation() {
  if (watching()) drain();
  return generation_;
}

void ManifestWatch::wait() {
  descriptor_.async_wait(boost::asio::posix::descriptor_base::wait_read,
                         [this](boost::system::error_code ec) {
                           if (ec) return;
                           const bool written = drain();
                           if (!watching()) return;
                           wait();
                           if (written) written_();
                         });
}

bool ManifestWatch::drain() {
  alignas(inotify_event) char buf[16 * 1024];
  const std::string name = watched_.filename().string();
  bool written = false;
  for (;;) {
    const ssize_t n = ::read(descriptor_.native_handle(), buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno != EAGAIN) ++generation_;  // events may be lost: count it as a change
    if (n <= 0) break;
    for (ssize_t at = 0; at < n;) {
      const auto* e = reinterpret_cast<const inotify_event*>(buf + at);
      at += static_cast<ssize_t>(sizeof(inotify_event) + e->len);
      if (e->mask & IN_Q_OVERFLOW) {
        ++generation_;  // events were lost: whatever was read ahead may be stale
      } else if (e->mask & kGone) {
        ++generation_;
        boost::system::error_code ignored;
        descriptor_.close(ignored);  // no read ahead until start() watches again
        return false;
      } else if (e->len > 0 && name == e->name) {
        ++generation_;
        written = written || (e->mask & kWritten);
      }
    }
  }
  return written;
}

}  // namespace hr::orch

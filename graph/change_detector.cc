#include "graph/change_detector.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

#include <cerrno>
#include <chrono>
#include <cstring>

namespace hr::graph {
namespace {

int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

bool racy(const FileState& s) {
  return s.stamp.mtime_ns + ChangeDetector::kRacyWindowNs > s.hashed_at_ns;
}

}  // namespace

ChangeDetector::Probe ChangeDetector::probe(const char* path, const FileState& prev) {
  Probe out;
  struct stat st;
  ++stats_;
  if (::stat(path, &st) != 0) {
    out.outcome = (errno == ENOENT || errno == ENOTDIR) ? Outcome::missing : Outcome::unreadable;
    out.error = std::strerror(errno);
    out.state = prev;
    return out;
  }
  if (!S_ISREG(st.st_mode)) {
    out.outcome = Outcome::unreadable;
    out.error = "not a regular file";
    out.state = prev;
    return out;
  }
  FileStamp stamp{static_cast<uint64_t>(st.st_size),
                  static_cast<int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec};
  if (prev.known && stamp == prev.stamp && !racy(prev)) {
    out.state = prev;
    return out;
  }
  // The stat moved (or cannot be trusted): the bytes decide.
  out.state.stamp = stamp;
  out.state.hashed_at_ns = now_ns();
  if (!read_and_hash(path, out.state.hash, out.error)) {
    out.outcome = Outcome::unreadable;
    out.state = prev;
    return out;
  }
  out.state.known = true;
  bool same = prev.known && prev.hash == out.state.hash;
  out.outcome = same ? Outcome::unchanged : Outcome::changed;
  return out;
}

void ChangeDetector::list_folders_of(const std::vector<std::string>& paths) {
  constexpr size_t kListAtLeast = 8;  // below that, a stat each costs less than a listing
  tsl::robin_map<std::string_view, size_t> in_folder;
  for (std::string_view p : paths) ++in_folder[p.substr(0, p.rfind('/') + 1)];
  for (const auto& [folder, count] : in_folder) {
    if (count < kListAtLeast || folder.empty()) continue;
    const std::string dir(folder);
    DIR* d = ::opendir(dir.c_str());
    if (!d) continue;  // exists() stats each, and says why
    auto& regular = listed_[dir];
    while (const dirent* e = ::readdir(d))
      if (e->d_type == DT_REG) regular.emplace(e->d_name);
    ::closedir(d);
  }
}

bool ChangeDetector::listed_regular(std::string_view path) const {
  if (listed_.empty()) return false;
  const size_t slash = path.rfind('/') + 1;
  auto it = listed_.find(std::string(path.substr(0, slash)));
  return it != listed_.end() && it->second.contains(std::string(path.substr(slash)));
}

bool ChangeDetector::exists(const char* path, std::string& error) {
  if (listed_regular(path)) return true;
  struct stat st;
  ++stats_;
  if (::stat(path, &st) != 0) {
    error = std::strerror(errno);
    return false;
  }
  if (!S_ISREG(st.st_mode)) {
    error = "not a regular file";
    return false;
  }
  return true;
}

uint64_t content_hash(std::string_view bytes) {
  return XXH3_64bits(bytes.data(), bytes.size());
}

bool ChangeDetector::read_and_hash(const char* path, uint64_t& hash, std::string& error) {
  ++reads_;
  if (read_hook_) read_hook_(path);
  int fd = ::open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    error = std::strerror(errno);
    return false;
  }
  XXH3_state_t* state = XXH3_createState();
  XXH3_64bits_reset(state);
  if (buf_.empty()) buf_.resize(256 * 1024);
  bool ok = true;
  for (;;) {
    ssize_t n = ::read(fd, buf_.data(), buf_.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      error = std::strerror(errno);
      ok = false;
      break;
    }
    if (n == 0) break;
    XXH3_64bits_update(state, buf_.data(), static_cast<size_t>(n));
  }
  ::close(fd);
  hash = XXH3_64bits_digest(state);
  XXH3_freeState(state);
  return ok;
}

}  // namespace hr::graph

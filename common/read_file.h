// Reading a whole file: the one helper every folder uses (module sources, styles, lockfiles,
// npm package files, the server's public folder, the server log). Errors name the file.
#pragma once

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <string>

#include "common/result.h"

namespace hr {

// In one read of the size the file has when opened (a warm restart reads thousands of module
// cache entries this way); a file that reports no size (a pipe, /proc) is read to its end.
// POSIX calls, not an ifstream: its buffer, locale and stream state cost more than the read for
// the small files that are most of what a restart reads.
inline Result<std::string> read_file(const std::filesystem::path& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return fail("cannot read " + path.string() + ": " + std::strerror(errno));
  struct stat st {};
  const bool sized = ::fstat(fd, &st) == 0 && st.st_size > 0;
  std::string bytes(sized ? static_cast<size_t>(st.st_size) : 4096, '\0');
  size_t have = 0;
  int error = 0;
  for (;;) {
    if (have == bytes.size()) {
      if (sized) break;  // the size it had when opened: what was appended since is not read
      bytes.resize(bytes.size() * 2);
    }
    const ssize_t n = ::read(fd, bytes.data() + have, bytes.size() - have);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) error = errno;
    if (n <= 0) break;  // the end (cut short meanwhile: what is there), or an error
    have += static_cast<size_t>(n);
  }
  ::close(fd);
  if (error) return fail("cannot read " + path.string() + ": " + std::strerror(error));
  bytes.resize(have);
  return bytes;
}

// The file's bytes, or "" when it cannot be read (for files whose absence means "empty").
inline std::string read_file_or_empty(const std::filesystem::path& path) {
  auto bytes = read_file(path);
  return bytes ? std::move(*bytes) : std::string();
}

}  // namespace hr

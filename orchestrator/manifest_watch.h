// ManifestWatch: tells when the manifest file was written, so the server can read it before the
// compiler's call arrives, and whether it changed since.
//
// The compiler writes the manifest, then starts `hr-orchestrate`: starting a process takes a few
// milliseconds, reading a 10,000-module manifest about one. Read ahead on the write, the manifest
// is ready when the call comes. This is only an optimisation and never decides what is served: the
// call drains the inotify events queued by then, and any write seen since the read ahead (or a
// different stat stamp, or lost events) means the file is read again. A file system that sends no
// inotify events simply never reads ahead.
#pragma once

#include <sys/stat.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>

#include "common/result.h"

namespace hr::orch {

// What stat(2) says of a file; equal stamps before and after a read mean nothing replaced or
// resized it meanwhile.
struct FileStamp {
  dev_t dev = 0;
  ino_t ino = 0;
  off_t size = 0;
  timespec mtime{}, ctime{};
  bool operator==(const FileStamp& o) const;
};
std::optional<FileStamp> stamp_of(const std::filesystem::path& file);

class ManifestWatch {
 public:
  // `written` runs once the manifest was written completely (closed after writing, or renamed into
  // place).
  ManifestWatch(boost::asio::io_context& io, std::filesystem::path manifest,
                std::function<void()> written);
  ~ManifestWatch();

  // Watches the manifest's folder (its target's, for a symlink); an error leaves the watch off (no
  // read ahead). Called again after the folder went away, it watches the new one.
  Result<void> start();

  // Counts every event that touched the manifest (and every loss of events), after reading the
  // ones queued now: a read ahead made at one generation is current while it stays the same.
  std::uint64_t generation();
  bool watching() const { return descriptor_.is_open(); }

 private:
  void wait();
  bool drain();  // true when a complete write was seen

  boost::asio::posix::stream_descriptor descriptor_;
  std::filesystem::path manifest_;
  std::filesystem::path watched_;  // the manifest, symlinks resolved
  std::function<void()> written_;
  std::uint64_t generation_ = 0;
};

}  // namespace hr::orch

// Reading a whole file: the one helper every folder uses (module sources, styles, lockfiles,
// npm package files, the server's public folder, the server log). Errors name the file.
#pragma once

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "common/result.h"

namespace hr {

// In one read of the size the file has when opened (a warm restart reads thousands of module
// cache entries this way); a file that reports no size (a pipe, /proc) is read to its end.
inline Result<std::string> read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) return fail("cannot read " + path.string());
  const std::streamoff size = in.tellg();
  in.seekg(0);
  std::string bytes;
  if (size > 0) {
    bytes.resize(static_cast<size_t>(size));
    in.read(bytes.data(), size);
    bytes.resize(static_cast<size_t>(in.gcount()));  // cut short meanwhile: what is there
  } else {
    bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  if (in.bad()) return fail("cannot read " + path.string() + ": read error");
  return bytes;
}

// The file's bytes, or "" when it cannot be read (for files whose absence means "empty").
inline std::string read_file_or_empty(const std::filesystem::path& path) {
  auto bytes = read_file(path);
  return bytes ? std::move(*bytes) : std::string();
}

}  // namespace hr

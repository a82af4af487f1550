// Reading a whole file: the one helper every folder uses (module sources, styles, lockfiles,
// npm package files, the server's public folder, the server log). Errors name the file.
#pragma once

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "common/result.h"

namespace hr {

inline Result<std::string> read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail("cannot read " + path.string());
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) return fail("cannot read " + path.string() + ": read error");
  return bytes;
}

// The file's bytes, or "" when it cannot be read (for files whose absence means "empty").
inline std::string read_file_or_empty(const std::filesystem::path& path) {
  auto bytes = read_file(path);
  return bytes ? std::move(*bytes) : std::string();
}

}  // namespace hr

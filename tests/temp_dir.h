// TempDir: a real folder under /tmp for a test, removed at its end.
#pragma once

#include <stdlib.h>
#include <sys/time.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <string>

namespace hr::test {

namespace fs = std::filesystem;

// A real folder under /tmp, removed at the end of the test.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "hr-test-XXXXXX").string();
    REQUIRE(mkdtemp(tmpl.data()) != nullptr);
    path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }

  void write(const std::string& rel, const std::string& bytes) const {
    fs::path p = path_ / rel;
    fs::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary | std::ios::trunc) << bytes;
  }
  // Sets the mtime to `seconds` since the epoch (long ago: outside the racy window).
  void set_mtime(const std::string& rel, long seconds) const {
    struct timeval tv[2] = {{seconds, 0}, {seconds, 0}};
    REQUIRE(utimes((path_ / rel).c_str(), tv) == 0);
  }

 private:
  fs::path path_;
};

}  // namespace hr::test

// common/read_file.h: a whole file, or an error that names it.
#include "common/read_file.h"

#include "tests/hr_catch.h"

#include "tests/temp_dir.h"

using hr::read_file;

TEST_CASE("read_file reads a file whole, small, empty or larger than one read") {
  hr::test::TempDir dir;
  dir.write("small.js", "export const a = 1;\n");
  dir.write("empty.js", "");
  std::string big(3 << 20, 'x');
  for (size_t i = 0; i < big.size(); i += 4099) big[i] = static_cast<char>('a' + i % 26);
  dir.write("big.js", big);
  CHECK(*read_file(dir.path() / "small.js") == "export const a = 1;\n");
  CHECK(read_file(dir.path() / "empty.js")->empty());
  CHECK(*read_file(dir.path() / "big.js") == big);
}

TEST_CASE("read_file reads a file that reports no size to its end") {
  auto status = read_file("/proc/self/status");
  REQUIRE(status);
  CHECK(status->find("Name:") == 0);
  CHECK(status->find("VmRSS:") != std::string::npos);  // past the first 4 KiB buffer or not
}

TEST_CASE("read_file fails naming the file, for one missing or a folder") {
  hr::test::TempDir dir;
  auto missing = read_file(dir.path() / "gone.js");
  REQUIRE_FALSE(missing);
  CHECK(missing.error().message ==
        "cannot read " + (dir.path() / "gone.js").string() + ": No such file or directory");
  auto folder = read_file(dir.path());
  REQUIRE_FALSE(folder);
  CHECK(folder.error().message.find("Is a directory") != std::string::npos);
}

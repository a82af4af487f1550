#include "orchestrator/checked_file.h"

#include <unistd.h>
#include <xxhash.h>

#include <fstream>

#include "common/hex.h"

namespace hr::orch {

namespace fs = std::filesystem;

namespace {

std::string checksum(std::string_view body) {
  return hex64(XXH3_64bits(body.data(), body.size()));
}

}  // namespace

Result<void> write_checked_file(const fs::path& file, std::string_view format,
                                std::string_view body) {
  std::error_code ec;
  fs::create_directories(file.parent_path(), ec);
  const fs::path temp = file.string() + ".tmp" + std::to_string(::getpid());
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    out << format << ' ' << checksum(body) << '\n' << body;
    if (!out.flush()) {
      fs::remove(temp, ec);
      return fail("cannot write " + temp.string());
    }
  }
  fs::rename(temp, file, ec);
  if (ec) {
    std::error_code ignored;
    fs::remove(temp, ignored);
    return fail("cannot write " + file.string() + ": " + ec.message());
  }
  return {};
}

Result<std::string_view> checked_body(std::string_view text, std::string_view format) {
  const size_t eol = text.find('\n');
  if (eol == std::string_view::npos || !text.starts_with(format) || text.size() <= format.size() ||
      text[format.size()] != ' ')
    return fail("not a file of format \"" + std::string(format) + "\"");
  const std::string_view body = text.substr(eol + 1);
  if (text.substr(format.size() + 1, eol - format.size() - 1) != checksum(body))
    return fail("its checksum does not match (torn or corrupt)");
  return body;
}

}  // namespace hr::orch

// The state files' lines of tab-separated fields: what is written is read back, whatever the
// fields hold.
#include "orchestrator/record_lines.h"

#include <algorithm>
#include <catch2/catch.hpp>

using namespace hr::orch;
using Fields = std::vector<std::string>;

namespace {

std::vector<Fields> read_all(std::string_view body) {
  RecordReader r(body);
  std::vector<Fields> out;
  std::vector<std::string_view> f;
  while (r.next(f)) out.emplace_back(f.begin(), f.end());
  return out;
}

}  // namespace

TEST_CASE("records: fields with tabs, newlines, backslashes and nothing come back as written") {
  const std::vector<Fields> records = {
      {"app/a.jsx", "c:9c1f", "3", "", "utils/b.js"},
      {"tab\there", "new\nline", "back\\slash", "\\t not a tab", "end\\"},
      {""},
      {"last"},
  };
  RecordWriter w;
  for (const auto& r : records) {
    for (const auto& f : r) w.field(f);
    w.end();
  }
  const std::string body = w.take();
  CHECK(body.find("tab\\there") != std::string::npos);  // one line per record
  CHECK(std::count(body.begin(), body.end(), '\n') == 4);
  CHECK(read_all(body) == records);
}

TEST_CASE("records: a record of no fields is not written; a last line without newline is read") {
  RecordWriter w;
  w.end();
  CHECK(w.take().empty());
  CHECK(read_all("a\tb\nc") == std::vector<Fields>{{"a", "b"}, {"c"}});
  CHECK(read_all("").empty());
}

// result.h's error_frame: the overlay's code frame, with the caret on screen on a long line.
#include "tests/hr_catch.h"

#include "orchestrator/result.h"

using namespace hr::orch;

namespace {
hr::esbuild::Message at(std::string line_text, int column) {
  hr::esbuild::Message m;
  m.text = "Unexpected \")\"";
  m.location.emplace();
  m.location->file = "app/routes/_index.jsx";
  m.location->line = 12;
  m.location->column = column;
  m.location->line_text = std::move(line_text);
  return m;
}

// The column the caret points at, and the character shown there.
std::pair<size_t, char> caret(const std::string& frame) {
  const size_t nl = frame.find('\n');
  const size_t col = frame.find('^', nl) - nl - 1;
  return {col, frame[col]};
}
}  // namespace

TEST_CASE("a short line is shown whole, the caret under the column") {
  const std::string frame = error_frame(at("const x = (1 +);", 14));
  CHECK(frame == "12 | const x = (1 +);\n   | " + std::string(14, ' ') + "^");
}

TEST_CASE("a long line is cut around the column, so the caret is on screen") {
  std::string line(1200, 'a');
  line[611] = ')';
  const std::string frame = error_frame(at(line, 611));
  const std::string first = frame.substr(0, frame.find('\n'));
  CHECK(first.size() <= kFrameWidth + 12);
  CHECK(first.find("12 | ...") == 0);
  CHECK(first.ends_with("..."));
  auto [col, shown] = caret(frame);
  CHECK(shown == ')');
  CHECK(col < kFrameWidth);
}

TEST_CASE("a long line with the error near its start or end keeps that end") {
  std::string line(500, 'b');
  line[3] = '(';
  auto [col, shown] = caret(error_frame(at(line, 3)));
  CHECK(shown == '(');
  CHECK(error_frame(at(line, 3)).find("12 | bbb(") == 0);
  line[498] = ')';
  const std::string frame = error_frame(at(line, 498));
  CHECK(caret(frame).second == ')');
  CHECK(frame.substr(0, frame.find('\n')).ends_with("b)b"));
}

TEST_CASE("a cut never splits a UTF-8 character") {
  std::string line;
  for (int i = 0; i < 300; ++i) line += "\xC3\xA9";  // é, two bytes
  const std::string frame = error_frame(at(line, 301));
  const std::string first = frame.substr(0, frame.find('\n'));
  const std::string shown = first.substr(std::string("12 | ...").size());
  CHECK((static_cast<unsigned char>(shown[0]) & 0xC0) != 0x80);
  const std::string body = shown.substr(0, shown.size() - 3);
  CHECK((static_cast<unsigned char>(body.back()) & 0xC0) == 0x80);  // ends on a whole é
  CHECK(body.size() % 2 == 0);
}

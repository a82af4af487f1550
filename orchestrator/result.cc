#include "orchestrator/result.h"

#include <fmt/format.h>

#include <algorithm>
#include <boost/json.hpp>

namespace hr::orch {

namespace json = boost::json;

namespace {
bool utf8_continuation(char c) {
  return (static_cast<unsigned char>(c) & 0xC0) == 0x80;
}
}  // namespace

std::string error_frame(const esbuild::Message& e) {
  if (!e.location || e.location->line_text.empty()) return "";
  const std::string& text = e.location->line_text;
  size_t column = std::min<size_t>(std::max(0, e.location->column), text.size());
  // A long line (a compiler's one-line render) is cut around the column, so the caret is on
  // screen: the overlay's frame would otherwise need scrolling to column 611.
  size_t start = 0, end = text.size();
  if (text.size() > kFrameWidth) {
    start = column > kFrameWidth * 3 / 5 ? column - kFrameWidth * 3 / 5 : 0;
    end = std::min(text.size(), start + kFrameWidth);
    while (start > 0 && utf8_continuation(text[start])) --start;
    while (end < text.size() && utf8_continuation(text[end])) ++end;
  }
  const std::string before = start > 0 ? "..." : "", after = end < text.size() ? "..." : "";
  const std::string n = std::to_string(e.location->line);
  return n + " | " + before + text.substr(start, end - start) + after + "\n" +
         std::string(n.size(), ' ') + " | " + std::string(before.size() + column - start, ' ') +
         "^";
}

namespace {

json::array strings(const std::vector<std::string>& v) {
  json::array a;
  for (const auto& s : v) a.emplace_back(s);
  return a;
}
}  // namespace

int RecompileResult::exit_code() const {
  if (!fatal.empty()) return kExitBadManifest;
  if (!server_error.empty()) return kExitServerFailed;
  return errors.empty() ? kExitApplied : kExitCompileErrors;
}

std::string RecompileResult::to_json() const {
  json::object o;
  // First, so the quick call (quick_call.cc) reads it without parsing the rest.
  o["exit"] = exit_code();
  o["build"] = build;
  const std::string& failure = !fatal.empty() ? fatal : server_error;
  o["action"] = failure.empty() ? graph::to_string(action) : std::string_view("error");
  o["reason"] = failure.empty() ? reason : failure;
  if (!failure.empty()) o["error"] = !fatal.empty() ? "manifest" : "server";
  o["changed"] = strings(changed);
  o["rebuilt"] = strings(rebuilt);
  o["boundaries"] = strings(boundaries);
  json::array errs;
  for (const auto& e : errors) {
    json::object err;
    err["file"] = e.location ? e.location->file : "";
    err["line"] = e.location ? e.location->line : 0;
    err["column"] = e.location ? e.location->column : 0;
    err["text"] = e.text;
    errs.push_back(std::move(err));
  }
  o["errors"] = std::move(errs);
  o["clients"] = clients;
  o["merged"] = merged;
  if (timings.applied_ms >= 0) o["acknowledged"] = acknowledged;
  // Timings are spliced in as fixed-point text: Boost.JSON writes doubles in exponent form.
  std::string out = json::serialize(o);
  out.pop_back();
  out += fmt::format(
      R"(,"timings":{{"read":{:.3f},"plan":{:.3f},"esbuild":{:.3f},"push":{:.3f},"total":{:.3f})",
      timings.read_ms, timings.plan_ms, timings.esbuild_ms, timings.push_ms, timings.total_ms);
  if (timings.read_ahead_ms >= 0)
    out += fmt::format(R"(,"read_ahead":{:.3f})", timings.read_ahead_ms);
  if (timings.message_ms >= 0) out += fmt::format(R"(,"message":{:.3f})", timings.message_ms);
  if (timings.applied_ms >= 0) out += fmt::format(R"(,"applied":{:.3f})", timings.applied_ms);
  if (timings.browser_ms >= 0) out += fmt::format(R"(,"browser":{:.3f})", timings.browser_ms);
  return out + "}}";
}

std::string server_failure_json(const std::string& message) {
  RecompileResult r;
  r.server_error = message;
  return r.to_json();
}

}  // namespace hr::orch

#include "esbuild_bridge/value.h"

namespace hr::esbuild {

const Value* Value::find(std::string_view key) const {
  const Map* m = as_map();
  if (!m) return nullptr;
  for (const auto& [k, v] : *m) {
    if (k == key) return &v;
  }
  return nullptr;
}

const std::string* Value::text() const {
  if (const auto* s = as_string()) return s;
  if (const auto* b = as_bytes()) return &b->data;
  return nullptr;
}

namespace {

void append_quoted(std::string& out, const std::string& s) {
  out += '"';
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  out += '"';
}

void render(std::string& out, const Value& v) {
  switch (v.kind()) {
    case Value::Kind::Null:
      out += "null";
      break;
    case Value::Kind::Bool:
      out += *v.as_bool() ? "true" : "false";
      break;
    case Value::Kind::Int:
      out += std::to_string(*v.as_int());
      break;
    case Value::Kind::String:
      append_quoted(out, *v.as_string());
      break;
    case Value::Kind::Bytes:
      out += "<" + std::to_string(v.as_bytes()->data.size()) + " bytes>";
      break;
    case Value::Kind::Array: {
      out += '[';
      const char* sep = "";
      for (const auto& item : *v.as_array()) {
        out += sep;
        render(out, item);
        sep = ",";
      }
      out += ']';
      break;
    }
    case Value::Kind::Map: {
      out += '{';
      const char* sep = "";
      for (const auto& [k, item] : *v.as_map()) {
        out += sep;
        append_quoted(out, k);
        out += ':';
        render(out, item);
        sep = ",";
      }
      out += '}';
      break;
    }
  }
}

}  // namespace

std::string to_debug_string(const Value& v) {
  std::string out;
  render(out, v);
  return out;
}

}  // namespace hr::esbuild

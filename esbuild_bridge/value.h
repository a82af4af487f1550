// The values esbuild's stdio protocol carries: null, bool, 32-bit int, UTF-8 string, bytes, array
// and map. esbuild (Go) type-asserts each field it reads and panics on a wrong type, so the
// distinction between string and bytes matters on the wire (e.g. on-load `contents` must be bytes,
// the transform `code` comes back as a string). Maps keep insertion order: the JS host encodes keys
// in that order, and byte-for-byte comparison with its encoder depends on it.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace hr::esbuild {

class Value;
using Array = std::vector<Value>;
using Map = std::vector<std::pair<std::string, Value>>;

// Bytes are kept apart from strings so the encoder writes the right tag.
struct Bytes {
  std::string data;
  bool operator==(const Bytes&) const = default;
};

class Value {
 public:
  enum class Kind : uint8_t {
    Null = 0,
    Bool = 1,
    Int = 2,
    String = 3,
    Bytes = 4,
    Array = 5,
    Map = 6
  };

  Value() = default;
  Value(std::nullptr_t) {}
  Value(bool b) : v_(b) {}
  Value(int32_t i) : v_(i) {}
  Value(const char* s) : v_(std::string(s)) {}
  Value(std::string s) : v_(std::move(s)) {}
  Value(std::string_view s) : v_(std::string(s)) {}
  Value(Bytes b) : v_(std::move(b)) {}
  Value(Array a) : v_(std::move(a)) {}
  Value(Map m) : v_(std::move(m)) {}

  Kind kind() const { return static_cast<Kind>(v_.index()); }
  bool is_null() const { return kind() == Kind::Null; }

  // Typed access: nullptr when the value is of another kind, so callers never throw.
  const bool* as_bool() const { return std::get_if<bool>(&v_); }
  const int32_t* as_int() const { return std::get_if<int32_t>(&v_); }
  const std::string* as_string() const { return std::get_if<std::string>(&v_); }
  const Bytes* as_bytes() const { return std::get_if<Bytes>(&v_); }
  const Array* as_array() const { return std::get_if<Array>(&v_); }
  const Map* as_map() const { return std::get_if<Map>(&v_); }
  Map* as_map() { return std::get_if<Map>(&v_); }

  // Map lookup: nullptr when this is not a map or has no such key.
  const Value* find(std::string_view key) const;

  // Text of a string or bytes value (esbuild sends file contents as either), else nullptr.
  const std::string* text() const;

  bool operator==(const Value&) const = default;

 private:
  std::variant<std::monostate, bool, int32_t, std::string, Bytes, Array, Map> v_;
};

// Debug rendering, JSON-like; bytes shown as their length.
std::string to_debug_string(const Value& v);

}  // namespace hr::esbuild

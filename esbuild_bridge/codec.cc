#include "esbuild_bridge/codec.h"

#include <cstring>

namespace hr::esbuild {

namespace {

// Deeper nesting than any real esbuild message; bounds recursion on hostile input.
constexpr int kMaxDepth = 64;

void put_u32(std::string& out, uint32_t v) {
  const char b[4] = {static_cast<char>(v), static_cast<char>(v >> 8), static_cast<char>(v >> 16),
                     static_cast<char>(v >> 24)};
  out.append(b, 4);
}

void put_blob(std::string& out, std::string_view s) {
  put_u32(out, static_cast<uint32_t>(s.size()));
  out.append(s);
}

void encode_value(std::string& out, const Value& v) {
  out += static_cast<char>(v.kind());
  switch (v.kind()) {
    case Value::Kind::Null:
      break;
    case Value::Kind::Bool:
      out += static_cast<char>(*v.as_bool() ? 1 : 0);
      break;
    case Value::Kind::Int:
      put_u32(out, static_cast<uint32_t>(*v.as_int()));
      break;
    case Value::Kind::String:
      put_blob(out, *v.as_string());
      break;
    case Value::Kind::Bytes:
      put_blob(out, v.as_bytes()->data);
      break;
    case Value::Kind::Array:
      put_u32(out, static_cast<uint32_t>(v.as_array()->size()));
      for (const auto& item : *v.as_array()) encode_value(out, item);
      break;
    case Value::Kind::Map:
      put_u32(out, static_cast<uint32_t>(v.as_map()->size()));
      for (const auto& [key, item] : *v.as_map()) {
        put_blob(out, key);
        encode_value(out, item);
      }
      break;
  }
}

// A bounds-checked cursor over a packet body.
class Reader {
 public:
  explicit Reader(std::string_view data) : data_(data) {}

  bool u8(uint8_t& v) {
    if (remaining() < 1) return false;
    v = static_cast<uint8_t>(data_[pos_++]);
    return true;
  }
  bool u32(uint32_t& v) {
    if (remaining() < 4) return false;
    const auto* p = reinterpret_cast<const unsigned char*>(data_.data() + pos_);
    v = uint32_t(p[0]) | uint32_t(p[1]) << 8 | uint32_t(p[2]) << 16 | uint32_t(p[3]) << 24;
    pos_ += 4;
    return true;
  }
  bool blob(std::string& out) {
    uint32_t n;
    if (!u32(n) || n > remaining()) return false;
    out.assign(data_.substr(pos_, n));
    pos_ += n;
    return true;
  }
  size_t remaining() const { return data_.size() - pos_; }
  size_t pos() const { return pos_; }

 private:
  std::string_view data_;
  size_t pos_ = 0;
};

Error malformed(const Reader& r, const char* what) {
  return fail("malformed esbuild packet at byte " + std::to_string(r.pos()) + ": " + what);
}

Result<Value> decode_value(Reader& r, int depth);

Result<Value> decode_array(Reader& r, int depth) {
  uint32_t count;
  // Every element takes at least one byte, so a count above what is left is a lie.
  if (!r.u32(count) || count > r.remaining()) return malformed(r, "array count exceeds packet");
  Array items;
  items.reserve(count);
  for (uint32_t i = 0; i < count; ++i) {
    auto item = decode_value(r, depth + 1);
    if (!item) return item.error();
    items.push_back(std::move(*item));
  }
  return Value(std::move(items));
}

Result<Value> decode_map(Reader& r, int depth) {
  uint32_t count;
  // Each entry takes at least a 4-byte key length and a tag.
  if (!r.u32(count) || count > r.remaining() / 5) return malformed(r, "map count exceeds packet");
  Map entries;
  entries.reserve(count);
  for (uint32_t i = 0; i < count; ++i) {
    std::string key;
    if (!r.blob(key)) return malformed(r, "map key length exceeds packet");
    auto item = decode_value(r, depth + 1);
    if (!item) return item.error();
    entries.emplace_back(std::move(key), std::move(*item));
  }
  return Value(std::move(entries));
}

Result<Value> decode_value(Reader& r, int depth) {
  if (depth > kMaxDepth) return malformed(r, "values nested too deeply");
  uint8_t tag;
  if (!r.u8(tag)) return malformed(r, "truncated value");
  switch (static_cast<Value::Kind>(tag)) {
    case Value::Kind::Null:
      return Value();
    case Value::Kind::Bool: {
      uint8_t b;
      if (!r.u8(b)) return malformed(r, "truncated bool");
      return Value(b != 0);
    }
    case Value::Kind::Int: {
      uint32_t n;
      if (!r.u32(n)) return malformed(r, "truncated int");
      return Value(static_cast<int32_t>(n));
    }
    case Value::Kind::String: {
      std::string s;
      if (!r.blob(s)) return malformed(r, "string length exceeds packet");
      return Value(std::move(s));
    }
    case Value::Kind::Bytes: {
      Bytes b;
      if (!r.blob(b.data)) return malformed(r, "bytes length exceeds packet");
      return Value(std::move(b));
    }
    case Value::Kind::Array:
      return decode_array(r, depth);
    case Value::Kind::Map:
      return decode_map(r, depth);
  }
  return malformed(r, ("unknown value tag " + std::to_string(tag)).c_str());
}

}  // namespace

std::string encode_packet(const Packet& packet) {
  std::string out;
  put_u32(out, 0);  // length, patched below
  put_u32(out, packet.id << 1 | (packet.is_request ? 0 : 1));
  encode_value(out, packet.value);
  const auto length = static_cast<uint32_t>(out.size() - 4);
  for (int i = 0; i < 4; ++i) out[i] = static_cast<char>(length >> (8 * i));
  return out;
}

Result<Packet> decode_packet(std::string_view body) {
  Reader r(body);
  uint32_t tagged_id;
  if (!r.u32(tagged_id)) return malformed(r, "truncated id");
  auto value = decode_value(r, 0);
  if (!value) return value.error();
  if (r.remaining() != 0) return malformed(r, "trailing bytes after value");
  return Packet{tagged_id >> 1, (tagged_id & 1) == 0, std::move(*value)};
}

PacketFramer::Status PacketFramer::next(std::string& body) {
  if (buffered() < 4) return Status::NeedMore;
  const auto* p = reinterpret_cast<const unsigned char*>(buffer_.data() + consumed_);
  const uint32_t length =
      uint32_t(p[0]) | uint32_t(p[1]) << 8 | uint32_t(p[2]) << 16 | uint32_t(p[3]) << 24;
  if (length > kMaxPacketBytes) return Status::Bad;
  if (buffered() - 4 < length) return Status::NeedMore;
  body.assign(buffer_, consumed_ + 4, length);
  consumed_ += 4 + length;
  // Compact once the consumed prefix dominates, so the buffer stays proportional to one packet.
  if (consumed_ > buffer_.size() / 2) {
    buffer_.erase(0, consumed_);
    consumed_ = 0;
  }
  return Status::Good;
}

}  // namespace hr::esbuild

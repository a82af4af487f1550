// The stdio codec, as a specification: what a packet looks like on the wire, and that no malformed
// input is trusted.
#include "tests/hr_catch.h"

#include "esbuild_bridge/codec.h"

using namespace hr::esbuild;

namespace {
std::string body_of(const std::string& packet) {
  return packet.substr(4);
}
uint32_t u32_at(const std::string& s, size_t at) {
  return uint32_t(uint8_t(s[at])) | uint32_t(uint8_t(s[at + 1])) << 8 |
         uint32_t(uint8_t(s[at + 2])) << 16 | uint32_t(uint8_t(s[at + 3])) << 24;
}
}  // namespace

TEST_CASE("a packet is its length, then id<<1|isResponse, then one tagged value") {
  const auto bytes = encode_packet(Packet{5, false, Value(nullptr)});
  REQUIRE(bytes.size() == 9);
  CHECK(u32_at(bytes, 0) == 5);                                      // length of what follows
  CHECK(u32_at(bytes, 4) == (5u << 1 | 1));                          // a response
  CHECK(bytes[8] == 0);                                              // null tag
  CHECK(u32_at(encode_packet(Packet{5, true, Value()}), 4) == 10u);  // a request
}

TEST_CASE("every kind of value survives encode then decode") {
  Value v = Map{{"null", nullptr},
                {"t", true},
                {"f", false},
                {"neg", int32_t{-1}},
                {"str", "h\xc3\xa9llo"},
                {"bytes", Bytes{std::string("\0\1\xff", 3)}},
                {"arr", Array{int32_t{1}, Array{}, Map{}}},
                {"order", Map{{"z", 1}, {"a", 2}}}};
  auto decoded = decode_packet(body_of(encode_packet(Packet{42, true, v})));
  REQUIRE(decoded);
  CHECK(decoded->id == 42);
  CHECK(decoded->is_request);
  CHECK(decoded->value == v);
  CHECK(decoded->value.find("order")->as_map()->front().first == "z");  // insertion order kept
}

TEST_CASE("strings and bytes are different values on the wire") {
  auto s = encode_packet(Packet{0, true, Value("ab")});
  auto b = encode_packet(Packet{0, true, Value(Bytes{"ab"})});
  CHECK(s[8] == 3);
  CHECK(b[8] == 4);
  CHECK(decode_packet(body_of(b))->value.as_bytes() != nullptr);
}

TEST_CASE("a truncated packet is an error, not an over-read") {
  const auto full = body_of(encode_packet(Packet{1, true, Map{{"command", "ping"}}}));
  for (size_t n = 0; n < full.size(); ++n) {
    INFO("truncated to " << n << " bytes");
    auto r = decode_packet(std::string_view(full).substr(0, n));
    CHECK_FALSE(r);
  }
}

TEST_CASE("lengths and counts larger than the packet are rejected") {
  auto body = [](std::string value) { return std::string("\0\0\0\0", 4) + value; };
  auto r1 = decode_packet(body(std::string("\x03\xff\xff\xff\x7f", 5)));  // string of 2 GiB
  REQUIRE_FALSE(r1);
  CHECK_THAT(r1.error().message, Catch::Contains("string length exceeds packet"));
  CHECK_FALSE(decode_packet(body(std::string("\x05\xff\xff\xff\xff", 5))));   // array of 4G items
  CHECK_FALSE(decode_packet(body(std::string("\x06\x10\x00\x00\x00", 5))));   // map of 16 entries
  CHECK_FALSE(decode_packet(body(std::string("\x04\x02\x00\x00\x00x", 6))));  // bytes: 2, has 1
}

TEST_CASE("unknown tags and trailing bytes are rejected") {
  auto r = decode_packet(std::string("\0\0\0\0\x07", 5));
  REQUIRE_FALSE(r);
  CHECK_THAT(r.error().message, Catch::Contains("unknown value tag 7"));
  auto t = decode_packet(std::string("\0\0\0\0\0\0", 6));
  REQUIRE_FALSE(t);
  CHECK_THAT(t.error().message, Catch::Contains("trailing bytes"));
}

TEST_CASE("nesting deeper than any real message is rejected without exhausting the stack") {
  std::string deep(4, '\0');
  for (int i = 0; i < 100000; ++i) deep += std::string("\x05\x01\x00\x00\x00", 5);
  auto r = decode_packet(deep);
  REQUIRE_FALSE(r);
  CHECK_THAT(r.error().message, Catch::Contains("nested too deeply"));
}

TEST_CASE("the framer yields whole packets however the stream is split") {
  const auto a = encode_packet(Packet{1, true, Value("first")});
  const auto b = encode_packet(Packet{2, false, Value(int32_t{7})});
  const std::string stream = a + b;
  for (size_t cut = 0; cut <= stream.size(); ++cut) {
    PacketFramer framer;
    std::vector<std::string> bodies;
    std::string body;
    for (auto part : {stream.substr(0, cut), stream.substr(cut)}) {
      framer.feed(part);
      while (framer.next(body) == PacketFramer::Status::Good) bodies.push_back(body);
    }
    REQUIRE(bodies.size() == 2);
    CHECK(decode_packet(bodies[0])->value == Value("first"));
    CHECK(decode_packet(bodies[1])->id == 2);
    CHECK(framer.buffered() == 0);
  }
}

TEST_CASE("the framer refuses an impossible length prefix") {
  PacketFramer framer;
  framer.feed(std::string("\xff\xff\xff\xff", 4));
  std::string body;
  CHECK(framer.next(body) == PacketFramer::Status::Bad);
}

TEST_CASE("the framer waits for the rest of a packet") {
  PacketFramer framer;
  const auto a = encode_packet(Packet{1, true, Value("x")});
  framer.feed(a.substr(0, 6));
  std::string body;
  CHECK(framer.next(body) == PacketFramer::Status::NeedMore);
  framer.feed(a.substr(6));
  CHECK(framer.next(body) == PacketFramer::Status::Good);
}

// The framing of esbuild's stdio service protocol. Every packet on stdin/stdout is
//   u32 LE length | u32 LE (id << 1 | is_response) | one tagged value
// and a value is a one-byte tag (0 null, 1 bool, 2 int, 3 string, 4 bytes, 5 array, 6 map) followed
// by its payload (u32 LE lengths and counts). The first packet esbuild writes is different: a bare
// length-prefixed version string, with no id.
//
// Decoding never trusts a length or count: a malformed packet is an error value naming the offset,
// never a crash or an over-read (fuzzed by fuzz/esbuild_bridge). The framer splits a byte stream
// into packet bodies and answers good / need more / bad, like Asio's example request parser.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.h"
#include "esbuild_bridge/value.h"

namespace hr::esbuild {

struct Packet {
  uint32_t id = 0;
  bool is_request = true;
  Value value;
};

// --- Values and packets ---

// The whole packet, length prefix included, ready to write to esbuild's stdin.
std::string encode_packet(const Packet& packet);

// Decodes a packet body (the bytes after the length prefix).
Result<Packet> decode_packet(std::string_view body);

// --- Stream framing ---

// Largest packet body accepted; a larger length prefix means the stream is corrupt (esbuild's
// biggest real packets are build outputs, far below this).
inline constexpr uint32_t kMaxPacketBytes = 512u << 20;

class PacketFramer {
 public:
  enum class Status { Good, NeedMore, Bad };

  // Appends bytes read from esbuild's stdout.
  void feed(std::string_view bytes) { buffer_.append(bytes); }

  // Takes the next complete packet body into `body`. Bad means the length prefix is impossible;
  // the stream cannot be resynchronised after that.
  Status next(std::string& body);

  size_t buffered() const { return buffer_.size() - consumed_; }

 private:
  std::string buffer_;
  size_t consumed_ = 0;
};

}  // namespace hr::esbuild

#include "server/ws_frame.h"

#include <openssl/evp.h>
#include <openssl/sha.h>

namespace hr::server {

bool is_control(WsOpcode op) {
  return static_cast<std::uint8_t>(op) >= 0x8;
}

namespace {

bool known_opcode(std::uint8_t op) {
  return op <= 0x2 || (op >= 0x8 && op <= 0xA);
}

std::string base64(const unsigned char* data, int n) {
  std::string out(static_cast<std::size_t>(4 * ((n + 2) / 3)) + 1, '\0');
  int written = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), data, n);
  out.resize(static_cast<std::size_t>(written));
  return out;
}

}  // namespace

ParseResult decode_ws_frame(std::string_view in, std::size_t max_payload, WsFrame& out,
                            bool require_mask) {
  if (in.size() < 2) return ParseResult::more();
  auto b0 = static_cast<std::uint8_t>(in[0]);
  auto b1 = static_cast<std::uint8_t>(in[1]);
  std::uint8_t op = b0 & 0x0F;
  if ((b0 & 0x70) != 0 || !known_opcode(op)) return ParseResult::bad(1002);
  bool fin = (b0 & 0x80) != 0;
  bool masked = (b1 & 0x80) != 0;
  if (require_mask && !masked) return ParseResult::bad(1002);
  std::uint64_t len = b1 & 0x7F;
  std::size_t pos = 2;
  if (is_control(static_cast<WsOpcode>(op)) && (!fin || len > 125)) return ParseResult::bad(1002);
  if (len >= 126) {
    std::size_t bytes = len == 126 ? 2 : 8;
    if (in.size() < pos + bytes) return ParseResult::more();
    len = 0;
    for (std::size_t i = 0; i < bytes; ++i)
      len = (len << 8) | static_cast<std::uint8_t>(in[pos + i]);
    if (len >> 63) return ParseResult::bad(1002);
    pos += bytes;
  }
  if (len > max_payload) return ParseResult::bad(1009);
  unsigned char mask[4] = {0, 0, 0, 0};
  if (masked) {
    if (in.size() < pos + 4) return ParseResult::more();
    for (int i = 0; i < 4; ++i) mask[i] = static_cast<unsigned char>(in[pos + i]);
    pos += 4;
  }
  if (in.size() - pos < len) return ParseResult::more();
  out.fin = fin;
  out.opcode = static_cast<WsOpcode>(op);
  out.payload.assign(in.substr(pos, static_cast<std::size_t>(len)));
  for (std::size_t i = 0; i < out.payload.size(); ++i)
    out.payload[i] ^= static_cast<char>(mask[i & 3]);
  return ParseResult::good(pos + static_cast<std::size_t>(len));
}

std::string encode_ws_frame(WsOpcode op, std::string_view payload) {
  std::string out;
  out.reserve(payload.size() + 10);
  out += static_cast<char>(0x80 | static_cast<std::uint8_t>(op));
  std::uint64_t n = payload.size();
  if (n < 126) {
    out += static_cast<char>(n);
  } else if (n <= 0xFFFF) {
    out += static_cast<char>(126);
    out += static_cast<char>((n >> 8) & 0xFF);
    out += static_cast<char>(n & 0xFF);
  } else {
    out += static_cast<char>(127);
    for (int shift = 56; shift >= 0; shift -= 8) out += static_cast<char>((n >> shift) & 0xFF);
  }
  out.append(payload);
  return out;
}

std::string encode_ws_close(std::uint16_t code) {
  char payload[2] = {static_cast<char>(code >> 8), static_cast<char>(code & 0xFF)};
  return encode_ws_frame(WsOpcode::close, std::string_view(payload, 2));
}

std::string ws_accept_key(std::string_view client_key) {
  std::string input(client_key);
  input += "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
  unsigned char digest[SHA_DIGEST_LENGTH];
  SHA1(reinterpret_cast<const unsigned char*>(input.data()), input.size(), digest);
  return base64(digest, SHA_DIGEST_LENGTH);
}

bool valid_ws_key(std::string_view key) {
  if (key.size() != 24 || key.substr(22) != "==") return false;
  for (char c : key.substr(0, 22)) {
    bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '+' || c == '/';
    if (!ok) return false;
  }
  return true;
}

}  // namespace hr::server

// Feeds arbitrary bytes to the framer and decoder: neither may crash, over-read (ASan) or hit
// undefined behaviour (UBSan), and whatever decodes must re-encode to the same bytes.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "esbuild_bridge/codec.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  if (auto packet = hr::esbuild::decode_packet(input)) {
    // Canonical input (bool bytes 0/1) must round-trip exactly; others at least re-decode.
    const std::string again = hr::esbuild::encode_packet(*packet);
    auto redecoded = hr::esbuild::decode_packet(std::string_view(again).substr(4));
    if (!redecoded || !(redecoded->value == packet->value)) std::abort();
  }
  hr::esbuild::PacketFramer framer;
  framer.feed(input.substr(0, size / 2));
  std::string body;
  while (framer.next(body) == hr::esbuild::PacketFramer::Status::Good)
    (void)hr::esbuild::decode_packet(body);
  framer.feed(input.substr(size / 2));
  while (framer.next(body) == hr::esbuild::PacketFramer::Status::Good)
    (void)hr::esbuild::decode_packet(body);
  return 0;
}

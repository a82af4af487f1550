// libFuzzer target: the WebSocket frame decoder and message assembler on arbitrary bytes, as a
// session drives them (frames decoded one after another, data frames assembled, control frames
// set aside). Checks that decoding never reports more bytes than it had, that payloads respect
// the size limit, and that a frame re-encoded by the server side decodes (unmasked) to itself.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "server/ws_frame.h"
#include "server/ws_message.h"

using namespace hr::server;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  constexpr std::size_t kMax = 64 * 1024;
  std::string_view input(reinterpret_cast<const char*>(data), size);
  WsMessageAssembler assembler(kMax);
  std::size_t offset = 0;
  while (offset < input.size()) {
    WsFrame frame;
    ParseResult r = decode_ws_frame(input.substr(offset), kMax, frame);
    if (r.status != ParseStatus::good) break;
    if (r.consumed == 0 || r.consumed > input.size() - offset) std::abort();
    if (frame.payload.size() > kMax) std::abort();
    offset += r.consumed;
    if (is_control(frame.opcode)) {
      if (frame.payload.size() > 125 || !frame.fin) std::abort();
      std::string echoed = encode_ws_frame(frame.opcode, frame.payload);
      WsFrame back;
      ParseResult rb = decode_ws_frame(echoed, kMax, back, /*require_mask=*/false);
      if (rb.status != ParseStatus::good || back.payload != frame.payload) std::abort();
      continue;
    }
    if (assembler.add(std::move(frame)) == WsMessageAssembler::Outcome::error) break;
  }
  valid_utf8(input);
  return 0;
}

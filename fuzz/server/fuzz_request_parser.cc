// libFuzzer target: the HTTP request parser, the backend response parser, the chunked-body
// parser and the target path check on arbitrary bytes. Invariants checked beyond "no crash": a good
// parse consumes no more than the input, re-parsing the consumed prefix gives the same head, every
// prefix of a good head is need_more or the same verdict, and a checked path never climbs above the
// root.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "server/chunked_parser.h"
#include "server/path_check.h"
#include "server/request_parser.h"
#include "server/response_parser.h"

using namespace hr::server;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  Request req;
  ParseResult r = parse_request(input, req);
  if (r.status == ParseStatus::good) {
    if (r.consumed > size || r.consumed != req.head_size) std::abort();
    Request again;
    ParseResult r2 = parse_request(input.substr(0, r.consumed), again);
    if (r2.status != ParseStatus::good || again.target != req.target) std::abort();
    if (r.consumed > 0) {
      Request prefix;
      if (parse_request(input.substr(0, r.consumed - 1), prefix).status == ParseStatus::good)
        std::abort();
    }
    CheckedPath checked = check_target(req.target);
    if (checked.status == 0) {
      if (checked.path.empty() || checked.path[0] != '/') std::abort();
      if (checked.path.find("/../") != std::string::npos) std::abort();
      if (checked.path.find('\\') != std::string::npos ||
          checked.path.find('\0') != std::string::npos)
        std::abort();
    }
    if (req.body == BodyKind::chunked) {
      ChunkedParser chunked;
      ParseResult body = chunked.feed(input.substr(r.consumed));
      if (body.status == ParseStatus::good && body.consumed > size - r.consumed) std::abort();
    }
  }
  Response resp;
  ParseResult rr = parse_response(input, resp);
  if (rr.status == ParseStatus::good &&
      (rr.consumed > size || resp.status < 100 || resp.status > 999))
    std::abort();
  // The chunked parser on its own, fed in two pieces.
  ChunkedParser a, b;
  ParseResult whole = a.feed(input);
  ParseResult first = b.feed(input.substr(0, size / 2));
  if (whole.status == ParseStatus::good && first.status == ParseStatus::need_more) {
    ParseResult rest = b.feed(input.substr(size / 2));
    if (rest.status != ParseStatus::good || first.consumed + rest.consumed != whole.consumed)
      std::abort();
  }
  return 0;
}

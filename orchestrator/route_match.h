// The manifest's URL patterns ("/blog/[slug]"): their segments, read once for both users, and
// whether a pattern matches the path of a navigation ("/blog/hello"). The router entry turns the
// segments into React Router's paths (router_entry.h); the server matches a navigation against
// them to start building a page's modules when the browser asks for the HTML shell of its URL,
// before the page's script asks for the route module.
//
// Segments: a literal matches itself; "[name]" one segment; "[[name]]" one segment or none;
// "[...name]" one or more; "[[...name]]" any number. React Router's own ":name", ":name?" and "*"
// are read as the same kinds. Empty segments (a trailing or doubled "/") are ignored, as routers
// do. The path is matched as it came, not percent-decoded: a literal segment that needs decoding
// does not match, and the page is then built when it is asked for.
#pragma once

#include <string_view>
#include <vector>

#include "common/result.h"

namespace hr::orch {

struct RouteSegment {
  enum class Kind { literal, one, optional, rest, any_rest } kind;
  std::string_view text;  // a literal's text, a parameter's name ("" for "*")
};

// A pattern's segments; an error names the segment it cannot read (unbalanced brackets, a
// parameter name that is not one).
Result<std::vector<RouteSegment>> route_segments(std::string_view route);

// False for a pattern route_segments() cannot read.
bool route_matches(std::string_view route, std::string_view path);

}  // namespace hr::orch

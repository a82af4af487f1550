// Whether a page's URL pattern, as the manifest writes it ("/blog/[slug]"), matches the path of a
// navigation ("/blog/hello"). The server uses it to start building a page's modules when the
// browser asks for the HTML shell of its URL, before the page's script asks for the route module.
//
// Segments: a literal matches itself; "[name]" one segment; "[[name]]" one segment or none;
// "[...name]" one or more; "[[...name]]" any number. Empty segments (a trailing or doubled "/")
// are ignored, as routers do. The path is matched as it came, not percent-decoded: a literal
// segment that needs decoding does not match, and the page is then built when it is asked for.
#pragma once

#include <string_view>

namespace hr::orch {

bool route_matches(std::string_view route, std::string_view path);

}  // namespace hr::orch

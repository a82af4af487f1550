// Module ids and the paths built from them.
//
// A module id is a path relative to the manifest's `root`, '/'-separated, normalized, and never
// escaping root: the server serves it at "/" + id, so an id such as "../secret" would expose files
// outside the app. These helpers validate ids once, at manifest parse, and normalize the paths the
// resolver builds from import specifiers (with a caller-owned buffer, so the hot path does not
// allocate once the buffer has grown).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace hr::graph {

// Why `id` is not a valid module id, or nullptr when it is. The text completes
// "<pointer>: <reason>", e.g. "/modules/3/id: must not contain '..' (escapes root)".
const char* invalid_id_reason(std::string_view id);

// Appends the lexical normalization of `path` (relative, '/'-separated) to `out`: "." segments and
// empty segments are dropped, ".." pops a segment. Returns false when ".." would climb above the
// start of `out`'s appended part (the path escapes root).
bool append_normalized(std::string& out, std::string_view path);

// The folder part of a module id ("app/routes/x.jsx" -> "app/routes", "x.jsx" -> "").
std::string_view dirname(std::string_view id);

// One id's share of a set fingerprint: the sum of these over a set of ids identifies the set
// (order-free, updatable by adding and subtracting), so a Graph can check in O(changed) that the
// compiler's hints account for every added and removed module.
uint64_t id_fingerprint(std::string_view id);

// Escapes a JSON object key for use in a JSON pointer (RFC 6901: '~' -> "~0", '/' -> "~1").
std::string pointer_escape(std::string_view key);

}  // namespace hr::graph

// The messages the server sends to browsers over the HMR socket (docs/hmr-protocol.md), each
// built in this one place: `update` with its js-update and css-update entries, `full-reload`
// with its reason, and `error` with the overlay's text, location and code frame.
//
// Pure functions of their inputs; the pipeline decides which to send and when.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "esbuild_bridge/types.h"

namespace hr::orch {

// One entry of an update: module `id` re-imported (js-update) or its stylesheet swapped
// (css-update), at version `timestamp`; `css`, when given, is the stylesheet's new text, sent
// along so the page needs no request (css_travels_inline); `code`, when not empty, is a
// js-update's module as served at that version, split where its import URLs begin
// (assemble_js_module_parts()), so the page evaluates it without a request.
struct UpdateEntry {
  enum class Type { js, css } type = Type::js;
  std::string id;
  std::uint64_t timestamp = 0;
  const std::string* css = nullptr;
  std::vector<std::string> code = {};
  std::string url = {};  // the URL the new version is imported at ("/a.jsx?v=<token>"), if known
};

// What `hr:urls` says (docs/hmr-protocol.md "Caching"): message number `seq`; the modules whose
// URL token moved while their code stayed (path -> token: a page keeps its instance for the new
// URL) and those whose code changed with no update re-running them (path -> token: a page holding
// one reloads).
struct UrlNews {
  std::uint64_t seq = 0;
  std::map<std::string, std::string> moved, changed;
};

// `urls`, when given, rides in the update as its "urls" member instead of a message of its own
// before it: the page handles one message, not two (the page counts it read once the update is
// applied).
std::string update_message(std::string_view build, const std::vector<UpdateEntry>& entries,
                           const UrlNews* urls = nullptr);

std::string urls_message(const UrlNews& news);

// `build` may be empty: a reload no build caused (an invalidated module, an esbuild restart).
std::string full_reload_message(std::string_view reason, std::string_view build = {});

// The overlay of a compile error of build `build`: its text, file, line, column and code frame.
std::string error_message(std::string_view build, const esbuild::Message& e);

}  // namespace hr::orch

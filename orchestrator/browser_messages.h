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

std::string update_message(std::string_view build, const std::vector<UpdateEntry>& entries);

// `hr:urls` (docs/hmr-protocol.md "Caching"): message number `seq`; the modules whose URL token
// moved while their code stayed (path -> token: a page keeps its instance for the new URL) and
// those whose code changed with no update re-running them (path -> token: a page holding one
// reloads).
// `update_build`: the build of the update that follows it, if one does: the page counts the
// message read once that update is applied.
std::string urls_message(std::uint64_t seq, const std::map<std::string, std::string>& moved,
                         const std::map<std::string, std::string>& changed,
                         std::string_view update_build = {});

// `build` may be empty: a reload no build caused (an invalidated module, an esbuild restart).
std::string full_reload_message(std::string_view reason, std::string_view build = {});

// The overlay of a compile error of build `build`: its text, file, line, column and code frame.
std::string error_message(std::string_view build, const esbuild::Message& e);

}  // namespace hr::orch

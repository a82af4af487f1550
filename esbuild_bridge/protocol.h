// Conversions between the typed structs of types.h and the protocol's values: the request maps the
// service sends and the response maps it reads. Reading is defensive (esbuild output is input like
// any other): a missing or mistyped field in a response is an error naming the field, never a
// crash.
#pragma once

#include <string>

#include "common/result.h"
#include "esbuild_bridge/types.h"
#include "esbuild_bridge/value.h"

namespace hr::esbuild::protocol {

// --- Requests we send ---
Value build_request(int32_t key, const BuildOptions& options, const Plugin* plugin, bool context);
Value transform_request(const std::string& input, const TransformOptions& options);
Value keyed_request(const char* command, int32_t key);  // rebuild, cancel, dispose

// --- Answers to esbuild's requests ---
Value encode_messages(const std::vector<Message>& messages);
Value empty_messages_response();  // {errors: [], warnings: []}
Value on_resolve_response(int32_t hook_id, const OnResolveResult& result);
Value on_load_response(int32_t hook_id, const OnLoadResult& result);
Value error_response(const std::string& text);  // {errors: [one message]}

// --- Reading esbuild's values ---
Result<std::vector<Message>> decode_messages(const Value* v, const char* field);
Result<BuildResult> decode_build_result(const Value& response);
Result<TransformResult> decode_transform_result(const Value& response);
OnResolveArgs decode_on_resolve_args(const Value& request);
OnLoadArgs decode_on_load_args(const Value& request);

// The `error` string esbuild puts in a response when a request failed outright, if any.
const std::string* response_error(const Value& response);

}  // namespace hr::esbuild::protocol

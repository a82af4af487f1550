#include "esbuild_bridge/protocol.h"

#include <algorithm>

namespace hr::esbuild::protocol {

namespace {

Value strings(const std::vector<std::string>& items) {
  Array out;
  out.reserve(items.size());
  for (const auto& s : items) out.emplace_back(s);
  return out;
}

Value encode_location(const std::optional<Location>& loc) {
  if (!loc) return Value();
  return Map{{"file", loc->file},
             {"namespace", loc->ns},
             {"line", loc->line},
             {"column", loc->column},
             {"length", loc->length},
             {"lineText", loc->line_text},
             {"suggestion", loc->suggestion}};
}

// Every field esbuild's decodeMessages type-asserts is written, whatever the caller filled in.
Value encode_message(const Message& m) {
  Array notes;
  for (const auto& n : m.notes)
    notes.push_back(Map{{"text", n.text}, {"location", encode_location(n.location)}});
  return Map{{"id", m.id},
             {"pluginName", m.plugin_name},
             {"text", m.text},
             {"location", encode_location(m.location)},
             {"notes", std::move(notes)},
             {"detail", int32_t{-1}}};
}

bool has_flag_prefix(const std::vector<std::string>& flags, std::string_view prefix) {
  return std::any_of(flags.begin(), flags.end(),
                     [&](const std::string& f) { return f.rfind(prefix, 0) == 0; });
}

// Log flags first, as esbuild's JS host sends them. Messages come back in every response, so
// esbuild's own stderr printing is off unless the caller asks for it.
std::vector<std::string> with_log_flags(std::vector<std::string> flags) {
  if (!has_flag_prefix(flags, "--log-level=")) flags.insert(flags.begin(), "--log-level=silent");
  return flags;
}

Value encode_hooks(const auto& hooks, int32_t& next_id) {
  Array out;
  for (const auto& hook : hooks) {
    out.push_back(Map{{"id", next_id++}, {"filter", hook.filter}, {"namespace", hook.ns}});
  }
  return out;
}

Value encode_plugin(const Plugin& plugin) {
  // Hook ids are positions: resolve hooks first, then load hooks (the service maps them back).
  int32_t next_id = 0;
  Value resolve = encode_hooks(plugin.on_resolve, next_id);
  Value load = encode_hooks(plugin.on_load, next_id);
  return Array{Map{{"name", plugin.name},
                   {"onStart", false},
                   {"onEnd", false},
                   {"onResolve", std::move(resolve)},
                   {"onLoad", std::move(load)}}};
}

// Field readers: a missing optional field is its default; a mistyped one is an error.
Result<std::string> get_string(const Value& obj, const char* field, bool required = false) {
  const Value* v = obj.find(field);
  if (!v || v->is_null()) {
    if (required) return fail(std::string("esbuild response: missing \"") + field + "\"");
    return std::string();
  }
  if (const std::string* s = v->text()) return *s;
  return fail(std::string("esbuild response: \"") + field + "\" is not a string");
}

// For optional, informational fields (locations, ids): absent or mistyped reads as "".
std::string opt_string(const Value& obj, const char* field) {
  const Value* v = obj.find(field);
  const std::string* s = v ? v->text() : nullptr;
  return s ? *s : std::string();
}

int get_int(const Value& obj, const char* field) {
  const Value* v = obj.find(field);
  return v && v->as_int() ? *v->as_int() : 0;
}

std::optional<Location> decode_location(const Value* v) {
  if (!v || !v->as_map()) return std::nullopt;
  Location loc;
  loc.file = opt_string(*v, "file");
  loc.ns = opt_string(*v, "namespace");
  loc.line = get_int(*v, "line");
  loc.column = get_int(*v, "column");
  loc.length = get_int(*v, "length");
  loc.line_text = opt_string(*v, "lineText");
  loc.suggestion = opt_string(*v, "suggestion");
  return loc;
}

Result<Message> decode_message(const Value& v) {
  if (!v.as_map()) return fail("esbuild response: a message is not a map");
  Message m;
  m.id = opt_string(v, "id");
  m.plugin_name = opt_string(v, "pluginName");
  auto text = get_string(v, "text");
  if (!text) return text.error();
  m.text = std::move(*text);
  m.location = decode_location(v.find("location"));
  if (const Value* notes = v.find("notes"); notes && notes->as_array()) {
    for (const auto& n : *notes->as_array()) {
      m.notes.push_back(Note{opt_string(n, "text"), decode_location(n.find("location"))});
    }
  }
  return m;
}

Result<std::vector<OutputFile>> decode_output_files(const Value* v) {
  std::vector<OutputFile> files;
  if (!v || v->is_null()) return files;
  if (!v->as_array()) return fail("esbuild response: \"outputFiles\" is not an array");
  for (const auto& f : *v->as_array()) {
    auto path = get_string(f, "path", true);
    auto contents = get_string(f, "contents", true);
    if (!path) return path.error();
    if (!contents) return contents.error();
    files.push_back(OutputFile{std::move(*path), std::move(*contents), opt_string(f, "hash")});
  }
  return files;
}

}  // namespace

Value build_request(int32_t key, const BuildOptions& o, const Plugin* plugin, bool context) {
  auto flags = with_log_flags(o.flags);
  if (o.metafile) flags.push_back("--metafile");
  Array entries;
  for (const auto& e : o.entry_points) entries.push_back(Array{e.out, e.in});
  Map request{{"command", "build"},
              {"key", key},
              {"entries", std::move(entries)},
              {"flags", strings(flags)},
              {"write", o.write},
              {"stdinContents", o.stdin_contents ? Value(Bytes{*o.stdin_contents}) : Value()},
              {"stdinResolveDir", o.stdin_contents ? Value(o.stdin_resolve_dir) : Value()},
              {"absWorkingDir", o.abs_working_dir},
              {"nodePaths", strings(o.node_paths)},
              {"context", context}};
  if (plugin) request.emplace_back("plugins", encode_plugin(*plugin));
  return request;
}

Value transform_request(const std::string& input, const TransformOptions& options) {
  return Map{{"command", "transform"},
             {"flags", strings(with_log_flags(options.flags))},
             {"inputFS", false},
             {"input", Bytes{input}}};
}

Value keyed_request(const char* command, int32_t key) {
  return Map{{"command", command}, {"key", key}};
}

Value encode_messages(const std::vector<Message>& messages) {
  Array out;
  for (const auto& m : messages) out.push_back(encode_message(m));
  return out;
}

Value empty_messages_response() {
  return Map{{"errors", Array{}}, {"warnings", Array{}}};
}

Value on_resolve_response(int32_t hook_id, const OnResolveResult& r) {
  Map out{{"id", hook_id}, {"path", r.path}, {"external", r.external}};
  if (!r.ns.empty()) out.emplace_back("namespace", r.ns);
  if (!r.suffix.empty()) out.emplace_back("suffix", r.suffix);
  if (r.side_effects) out.emplace_back("sideEffects", *r.side_effects);
  if (!r.errors.empty()) out.emplace_back("errors", encode_messages(r.errors));
  if (!r.warnings.empty()) out.emplace_back("warnings", encode_messages(r.warnings));
  return out;
}

Value on_load_response(int32_t hook_id, const OnLoadResult& r) {
  Map out{{"id", hook_id}, {"contents", Bytes{r.contents}}};
  if (!r.loader.empty()) out.emplace_back("loader", r.loader);
  if (!r.resolve_dir.empty()) out.emplace_back("resolveDir", r.resolve_dir);
  if (!r.errors.empty()) out.emplace_back("errors", encode_messages(r.errors));
  if (!r.warnings.empty()) out.emplace_back("warnings", encode_messages(r.warnings));
  return out;
}

Value error_response(const std::string& text) {
  Message m;
  m.text = text;
  m.plugin_name = "hr-orchestrate";
  return Map{{"errors", Array{encode_message(m)}}};
}

Result<std::vector<Message>> decode_messages(const Value* v, const char* field) {
  std::vector<Message> out;
  if (!v || v->is_null()) return out;
  if (!v->as_array())
    return fail(std::string("esbuild response: \"") + field + "\" is not an array");
  for (const auto& item : *v->as_array()) {
    auto m = decode_message(item);
    if (!m) return m.error();
    out.push_back(std::move(*m));
  }
  return out;
}

Result<BuildResult> decode_build_result(const Value& response) {
  if (!response.as_map()) return fail("esbuild response: build result is not a map");
  BuildResult r;
  auto errors = decode_messages(response.find("errors"), "errors");
  auto warnings = decode_messages(response.find("warnings"), "warnings");
  auto files = decode_output_files(response.find("outputFiles"));
  if (!errors) return errors.error();
  if (!warnings) return warnings.error();
  if (!files) return files.error();
  r.errors = std::move(*errors);
  r.warnings = std::move(*warnings);
  r.output_files = std::move(*files);
  r.metafile = opt_string(response, "metafile");
  return r;
}

Result<TransformResult> decode_transform_result(const Value& response) {
  if (!response.as_map()) return fail("esbuild response: transform result is not a map");
  TransformResult r;
  auto errors = decode_messages(response.find("errors"), "errors");
  auto warnings = decode_messages(response.find("warnings"), "warnings");
  auto code = get_string(response, "code");
  if (!errors) return errors.error();
  if (!warnings) return warnings.error();
  if (!code) return code.error();
  r.errors = std::move(*errors);
  r.warnings = std::move(*warnings);
  r.code = std::move(*code);
  r.map = opt_string(response, "map");
  return r;
}

OnResolveArgs decode_on_resolve_args(const Value& q) {
  return OnResolveArgs{opt_string(q, "path"), opt_string(q, "importer"), opt_string(q, "namespace"),
                       opt_string(q, "resolveDir"), opt_string(q, "kind")};
}

OnLoadArgs decode_on_load_args(const Value& q) {
  return OnLoadArgs{opt_string(q, "path"), opt_string(q, "namespace"), opt_string(q, "suffix")};
}

const std::string* response_error(const Value& response) {
  const Value* e = response.find("error");
  return e ? e->as_string() : nullptr;
}

}  // namespace hr::esbuild::protocol

namespace hr::esbuild {

Message message(std::string text) {
  Message m;
  m.text = std::move(text);
  return m;
}

Message message_at(std::string file, std::string text, int line, int column) {
  Message m = message(std::move(text));
  m.location.emplace();
  m.location->file = std::move(file);
  m.location->line = line;
  m.location->column = column;
  return m;
}

std::string format_message(const Message& m) {
  if (!m.location) return m.text;
  const auto& l = *m.location;
  return l.file + ":" + std::to_string(l.line) + ":" + std::to_string(l.column) + ": " + m.text;
}

}  // namespace hr::esbuild

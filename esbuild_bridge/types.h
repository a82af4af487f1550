// The typed face of esbuild's protocol: build and transform options, plugin callbacks, messages and
// results. Callers fill these structs; protocol.cc turns them into the exact maps esbuild expects.
// esbuild's Go side type-asserts every field it reads and panics on a missing or mistyped one, so
// no caller ever builds a raw request: a field that esbuild requires is always present with its
// type (on-load `contents` is always bytes, every message carries all of its fields).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace hr::esbuild {

// --- Messages (errors and warnings) ---

struct Location {
  std::string file;
  std::string ns;  // esbuild's "namespace"; "" means "file"
  int line = 0;    // 1-based
  int column = 0;  // 0-based, in bytes
  int length = 0;
  std::string line_text;
  std::string suggestion;
};

struct Note {
  std::string text;
  std::optional<Location> location;
};

struct Message {
  std::string id;
  std::string plugin_name;
  std::string text;
  std::optional<Location> location;
  std::vector<Note> notes;
};

// "file:line:column: text", the form logs and the error overlay use.
std::string format_message(const Message& m);

// A message of ours in esbuild's shape, so logs and the overlay show it like esbuild's own: with
// no place (esbuild could not be asked at all), or at `file` (a module id) and, when known, a line
// (1-based) and column (0-based).
Message message(std::string text);
Message message_at(std::string file, std::string text, int line = 0, int column = 0);

// --- Build ---

struct OutputFile {
  std::string path;      // absolute
  std::string contents;  // bytes as built
  std::string hash;      // esbuild's content hash of the file
};

// An entry point, optionally with the output name esbuild gives it (esbuild's `{in, out}` form).
struct EntryPoint {
  EntryPoint(std::string in_path) : in(std::move(in_path)) {}
  EntryPoint(const char* in_path) : in(in_path) {}
  EntryPoint(std::string in_path, std::string out_name)
      : in(std::move(in_path)), out(std::move(out_name)) {}
  std::string in;
  std::string out;  // "" lets esbuild name the output after the input
};

// Flags are esbuild's command-line flags ("--bundle", "--format=esm", "--jsx=automatic"): the
// service parses them with esbuild's own CLI parser, so every CLI option is available.
struct BuildOptions {
  std::vector<EntryPoint> entry_points;  // resolved against abs_working_dir
  std::string abs_working_dir;           // required: esbuild resolves everything against it
  std::vector<std::string> flags;
  bool write = false;  // false: output files come back in memory
  bool metafile = false;
  std::optional<std::string> stdin_contents;  // build this text instead of entry points
  std::string stdin_resolve_dir;
  std::vector<std::string> node_paths;
};

struct BuildResult {
  std::vector<Message> errors;
  std::vector<Message> warnings;
  std::vector<OutputFile> output_files;
  std::string metafile;  // JSON text when BuildOptions::metafile was set
};

// --- Plugins, implemented in C++ ---

struct OnResolveArgs {
  std::string path;  // the specifier as written
  std::string importer;
  std::string ns;
  std::string resolve_dir;
  std::string kind;  // "import-statement", "dynamic-import", "entry-point", ...
};

struct OnResolveResult {
  std::string path;  // required when handled
  std::string ns;    // "" keeps esbuild's default ("file")
  bool external = false;
  std::optional<bool> side_effects;
  std::string suffix;
  std::vector<Message> errors;
  std::vector<Message> warnings;
};

struct OnLoadArgs {
  std::string path;
  std::string ns;
  std::string suffix;
};

struct OnLoadResult {
  std::string contents;     // sent as bytes, as esbuild requires
  std::string loader;       // "js", "jsx", "css"...; "" lets esbuild pick by extension
  std::string resolve_dir;  // where imports in these contents resolve from
  std::vector<Message> errors;
  std::vector<Message> warnings;
};

// A callback returns nullopt to pass the path on to the next callback (or esbuild itself).
using OnResolve = std::function<std::optional<OnResolveResult>(const OnResolveArgs&)>;
using OnLoad = std::function<std::optional<OnLoadResult>(const OnLoadArgs&)>;

// Filters are Go regular expressions, matched by esbuild before it asks us anything: a narrow
// filter saves a round trip per import.
struct ResolveHook {
  std::string filter = ".*";
  std::string ns;  // "" = any namespace
  OnResolve callback;
};

struct LoadHook {
  std::string filter = ".*";
  std::string ns;
  OnLoad callback;
};

struct Plugin {
  std::string name = "hr-orchestrate";
  std::vector<ResolveHook> on_resolve;
  std::vector<LoadHook> on_load;
};

// --- Transform ---

struct TransformOptions {
  std::vector<std::string> flags;  // e.g. "--loader=jsx", "--format=esm", "--sourcefile=a.jsx"
};

struct TransformResult {
  std::string code;
  std::string map;
  std::vector<Message> errors;
  std::vector<Message> warnings;
};

}  // namespace hr::esbuild

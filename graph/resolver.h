// The resolver: an import specifier written in a module -> the module (or npm package) it names.
//
// The esbuild bridge calls this from its on-resolve handler, once per import per rebuild, so the
// hot path allocates nothing once the resolver's buffers have grown: results are string_views (into
// the graph, the specifier, or the resolver's buffer) and candidate paths are built in reused
// strings. Order, as bundlers do it:
//
//   "./x", "../x", "/x"   relative to the importer's folder (or root for "/x")
//   "$/x"                 a `resolve.alias` prefix, replaced by its folder under root
//   anything else         a bare npm package: name ("react", "@radix-ui/themes") and subpath
//
// A path is tried as written, then with each of `resolve.extensions`, then as a folder's
// index file with each extension; each candidate first among the manifest's ids, then, only if none
// matched, on disk under root (a file the compiler did not list). A path climbing out of root is
// not found. A "?query" suffix is ignored.
//
// One Resolver per thread: it keeps buffers. It reads the graph; do not apply() meanwhile.
#pragma once

#include <string>
#include <string_view>

#include "graph/module_graph.h"

namespace hr::graph {

class Resolver {
 public:
  explicit Resolver(const Graph& graph) : g_(graph) {}

  enum class Target {
    module,     // a module of the manifest: `id`
    file,       // a file under root that the manifest does not list: `id` (path under root)
    package,    // a bare npm package: `package`, `subpath`
    not_found,  // `error` says why
  };

  struct Resolution {
    Target target = Target::not_found;
    // module: graph-owned. file: the resolver's buffer, valid until the next resolve() call.
    std::string_view id;
    std::string_view package;  // views into the specifier
    std::string_view subpath;  // "client" for "react-dom/client"; empty for the package itself
    std::string_view error;    // a static text
  };

  Resolution resolve(std::string_view specifier, std::string_view importer_id);

 private:
  Resolution resolve_path(std::string_view base, std::string_view path);
  Resolution resolve_package(std::string_view specifier);
  bool candidates(bool (Resolver::*check)(std::string_view, Resolution&), Resolution& r);
  bool in_graph(std::string_view candidate, Resolution& r);
  bool on_disk(std::string_view candidate, Resolution& r);

  const Graph& g_;
  std::string joined_;     // base + "/" + path, before normalization
  std::string path_;       // normalized path under root
  std::string candidate_;  // path_ + extension / index file
  std::string disk_;       // root + "/" + candidate, for stat
};

}  // namespace hr::graph

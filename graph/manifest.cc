// Reading the manifest: the scanner (manifest_scan.h) has Boost.JSON parse each top-level value and
// each changed module into a DOM in a monotonic arena (freed in one go), then a single pass copies
// what we keep into the Manifest's StringArena while checking every field; modules whose bytes did
// not change are taken over from the previous manifest as they are.
#include "graph/manifest.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <boost/json.hpp>
#include <cstdint>

#include <cerrno>
#include <cstring>

#include "graph/manifest_scan.h"
#include "graph/paths.h"

namespace hr::graph {

std::string_view to_string(Kind kind) {
  switch (kind) {
    case Kind::entry:
      return "entry";
    case Kind::page:
      return "page";
    case Kind::component:
      return "component";
    case Kind::module:
      return "module";
    case Kind::style:
      return "style";
    case Kind::asset:
      return "asset";
  }
  return "module";
}

bool default_accept(Kind kind) {
  return kind == Kind::page || kind == Kind::component || kind == Kind::style;
}

namespace {

namespace json = boost::json;

std::string_view view(const json::string& s) {
  return {s.data(), s.size()};
}

std::string quoted(std::string_view s) {
  return "\"" + std::string(s) + "\"";
}

std::string at(std::string_view base, size_t i, std::string_view field = {}) {
  std::string p = std::string(base) + "/" + std::to_string(i);
  if (!field.empty()) p += "/" + std::string(field);
  return p;
}

// A JSON pointer, spelled out only when an error needs it: building strings for every field of
// 10,000 modules would cost more than parsing them.
struct Ptr {
  Ptr(std::string_view b) : base(b) {}  // NOLINT: implicit, reads as the pointer it names
  Ptr(std::string_view b, size_t i, std::string_view f) : base(b), index(i), field(f) {}

  std::string_view base;
  size_t index = SIZE_MAX;
  std::string_view field;
  std::string str() const {
    if (index == SIZE_MAX) return std::string(base);
    return at(base, index, field);
  }
};

std::optional<Kind> parse_kind(std::string_view s) {
  static constexpr std::pair<std::string_view, Kind> kKinds[] = {
      {"entry", Kind::entry},   {"page", Kind::page},   {"component", Kind::component},
      {"module", Kind::module}, {"style", Kind::style}, {"asset", Kind::asset}};
  for (auto [name, kind] : kKinds) {
    if (s == name) return kind;
  }
  return std::nullopt;
}

// One pass over the DOM. Each step returns false after recording the first error, which is all
// the compiler's author needs to fix the manifest.
class Reader {
 public:
  Reader(Manifest& m, const Manifest* previous, std::string_view text)
      : m_(m), prev_(previous), text_(text) {}

  bool read(const ScannedManifest& doc) {
    if (!doc.is_object) return fail("/", "expected a JSON object");
    const json::object& top = doc.top;
    return read_version(top) && read_paths(top) && read_modules(doc) && index_modules() &&
           read_entries(top) && read_hints(top) && read_resolve(top) && read_misc(top);
  }

  std::string error;

 private:
  bool fail(std::string pointer, std::string_view what) {
    error = std::move(pointer) + ": " + std::string(what);
    return false;
  }

  std::string_view keep(const json::string& s) { return m_.arena->store(view(s)); }

  // A string field; absent leaves `out` untouched.
  bool opt_string(const json::object& o, std::string_view key, Ptr ptr, std::string_view& out) {
    const json::value* v = o.if_contains(key);
    if (!v) return true;
    if (!v->is_string()) return fail(ptr.str(), "expected a string");
    out = keep(v->get_string());
    return true;
  }

  // An array of strings, each checked as a module id when `ids` is set.
  bool string_array(const json::value& v, Ptr ptr, bool ids, std::vector<std::string_view>& out) {
    const json::array* a = v.if_array();
    if (!a) return fail(ptr.str(), "expected an array of strings");
    for (size_t i = 0; i < a->size(); ++i) {
      const json::string* s = (*a)[i].if_string();
      if (!s) return fail(at(ptr.str(), i), "expected a string");
      if (ids) {
        if (const char* why = invalid_id_reason(view(*s))) return fail(at(ptr.str(), i), why);
      }
      out.push_back(keep(*s));
    }
    return true;
  }

  bool read_version(const json::object& top) {
    const json::value* v = top.if_contains("version");
    if (!v) return fail("/version", "required field missing (expected 1)");
    if (!v->is_int64() && !v->is_uint64()) return fail("/version", "expected an integer");
    std::string n =
        v->is_int64() ? std::to_string(v->get_int64()) : std::to_string(v->get_uint64());
    if (n != "1") return fail("/version", "unsupported manifest version " + n);
    return true;
  }

  bool relative_path(std::string_view ptr, std::string_view value) {
    const char* why = invalid_id_reason(value);
    return why ? fail(std::string(ptr), why) : true;
  }

  bool read_paths(const json::object& top) {
    std::string_view root = ".";
    if (!opt_string(top, "root", {"/root"}, root)) return false;
    std::filesystem::path r = std::filesystem::path(root).is_absolute()
                                  ? std::filesystem::path(root)
                                  : m_.dir / std::filesystem::path(root);
    r = r.lexically_normal();
    if (!r.has_filename() && r.has_relative_path()) r = r.parent_path();
    m_.root = std::move(r);
    return opt_string(top, "html", {"/html"}, m_.html) && relative_path("/html", m_.html) &&
           opt_string(top, "public", {"/public"}, m_.public_dir) &&
           relative_path("/public", m_.public_dir);
  }

  bool read_modules(const ScannedManifest& doc) {
    if (!doc.modules_scanned) {
      if (doc.top.contains("modules")) return fail("/modules", "expected an array of modules");
      return fail("/modules", "required field missing (expected an array of modules)");
    }
    if (prev_) m_.rewritten.emplace();
    ModuleTableBuilder table(text_, m_.arena);
    size_t i = 0;  // module number
    for (const ModuleSlot& slot : doc.modules) {
      if (slot.from == ModuleSlot::From::previous_chunk) {
        const ModuleTable::Chunk& chunk = prev_->modules.chunks()[slot.index];
        table.share(chunk);
        i += chunk->specs.size();
      } else if (slot.from == ModuleSlot::From::previous_module) {
        const ModuleSpec& old = prev_->modules[slot.index];
        const ModuleChunk* from =
            prev_->modules.chunks()[slot.index / ModuleTable::kChunkSize].get();
        table.add(old, old.imports, from, slot.offset, slot.bytes);
        in_place_ = in_place_ && slot.index == i;
        ++i;
      } else {
        ModuleSpec spec;
        imports_.clear();
        if (!read_module(doc.value_of(slot), i, spec)) return false;
        table.add(spec, imports_, nullptr, slot.offset, slot.bytes);
        if (prev_) m_.rewritten->push_back(spec.id);
        in_place_ =
            in_place_ && prev_ && i < prev_->modules.size() && prev_->modules[i].id == spec.id;
        ++i;
      }
    }
    m_.modules = table.finish();
    return true;
  }

  // Ids are unique. When every module sits where it sat before with the same id, the previous
  // index holds as it is; otherwise it is built again.
  bool index_modules() {
    if (prev_ && in_place_ && m_.modules.size() == prev_->modules.size()) {
      m_.index = prev_->index;  // it keeps alive the chunks its keys point into
      m_.id_set_fingerprint = prev_->id_set_fingerprint;
      return true;
    }
    auto index = std::make_shared<ModuleIndex>();
    m_.index = index;
    index->keys_from = m_.modules.chunks();
    index->positions.reserve(m_.modules.size());
    for (size_t i = 0; i < m_.modules.size(); ++i) {
      std::string_view id = m_.modules[i].id;
      auto [it, inserted] = index->positions.try_emplace(id, static_cast<uint32_t>(i));
      if (!inserted) {
        return fail(at("/modules", i, "id"), "duplicate id " + quoted(id) + " (first at " +
                                                 at("/modules", it->second, "id") + ")");
      }
      m_.id_set_fingerprint += id_fingerprint(id);
    }
    return true;
  }

  // The fields of one module, found in a single pass over its keys (six if_contains() lookups per
  // module were a measurable part of parsing 10,000 modules).
  struct ModuleFields {
    const json::value* id = nullptr;
    const json::value* kind = nullptr;
    const json::value* route = nullptr;
    const json::value* hash = nullptr;
    const json::value* accept = nullptr;
    const json::value* imports = nullptr;
  };

  static ModuleFields fields_of(const json::object& o) {
    ModuleFields f;
    for (const auto& kv : o) {
      std::string_view key(kv.key().data(), kv.key().size());
      if (key == "id") {
        f.id = &kv.value();
      } else if (key == "kind") {
        f.kind = &kv.value();
      } else if (key == "imports") {
        f.imports = &kv.value();
      } else if (key == "hash") {
        f.hash = &kv.value();
      } else if (key == "accept") {
        f.accept = &kv.value();
      } else if (key == "route") {
        f.route = &kv.value();
      }
    }
    return f;
  }

  // One parsed module into `spec`, its imports into imports_.
  bool read_module(const json::value& v, size_t i, ModuleSpec& spec) {
    const json::object* o = v.if_object();
    if (!o) return fail(at("/modules", i), "expected an object");
    ModuleFields f = fields_of(*o);
    if (!read_id(f.id, i, spec) || !read_kind(f.kind, i, spec)) return false;
    if (f.route) {
      if (!f.route->is_string()) return fail(at("/modules", i, "route"), "expected a string");
      spec.route = keep(f.route->get_string());
    }
    if (f.hash) {
      if (!f.hash->is_string()) return fail(at("/modules", i, "hash"), "expected a string");
      spec.has_hash = true;
      spec.hash = keep(f.hash->get_string());
    }
    spec.accept = default_accept(spec.kind);
    if (f.accept) {
      if (!f.accept->is_bool()) return fail(at("/modules", i, "accept"), "expected a boolean");
      spec.accept = f.accept->get_bool();
    }
    return !f.imports || string_array(*f.imports, {"/modules", i, "imports"}, true, imports_);
  }

  bool read_id(const json::value* id, size_t i, ModuleSpec& spec) {
    if (!id) return fail(at("/modules", i, "id"), "required field missing");
    const json::string* s = id->if_string();
    if (!s) return fail(at("/modules", i, "id"), "expected a string");
    if (const char* why = invalid_id_reason(view(*s))) return fail(at("/modules", i, "id"), why);
    spec.id = keep(*s);  // the index key must outlive the DOM: it points at the arena copy
    return true;
  }

  bool read_kind(const json::value* k, size_t i, ModuleSpec& spec) {
    if (!k) return true;
    const json::string* s = k->if_string();
    std::optional<Kind> kind = s ? parse_kind(view(*s)) : std::nullopt;
    if (!kind) {
      return fail(at("/modules", i, "kind"),
                  "expected one of \"entry\", \"page\", \"component\", \"module\", \"style\", "
                  "\"asset\"");
    }
    spec.kind = *kind;
    return true;
  }

  bool read_entries(const json::object& top) {
    const json::value* v = top.if_contains("entries");
    if (!v) return fail("/entries", "required field missing (expected an array of module ids)");
    if (!string_array(*v, {"/entries"}, true, m_.entries)) return false;
    for (size_t i = 0; i < m_.entries.size(); ++i) {
      if (!m_.index->positions.contains(m_.entries[i])) {
        return fail(at("/entries", i), "unknown module " + quoted(m_.entries[i]) +
                                           " (every entry must be listed in /modules)");
      }
    }
    return true;
  }

  bool read_hints(const json::object& top) {
    if (const json::value* v = top.if_contains("changed")) {
      m_.changed.emplace();
      if (!string_array(*v, {"/changed"}, true, *m_.changed)) return false;
      for (std::string_view id : *m_.changed) {
        if (!m_.index->positions.contains(id)) {
          m_.warnings.push_back("/changed lists " + quoted(id) + ", which is not in /modules");
        }
      }
    }
    if (const json::value* v = top.if_contains("removed")) {
      if (!string_array(*v, {"/removed"}, true, m_.removed)) return false;
      for (size_t i = 0; i < m_.removed.size(); ++i) {
        auto it = m_.index->positions.find(m_.removed[i]);
        if (it != m_.index->positions.end()) {
          return fail(at("/removed", i), quoted(m_.removed[i]) +
                                             " is removed but still listed at " +
                                             at("/modules", it->second, "id"));
        }
      }
    }
    return opt_string(top, "build", {"/build"}, m_.build);
  }

  bool read_resolve(const json::object& top) {
    const json::value* v = top.if_contains("resolve");
    if (!v) return true;
    const json::object* r = v->if_object();
    if (!r) return fail("/resolve", "expected an object");
    if (const json::value* a = r->if_contains("alias")) {
      if (!read_alias(*a)) return false;
    }
    if (const json::value* e = r->if_contains("extensions")) {
      m_.extensions.clear();
      if (!string_array(*e, {"/resolve/extensions"}, false, m_.extensions)) return false;
      for (size_t i = 0; i < m_.extensions.size(); ++i) {
        if (m_.extensions[i].size() < 2 || m_.extensions[i][0] != '.') {
          return fail(at("/resolve/extensions", i), "expected an extension such as \".js\"");
        }
      }
    }
    return true;
  }

  bool read_alias(const json::value& v) {
    const json::object* o = v.if_object();
    if (!o) return fail("/resolve/alias", "expected an object mapping prefixes to folders");
    for (const auto& kv : *o) {
      std::string ptr = "/resolve/alias/" + pointer_escape(kv.key());
      const json::string* target = kv.value().if_string();
      if (!target) return fail(ptr, "expected a string (a folder relative to root)");
      if (kv.key().empty()) return fail(ptr, "expected a non-empty prefix");
      std::string normalized;
      if (!append_normalized(normalized, view(*target)) || view(*target).starts_with('/')) {
        return fail(ptr, "must be a folder inside root");
      }
      m_.alias.push_back({m_.arena->store(kv.key()), m_.arena->store(normalized)});
    }
    return true;
  }

  bool read_misc(const json::object& top) {
    if (const json::value* v = top.if_contains("ignore")) {
      if (!string_array(*v, {"/ignore"}, false, m_.ignore)) return false;
    }
    return opt_string(top, "backend", {"/backend"}, m_.backend) && read_router(top);
  }

  bool read_router(const json::object& top) {
    const json::value* v = top.if_contains("router");
    if (!v) return true;
    const json::object* o = v->if_object();
    if (!o) return fail("/router", "expected an object ({\"root\": module id})");
    const json::value* root = o->if_contains("root");
    if (!root)
      return fail("/router/root", "required field missing (expected the root route module's id)");
    if (!root->is_string()) return fail("/router/root", "expected a string");
    m_.router_root = keep(root->get_string());
    if (!m_.index->positions.contains(m_.router_root))
      return fail("/router/root", "unknown module " + quoted(m_.router_root));
    return true;
  }

  Manifest& m_;
  const Manifest* prev_;
  std::string_view text_;
  std::vector<std::string_view> imports_;  // the module being read
  bool in_place_ = true;  // every module so far has the id the previous manifest had there
};

}  // namespace

Result<Manifest> parse_manifest(std::string_view text, const std::filesystem::path& manifest_dir,
                                const Manifest* previous) {
  if (text.size() > UINT32_MAX) return fail("the manifest is over 4 GiB");
  // The DOMs live only for this call; a monotonic resource makes their nodes one allocation
  // stream, released at once. Its first block is kept per thread between calls: a fresh
  // multi-megabyte block costs more in page faults than the parse itself.
  thread_local std::vector<unsigned char> block;
  if (block.size() < text.size() * 2 + 4096) block.resize(text.size() * 2 + 4096);
  json::monotonic_resource mr(block.data(), block.size());
  auto scanned = scan_manifest(text, json::storage_ptr(&mr), previous);
  if (!scanned) return scanned.error();
  Manifest m;
  m.dir = manifest_dir;
  Reader reader(m, previous, text);
  if (!reader.read(*scanned)) return fail(std::move(reader.error));
  return m;
}

Result<Manifest> read_manifest(const std::filesystem::path& path, const Manifest* previous) {
  // POSIX reads into a buffer kept per thread: an ifstream allocates a buffer per open, and a fresh
  // multi-megabyte string costs page faults on every read.
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return fail(path.string() + ": cannot open the manifest (" + std::strerror(errno) + ")");
  thread_local std::string buffer;
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    const std::string why = S_ISDIR(st.st_mode) ? "it is a directory, not the manifest file"
                                                : "it is not a regular file";
    ::close(fd);
    return fail(path.string() + ": cannot read the manifest: " + why);
  }
  const size_t size = static_cast<size_t>(st.st_size);
  if (buffer.size() < size) buffer.resize(size);
  // A file cut short while we read (a compiler writing in place) reads as invalid JSON, which the
  // caller may read again.
  size_t got = 0;
  while (got < size) {
    const ssize_t n = ::read(fd, buffer.data() + got, size - got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const std::string why = std::strerror(errno);
      ::close(fd);
      return fail(path.string() + ": cannot read the manifest (" + why + ")");
    }
    if (n == 0) break;
    got += static_cast<size_t>(n);
  }
  ::close(fd);
  auto m = parse_manifest(std::string_view(buffer.data(), got), path.parent_path(), previous);
  if (!m) return prefixed(path.string() + ": ", m.error());
  return m;
}

}  // namespace hr::graph

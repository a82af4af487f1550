// The bytes of a module cache entry (module_cache.h), the payload codec, and `cache clear`.
//
// An entry: "HRMC", the format version, the key's length, the payload's length and XXH3-64, then
// the key and the payload, integers in the machine's byte order (a file from another machine then
// reads as corrupt, which only costs a rebuild). The length check catches a truncated or padded
// file, the key a foreign one, the hash a flipped byte.
#include <xxhash.h>

#include <cstdio>
#include <cstring>

#include "orchestrator/module_cache.h"
#include "orchestrator/orchestrator.h"
#include "orchestrator/scan_cache.h"
#include "orchestrator/token_snapshot.h"

namespace hr::orch {

namespace fs = std::filesystem;

namespace {

constexpr std::string_view kMagic = "HRMC";
// Bump when the entry layout or what a payload means changes (e.g. module_builder_cache.cc's
// fields, or how source_map() names sources): older entries then read as foreign and are rebuilt.
constexpr std::uint32_t kFormatVersion = 1;
constexpr std::size_t kHeaderSize = 4 + 4 + 4 + 8 + 8;

template <class T>
void put_int(std::string& out, T v) {
  out.append(reinterpret_cast<const char*>(&v), sizeof v);
}

template <class T>
T get_int(std::string_view bytes, std::size_t at) {
  T v;
  std::memcpy(&v, bytes.data() + at, sizeof v);
  return v;
}

}  // namespace

std::string encode_entry(std::string_view key, std::string_view payload) {
  std::string out;
  out.reserve(kHeaderSize + key.size() + payload.size());
  out.append(kMagic);
  put_int<std::uint32_t>(out, kFormatVersion);
  put_int<std::uint32_t>(out, static_cast<std::uint32_t>(key.size()));
  put_int<std::uint64_t>(out, payload.size());
  put_int<std::uint64_t>(out, XXH3_64bits(payload.data(), payload.size()));
  out.append(key);
  out.append(payload);
  return out;
}

Result<std::string> decode_entry(std::string_view bytes, std::string_view key) {
  if (bytes.size() < kHeaderSize || bytes.substr(0, 4) != kMagic)
    return fail("not a cache entry (no header)");
  if (get_int<std::uint32_t>(bytes, 4) != kFormatVersion)
    return fail("written in another format version");
  const std::uint64_t key_size = get_int<std::uint32_t>(bytes, 8);
  const std::uint64_t payload_size = get_int<std::uint64_t>(bytes, 12);
  if (bytes.size() - kHeaderSize < key_size ||
      bytes.size() - kHeaderSize - key_size != payload_size)
    return fail("truncated or torn: " + std::to_string(bytes.size()) + " bytes, header says " +
                std::to_string(kHeaderSize + key_size + payload_size));
  if (bytes.substr(kHeaderSize, key_size) != key) return fail("written for another key");
  const std::string_view payload = bytes.substr(kHeaderSize + key_size);
  if (XXH3_64bits(payload.data(), payload.size()) != get_int<std::uint64_t>(bytes, 20))
    return fail("corrupt: the payload's checksum does not match");
  return std::string(payload);
}

std::string encode_strings(const std::vector<std::string_view>& parts) {
  std::size_t size = 4;
  for (auto p : parts) size += 8 + p.size();
  std::string out;
  out.reserve(size);
  put_int<std::uint32_t>(out, static_cast<std::uint32_t>(parts.size()));
  for (auto p : parts) {
    put_int<std::uint64_t>(out, p.size());
    out.append(p);
  }
  return out;
}

std::optional<std::vector<std::string>> decode_strings(std::string_view bytes) {
  if (bytes.size() < 4) return std::nullopt;
  const std::uint32_t count = get_int<std::uint32_t>(bytes, 0);
  std::vector<std::string> out;
  std::size_t at = 4;
  for (std::uint32_t i = 0; i < count; ++i) {
    if (bytes.size() - at < 8) return std::nullopt;
    const std::uint64_t n = get_int<std::uint64_t>(bytes, at);
    at += 8;
    if (bytes.size() - at < n) return std::nullopt;
    out.emplace_back(bytes.substr(at, n));
    at += n;
  }
  if (at != bytes.size()) return std::nullopt;
  return out;
}

fs::path ModuleCache::dir_in(const fs::path& state_dir) {
  return state_dir / "cache" / "modules";
}

Result<Cleared> clear_module_cache(const fs::path& dir) {
  Cleared c;
  std::error_code ec;
  if (!fs::exists(dir, ec)) return c;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    std::error_code size_ec;
    const auto size = e.is_regular_file(size_ec) ? e.file_size(size_ec) : 0;
    if (size_ec) continue;
    ++c.files;
    c.bytes += size;
  }
  if (ec) return fail("cannot list " + dir.string() + ": " + ec.message());
  // A running server may write an entry meanwhile (then the folder is not empty): try again.
  for (int attempt = 0; attempt < 3; ++attempt) {
    ec.clear();
    fs::remove_all(dir, ec);
    if (!ec) break;
  }
  if (ec) return fail("cannot remove " + dir.string() + ": " + ec.message());
  return c;
}

// Works whether a server runs or not: a running one treats the deleted entries as misses.
int run_cache_clear(const fs::path& state_dir) {
  const fs::path dir = ModuleCache::dir_in(state_dir);
  auto cleared = clear_module_cache(dir);
  if (!cleared) {
    std::fprintf(stderr, "hr-orchestrate: %s\n", cleared.error().message.c_str());
    return 1;
  }
  std::printf("hr-orchestrate: removed %s: %llu files, %.1f MiB\n", dir.c_str(),
              static_cast<unsigned long long>(cleared->files),
              static_cast<double>(cleared->bytes) / (1 << 20));
  // The import scans and the URL tokens go too: a cleared cache starts as a first start does.
  for (const fs::path& f : {scan_cache_file(state_dir), token_snapshot_file(state_dir)}) {
    std::error_code ec;
    if (fs::remove(f, ec)) std::printf("hr-orchestrate: removed %s\n", f.c_str());
  }
  return 0;
}

}  // namespace hr::orch

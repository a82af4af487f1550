#include "orchestrator/source_map.h"

#include <openssl/evp.h>

#include <boost/json.hpp>

namespace hr::orch {

namespace json = boost::json;

namespace {

// A path's bytes that a URL path may carry as they are (RFC 3986 pchar and "/"); the rest
// (spaces, '%', '#', '?', non-ASCII bytes) is percent-encoded.
bool url_safe(unsigned char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("-._~/!$&'()*+,;=:@").find(static_cast<char>(c)) !=
         std::string_view::npos;
}

json::object* parse_object(std::string_view text, json::value& doc) {
  boost::system::error_code ec;
  doc = json::parse(text, ec);
  return ec ? nullptr : doc.if_object();
}

}  // namespace

std::string file_url(const std::filesystem::path& path) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out = "file://";
  for (unsigned char c : path.generic_string()) {
    if (url_safe(c)) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

std::string with_file_sources(
    std::string_view map_json,
    const std::function<std::filesystem::path(std::string_view source)>& source_path) {
  json::value doc;
  json::object* map = parse_object(map_json, doc);
  if (!map) return "";
  if (json::value* sources = map->if_contains("sources"); sources && sources->is_array()) {
    for (json::value& s : sources->get_array())
      // "<define:import.meta.env>" and the like are esbuild's own inputs, not files.
      if (s.is_string() && !s.get_string().starts_with("<"))
        s = file_url(source_path(std::string_view(s.get_string())));
  }
  return json::serialize(doc);
}

std::string source_map_comment(std::string_view map_json, std::size_t lines_above) {
  if (map_json.empty()) return "";
  json::value doc;
  json::object* map = parse_object(map_json, doc);
  if (!map) return "";
  // One ';' per line starts the next line of the generated code: the header's lines map nowhere.
  std::string mappings(lines_above, ';');
  if (const json::value* m = map->if_contains("mappings"); m && m->is_string())
    mappings.append(m->get_string());
  (*map)["mappings"] = mappings;
  return "//# sourceMappingURL=data:application/json;base64," + base64(json::serialize(doc));
}

std::string base64(std::string_view bytes) {
  // EVP_EncodeBlock writes 4 bytes per 3 (the last 3 padded) and a NUL.
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(bytes.data()),
                                static_cast<int>(bytes.size()));
  out.resize(n);
  return out;
}

}  // namespace hr::orch

#include "orchestrator/assemble.h"

#include <algorithm>
#include <boost/json/serialize.hpp>
#include <boost/json/string.hpp>
#include <cctype>

#include "orchestrator/source_map.h"

namespace hr::orch {

std::string json_string(std::string_view s) {
  return boost::json::serialize(boost::json::string(s));
}

namespace {

// Fills the placeholders of built code: the deps key, and each `"/id?t=__HR_T__"` with the query
// `query_of` gives that path. Appends to `out`; with `url_starts`, records where in `out` each of
// those import URLs begins, and returns false when one's opening quote is not found.
bool fill_placeholders(std::string& out, std::string_view code, std::string_view deps_key,
                       const ImportQuery& query_of, std::vector<size_t>* url_starts) {
  bool all_found = true;
  size_t pos = 0;
  for (;;) {
    const size_t dep = code.find(kDepsKeyPlaceholder, pos);
    const size_t ver = code.find(kVersionPlaceholder, pos);
    const size_t at = std::min(dep, ver);
    if (at == std::string_view::npos) break;
    const bool is_version = at == ver;
    // The URL starts after the quote that opens it: "/" + id, or "/@deps/…".
    const size_t quote = code.find_last_of("\"'`", at);
    const bool quoted = quote != std::string_view::npos && quote >= pos && quote + 2 <= at;
    out.append(code.substr(pos, at - pos));
    if (url_starts) {
      const bool path = quoted && code[quote + 1] == '/';
      if (path) url_starts->push_back(out.size() - (at - quote - 1));
      all_found = all_found && path;
    }
    if (is_version) {
      if (query_of && quoted) out += query_of(code.substr(quote + 1, at - quote - 1));
      pos = at + kVersionPlaceholder.size();
    } else {
      out.append(deps_key);
      pos = at + kDepsKeyPlaceholder.size();
    }
  }
  out.append(code.substr(pos));
  return all_found;
}

std::string hmr_header(std::string_view url_path, std::string_view token = {},
                       std::string_view client_url = kClientPath, bool named_by_version = false) {
  std::string args = json_string(url_path);
  if (!token.empty()) args += ", import.meta.url, " + json_string(token);
  if (!token.empty() && named_by_version) args += ", true";
  return "import { createHotContext as __hr_hot } from \"" + std::string(client_url) +
         "\";\nimport.meta.hot = __hr_hot(" + args + ");\n";
}

// Appends the served module to `out`; see assemble_js_module_parts() for `url_starts`.
bool assemble_into(std::string& out, const ModuleShape& shape, std::string_view built_code,
                   std::string_view deps_key, const ImportQuery& query_of,
                   std::vector<size_t>* url_starts) {
  out = hmr_header(shape.url_path, shape.token, shape.client_url, shape.named_by_version);
  if (url_starts) url_starts->push_back(out.find(kClientPath));
  bool ok = fill_placeholders(out, built_code, deps_key, query_of, url_starts);
  if (shape.refresh_boundary) {
    out += "\nwindow.__hr_refresh_module?.(import.meta.url, import.meta.hot, " +
           json_string(hooks_signature(built_code)) + ");\n";
  }
  if (!shape.source_map.empty()) {
    if (!out.ends_with('\n')) out += '\n';
    out.append(shape.source_map);
    out += '\n';
  }
  return ok;
}

// Whether built code means the same evaluated from a data: URL as from its own: it reads
// import.meta only for `hot`, and every dynamic import names a URL path the assembly prefixes.
bool location_independent(std::string_view code) {
  for (size_t at = 0; (at = code.find("import.meta", at)) != std::string_view::npos; ++at)
    if (code.substr(at + 11, 4) != ".hot") return false;
  for (size_t at = 0; (at = code.find("import(", at)) != std::string_view::npos; ++at)
    if (code.substr(at + 7, 2) != "\"/") return false;
  return true;
}

}  // namespace

std::string wrapper_path(std::string_view id, std::string_view variant) {
  return "/@hr/" + std::string(variant) + "/" + std::string(id);
}

std::string import_url(std::string_view id, std::string_view variant) {
  return (variant.empty() ? "/" + std::string(id) : wrapper_path(id, variant)) +
         std::string(kVersionPlaceholder);
}

std::vector<std::string> lazy_import_ids(std::string_view built_code) {
  std::vector<std::string> ids;
  constexpr std::string_view opener = "import(\"/";
  for (size_t at = built_code.find(opener); at != std::string_view::npos;
       at = built_code.find(opener, at + opener.size())) {
    const size_t path = at + opener.size() - 1;
    const size_t end = built_code.find('"', path);
    if (end == std::string_view::npos) break;
    const std::string_view url = built_code.substr(path, end - path);
    if (!url.ends_with(kVersionPlaceholder) || url.starts_with("/@")) continue;
    ids.emplace_back(url.substr(1, url.size() - 1 - kVersionPlaceholder.size()));
  }
  return ids;
}

std::string_view id_of_import_path(std::string_view url_path) {
  if (url_path.starts_with("/@hr/")) {
    const size_t slash = url_path.find('/', 5);
    return slash == std::string_view::npos ? "" : url_path.substr(slash + 1);
  }
  return url_path.starts_with("/") ? url_path.substr(1) : url_path;
}

std::string assemble_wrapper(std::string_view variant, std::string_view url, std::string_view bytes,
                             std::string_view content_type) {
  std::string value;
  if (variant == "raw") {
    value = json_string(bytes);
  } else if (variant == "inline") {
    value = json_string("data:" + std::string(content_type) + ";base64," + base64(bytes));
  } else {
    value = json_string(url);
  }
  return "export default " + value + ";\n";
}

ImportQuery version_query(VersionOf version_of) {
  if (!version_of) return {};
  return [version_of = std::move(version_of)](std::string_view path) {
    const std::uint64_t v = version_of(id_of_import_path(path));
    return v ? "?t=" + std::to_string(v) : std::string();
  };
}

std::string assemble_js_module(const ModuleShape& shape, std::string_view built_code,
                               std::string_view deps_key, const ImportQuery& query_of) {
  std::string out;
  assemble_into(out, shape, built_code, deps_key, query_of, nullptr);
  return out;
}

std::string assemble_js_module(const ModuleShape& shape, std::string_view built_code,
                               std::string_view deps_key, const VersionOf& version_of) {
  return assemble_js_module(shape, built_code, deps_key, version_query(version_of));
}

std::vector<std::string> assemble_js_module_parts(const ModuleShape& shape,
                                                  std::string_view built_code,
                                                  std::string_view deps_key,
                                                  const VersionOf& version_of) {
  return assemble_js_module_parts(shape, built_code, deps_key, version_query(version_of));
}

std::vector<std::string> assemble_js_module_parts(const ModuleShape& shape,
                                                  std::string_view built_code,
                                                  std::string_view deps_key,
                                                  const ImportQuery& query_of) {
  if (!location_independent(built_code)) return {};
  std::string code;
  std::vector<size_t> starts;
  if (!assemble_into(code, shape, built_code, deps_key, query_of, &starts)) return {};
  if (code.size() > kInlineCodeMax) return {};
  std::sort(starts.begin(), starts.end());
  std::vector<std::string> parts;
  size_t pos = 0;
  for (size_t at : starts) {
    parts.emplace_back(code.substr(pos, at - pos));
    pos = at;
  }
  parts.emplace_back(code.substr(pos));
  return parts;
}

std::string served_source_map(std::string_view map_json) {
  // The header's lines; a URL path is a JSON string in it, so any path gives the same count.
  static const std::size_t header_lines = [] {
    const std::string h = hmr_header("/");
    return static_cast<std::size_t>(std::count(h.begin(), h.end(), '\n'));
  }();
  return source_map_comment(map_json, header_lines);
}

namespace {

// Creates or updates the module's <style> element with `css`.
std::string style_element_code(std::string_view url_path, std::string_view css) {
  const std::string id = json_string(url_path);
  return "const __hr_css = " + json_string(css) +
         ";\n"
         "let __hr_style = document.querySelector(`style[data-hr-css=\"${" +
         id +
         "}\"]`);\n"
         "if (!__hr_style) {\n"
         "  __hr_style = document.createElement(\"style\");\n"
         "  __hr_style.setAttribute(\"data-hr-css\", " +
         id +
         ");\n"
         "  document.head.appendChild(__hr_style);\n"
         "}\n"
         "__hr_style.textContent = __hr_css;\n";
}

}  // namespace

std::string assemble_css_module(std::string_view url_path, std::string_view css,
                                std::string_view token, std::string_view client_url,
                                bool named_by_version) {
  return hmr_header(url_path, token, client_url, named_by_version) +
         style_element_code(url_path, css) +
         "import.meta.hot.accept();\n"
         "import.meta.hot.prune(() => __hr_style.remove());\n";
}

std::string assemble_package_css_module(std::string_view url_path, std::string_view css) {
  return style_element_code(url_path, css);
}

namespace {

// Whether a URL in CSS resolves the same from any page of the app: absolute paths, other schemes
// (data:, https:), fragments (an SVG filter's #id).
bool url_is_absolute(std::string_view url) {
  if (url.empty() || url.front() == '/' || url.front() == '#') return true;
  const size_t colon = url.find(':');
  if (colon == std::string_view::npos || colon == 0) return false;
  return std::all_of(url.begin(), url.begin() + colon, [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '-' || c == '.';
  });
}

// The URL starting at `at` (after `url(` or `@import`): quotes and white space stripped.
std::string_view css_url_at(std::string_view css, size_t at) {
  while (at < css.size() && std::isspace(static_cast<unsigned char>(css[at]))) ++at;
  if (css.substr(at, 4) == "url(") return css_url_at(css, at + 4);
  if (at < css.size() && (css[at] == '"' || css[at] == '\'')) {
    const size_t end = css.find(css[at], at + 1);
    return css.substr(at + 1, end == std::string_view::npos ? 0 : end - at - 1);
  }
  size_t end = at;
  while (end < css.size() && css[end] != ')' && css[end] != ';' &&
         !std::isspace(static_cast<unsigned char>(css[end])))
    ++end;
  return css.substr(at, end - at);
}

}  // namespace

bool css_travels_inline(std::string_view css) {
  if (css.size() > kInlineCssMax) return false;
  for (std::string_view opener : {"url(", "@import"}) {
    for (size_t at = css.find(opener); at != std::string_view::npos;
         at = css.find(opener, at + opener.size())) {
      if (!url_is_absolute(css_url_at(css, at + opener.size()))) return false;
    }
  }
  return true;
}

std::string hooks_signature(std::string_view code) {
  std::string sig;
  for (size_t at = code.find("use"); at != std::string_view::npos; at = code.find("use", at + 3)) {
    if (at > 0 && (std::isalnum(static_cast<unsigned char>(code[at - 1])) || code[at - 1] == '_' ||
                   code[at - 1] == '$')) {
      continue;
    }
    size_t end = at + 3;
    if (end >= code.size() || !std::isupper(static_cast<unsigned char>(code[end]))) continue;
    while (end < code.size() &&
           (std::isalnum(static_cast<unsigned char>(code[end])) || code[end] == '_'))
      ++end;
    if (end < code.size() && code[end] == '(') {
      if (!sig.empty()) sig += ',';
      sig.append(code.substr(at, end - at));
    }
  }
  return sig;
}

std::string name_versions(std::string_view html,
                          const std::function<std::string(std::string_view path)>& query_of) {
  std::string out;
  size_t pos = 0;
  for (size_t at = pos; (at = html.find("=", at)) != std::string_view::npos; ++at) {
    const bool attr = (at >= 3 && html.substr(at - 3, 3) == "src") ||
                      (at >= 4 && html.substr(at - 4, 4) == "href");
    if (!attr || at + 2 >= html.size()) continue;
    const char quote = html[at + 1];
    if ((quote != '"' && quote != '\'') || html[at + 2] != '/' || html.substr(at + 2, 2) == "//")
      continue;
    const size_t end = html.find(quote, at + 2);
    if (end == std::string_view::npos) break;
    const std::string_view path = html.substr(at + 2, end - at - 2);
    if (path.find_first_of("?#") != std::string_view::npos) continue;
    out.append(html.substr(pos, end - pos));
    out += query_of(path);
    pos = end;
  }
  out.append(html.substr(pos));
  return out;
}

std::string assemble_html(std::string_view html, std::string_view refresh_runtime_url) {
  if (refresh_runtime_url.empty()) return std::string(html);
  const std::string preamble =
      "<script type=\"module\">\n"
      "import RefreshRuntime from " +
      json_string(refresh_runtime_url) +
      ";\n"
      "RefreshRuntime.injectIntoGlobalHook(window);\n"
      "window.$RefreshReg$ = () => {};\n"
      "window.$RefreshSig$ = () => (type) => type;\n"
      "window.__hr_refresh_runtime = RefreshRuntime;\n"
      "</script>\n";
  std::string out(html);
  size_t at = out.find("<script");
  if (at == std::string::npos) at = out.find("</head>");
  if (at == std::string::npos) at = out.find("</body>");
  if (at == std::string::npos) at = out.size();
  out.insert(at, preamble);
  return out;
}

}  // namespace hr::orch

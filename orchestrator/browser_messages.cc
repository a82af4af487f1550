#include "orchestrator/browser_messages.h"

#include <boost/json.hpp>

#include "orchestrator/result.h"

namespace hr::orch {

namespace json = boost::json;

namespace {

json::object tokens_object(const std::map<std::string, std::string>& tokens) {
  json::object o;
  for (const auto& [path, token] : tokens) o[path] = token;
  return o;
}

json::object news_object(const UrlNews& news, json::object o = {}) {
  o["seq"] = news.seq;
  o["moved"] = tokens_object(news.moved);
  o["changed"] = tokens_object(news.changed);
  return o;
}

}  // namespace

std::string update_message(std::string_view build, const std::vector<UpdateEntry>& entries,
                           const UrlNews* urls) {
  json::array updates;
  for (const auto& e : entries) {
    json::object u{{"type", e.type == UpdateEntry::Type::js ? "js-update" : "css-update"},
                   {"path", "/" + e.id},
                   {"acceptedPath", "/" + e.id},
                   {"timestamp", e.timestamp}};
    if (!e.url.empty()) u["url"] = e.url;
    if (e.css) u["css"] = *e.css;
    if (!e.code.empty()) u["code"] = json::array(e.code.begin(), e.code.end());
    updates.push_back(std::move(u));
  }
  json::object m{{"type", "update"}, {"build", build}, {"updates", std::move(updates)}};
  if (urls) m["urls"] = news_object(*urls);
  return json::serialize(m);
}

std::string urls_message(const UrlNews& news) {
  return json::serialize(news_object(news, json::object{{"type", "hr:urls"}}));
}

std::string full_reload_message(std::string_view reason, std::string_view build) {
  json::object o{{"type", "full-reload"}, {"path", "*"}, {"reason", reason}};
  if (!build.empty()) o["build"] = build;
  return json::serialize(o);
}

std::string error_message(std::string_view build, const esbuild::Message& e) {
  json::object err;
  err["message"] = e.text;
  err["id"] = e.location ? e.location->file : "";
  err["frame"] = error_frame(e);
  if (e.location) {
    err["loc"] = json::object{
        {"file", e.location->file}, {"line", e.location->line}, {"column", e.location->column}};
  }
  return json::serialize(
      json::object{{"type", "error"}, {"build", build}, {"err", std::move(err)}});
}

}  // namespace hr::orch

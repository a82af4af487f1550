#include "server/reply.h"

namespace hr::server {

std::string_view reason_phrase(int status) {
  switch (status) {
    case 101:
      return "Switching Protocols";
    case 200:
      return "OK";
    case 204:
      return "No Content";
    case 304:
      return "Not Modified";
    case 400:
      return "Bad Request";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 408:
      return "Request Timeout";
    case 413:
      return "Content Too Large";
    case 414:
      return "URI Too Long";
    case 426:
      return "Upgrade Required";
    case 431:
      return "Request Header Fields Too Large";
    case 500:
      return "Internal Server Error";
    case 501:
      return "Not Implemented";
    case 502:
      return "Bad Gateway";
    case 503:
      return "Service Unavailable";
    case 505:
      return "HTTP Version Not Supported";
    default:
      return "Unknown";
  }
}

std::string html_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '&':
        out += "&amp;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string Reply::serialize_head() const {
  std::string out;
  out.reserve(256);
  out += "HTTP/1.1 ";
  out += std::to_string(status);
  out += ' ';
  out += reason_phrase(status);
  out += "\r\n";
  for (const Header& h : headers) {
    out += h.name;
    out += ": ";
    out += h.value;
    out += "\r\n";
  }
  if (status != 304 && status >= 200 && status != 204) {
    out += "Content-Length: ";
    out += std::to_string(body_size());
    out += "\r\n";
  }
  if (close) {
    out += "Connection: close\r\n";
  } else if (keep_alive_10) {
    out += "Connection: keep-alive\r\n";
  }
  out += "\r\n";
  return out;
}

Reply Reply::error(int status, std::string_view detail) {
  Reply r;
  r.status = status;
  std::string page = "<!doctype html><title>" + std::to_string(status) + "</title><h1>" +
                     std::to_string(status) + " " + std::string(reason_phrase(status)) + "</h1>";
  if (!detail.empty()) page += "<p>" + html_escape(detail) + "</p>";
  page += "\n";
  r.body = std::make_shared<const std::string>(std::move(page));
  r.add("Content-Type", "text/html; charset=utf-8");
  r.add("Cache-Control", "no-store");
  return r;
}

}  // namespace hr::server

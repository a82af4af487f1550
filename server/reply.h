// A response the server produces itself (modules, files, the shell, errors), ready to be written
// as two buffers: the serialized head and a shared body, so serving a module never copies its
// bytes. Error replies are short HTML pages that say what went wrong.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "server/request.h"

namespace hr::server {

std::string_view reason_phrase(int status);

// Escapes text for inclusion in an HTML error page.
std::string html_escape(std::string_view text);

struct Reply {
  int status = 200;
  std::vector<Header> headers;
  std::shared_ptr<const std::string> body;
  bool close = false;          // close the connection after this reply
  bool head_only = false;      // HEAD: advertise the length, send no body
  bool keep_alive_10 = false;  // an HTTP/1.0 client asked for keep-alive

  void add(std::string name, std::string value) {
    headers.push_back(Header{std::move(name), std::move(value)});
  }
  std::size_t body_size() const { return body ? body->size() : 0; }
  // Status line, headers, Content-Length, Connection, blank line.
  std::string serialize_head() const;

  // A small HTML page: "<h1>404 Not Found</h1><p>detail</p>".
  static Reply error(int status, std::string_view detail = {});
};

}  // namespace hr::server

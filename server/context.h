// State shared by the Server object and every connection, session and proxy it spawns, kept in
// a shared_ptr so in-flight handlers outlive neither the listener nor each other badly. Content
// published by the orchestrator is an immutable snapshot swapped under a mutex; readers copy the
// pointer and never block the publisher for longer than that copy.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>

#include "server/backend_pool.h"
#include "server/backend_url.h"
#include "server/hmr_hub.h"
#include "server/host_check.h"
#include "server/server.h"
#include "server/static_files.h"

namespace hr::server {

class Connection;

// A published Site plus what the server derives from it once per publish.
struct SiteState {
  Site site;
  std::shared_ptr<const Asset> shell;   // html with the client script injected
  std::shared_ptr<const Asset> client;  // client_js as an asset
};

namespace detail {

struct Context {
  Context(boost::asio::io_context& io, Options opts);

  std::shared_ptr<const SiteState> site() const;
  void set_site(std::shared_ptr<const SiteState> s);
  void record_requested(const std::string& path);

  boost::asio::io_context& io;
  Options options;
  HostCheck host_check;
  StaticFiles statics;
  std::optional<BackendUrl> backend;  // read and replaced on the io thread only
  BackendPool backend_pool;
  HmrHub hub;
  boost::asio::ip::tcp::acceptor acceptor;
  std::unordered_map<std::uint64_t, std::weak_ptr<Connection>> connections;
  std::uint64_t next_connection = 1;
  bool stopped = false;

  mutable std::mutex site_mutex;
  std::shared_ptr<const SiteState> site_;
  mutable std::mutex requested_mutex;
  std::unordered_set<std::string> requested;
};

}  // namespace detail
}  // namespace hr::server

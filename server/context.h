// State shared by the Server object and every connection, session and proxy it spawns, kept in
// a shared_ptr so in-flight handlers outlive neither the listener nor each other badly.
//
// Content published by the orchestrator is served from a ServedSite: an immutable snapshot, never
// changed once shared, swapped under a mutex. Readers (the io thread's request handlers) copy the
// pointer and keep serving the snapshot they took. publish() makes a new snapshot from a whole
// Site (any thread); publish_changes() makes one on the io thread from the current one plus the
// changes, sharing every unchanged part with it (AssetTable), so its cost follows the change. Both
// swap under the same mutex, and a change is applied to the snapshot current at that moment
// (change_site), so neither loses the other's publish.
#pragma once

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>

#include "server/asset_table.h"
#include "server/backend_pool.h"
#include "server/backend_url.h"
#include "server/hmr_hub.h"
#include "server/host_check.h"
#include "server/server.h"
#include "server/static_files.h"

namespace hr::server {

class Connection;

// The site as served: what publish() was given, plus what the server derives from it once per
// publish. Immutable once shared (see above).
struct ServedSite {
  AssetTable modules;                   // Site::modules
  AssetTable deps;                      // Site::deps
  std::shared_ptr<const Asset> shell;   // Site::html with the client script injected
  std::shared_ptr<const Asset> client;  // Site::client_js as an asset
};

namespace detail {

struct Context {
  Context(boost::asio::io_context& io, Options opts);

  std::shared_ptr<const ServedSite> site() const;
  void set_site(std::shared_ptr<const ServedSite> s);
  // Replaces the site with change(current) (an empty site when none was published), holding the
  // mutex throughout: a publish() from another thread lands before or after, never in between.
  using SiteChange = std::function<std::shared_ptr<const ServedSite>(const ServedSite& current)>;
  void change_site(const SiteChange& change);
  void record_requested(const std::string& path);
  Server::OnDemand on_demand;  // set and called on the io thread
  // Server::generated(): set and called on the io thread.
  std::unordered_map<std::string, std::function<std::string()>> generated;

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
  std::shared_ptr<const ServedSite> site_;
  mutable std::mutex requested_mutex;
  // When the last app module was requested (steady clock, ns): read from any thread.
  std::atomic<std::int64_t> last_module_request_ns{0};
  std::unordered_set<std::string> requested;
};

}  // namespace detail
}  // namespace hr::server

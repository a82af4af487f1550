// Where the pipeline's output goes: the site browsers fetch and the messages pushed to them.
//
// In the server this is the dev server itself (server_publisher.h); tests of the pipeline's rules
// give it a fake that keeps what was published and pushed, with no sockets.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "server/server.h"

namespace hr::orch {

class Publisher {
 public:
  virtual ~Publisher() = default;
  // Replaces the whole site.
  virtual void publish(server::Site site) = 0;
  // Applies the changes since the last publish, in order with the messages pushed.
  virtual void publish_changes(server::SiteChanges changes) = 0;
  virtual void broadcast(std::string json) = 0;
  virtual void send(std::uint64_t client, std::string json) = 0;
  virtual std::size_t client_count() const = 0;
  // Whether a browser requested `path` ("/app/x.jsx"): it holds that module.
  virtual bool was_requested(std::string_view path) const = 0;
};

}  // namespace hr::orch

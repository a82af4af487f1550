// The pipeline's publisher in the server: the dev server itself (server/server.h).
#pragma once

#include "orchestrator/publisher.h"

namespace hr::orch {

class ServerPublisher : public Publisher {
 public:
  explicit ServerPublisher(server::Server& server) : server_(server) {}

  void publish(server::Site site) override { server_.publish(std::move(site)); }
  void publish_changes(server::SiteChanges changes) override {
    server_.publish_changes(std::move(changes));
  }
  void broadcast(std::string json) override { server_.broadcast(std::move(json)); }
  void send(std::uint64_t client, std::string json) override {
    server_.send(client, std::move(json));
  }
  std::size_t client_count() const override { return server_.client_count(); }
  bool was_requested(std::string_view path) const override { return server_.was_requested(path); }

 private:
  server::Server& server_;
};

}  // namespace hr::orch

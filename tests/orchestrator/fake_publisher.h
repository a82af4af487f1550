// A publisher without sockets, for the pipeline's rule tests (publisher.h): keeps the site as a
// server would serve it (a full publish, then changes applied in place) and every message pushed.
#pragma once

#include <functional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "orchestrator/publisher.h"

namespace hr::test {

class FakePublisher : public orch::Publisher {
 public:
  server::Site site;
  std::vector<std::string> broadcasts;
  std::vector<std::pair<std::uint64_t, std::string>> sent;
  std::size_t clients = 1;
  int full_publishes = 0;
  // Paths browsers requested; every module when `all_requested`.
  bool all_requested = true;
  std::set<std::string, std::less<>> requested;

  // The bytes served at `path` ("" when nothing is).
  std::string served(const std::string& path) const {
    auto it = site.modules.find(path);
    return it == site.modules.end() ? "" : it->second->bytes;
  }

  void publish(server::Site s) override {
    site = std::move(s);
    ++full_publishes;
  }
  void publish_changes(server::SiteChanges changes) override {
    for (auto& [path, asset] : changes.modules) {
      if (asset)
        site.modules[path] = asset;
      else
        site.modules.erase(path);
    }
    if (changes.html) site.html = *changes.html;
  }
  void broadcast(std::string json) override {
    if (on_broadcast) on_broadcast(json);
    broadcasts.push_back(std::move(json));
  }
  // Called with each message as it goes, to see what was served at that moment.
  std::function<void(const std::string&)> on_broadcast;
  void send(std::uint64_t client, std::string json) override {
    sent.emplace_back(client, std::move(json));
  }
  std::size_t client_count() const override { return clients; }
  bool was_requested(std::string_view path) const override {
    return all_requested || requested.count(path);
  }
};

}  // namespace hr::test

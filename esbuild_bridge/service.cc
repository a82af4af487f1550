#include "esbuild_bridge/service.h"

#include <spdlog/spdlog.h>

#include <cstdlib>

#include "esbuild_bridge/child.h"
#include "esbuild_bridge/codec.h"
#include "esbuild_bridge/protocol.h"

namespace hr::esbuild {

namespace {
// A rebuild answered without output joined a build that was already running; esbuild then needs
// another rebuild. More than a few in a row means something else is wrong.
constexpr int kMaxRebuildRetries = 8;
constexpr auto kHandshakeTimeout = std::chrono::seconds(10);
constexpr auto kStopTimeout = std::chrono::seconds(3);
}  // namespace

Service::Service(boost::asio::io_context& io, ServiceOptions options)
    : io_(io), options_(std::move(options)), handshake_timer_(io), stop_timer_(io) {}

std::shared_ptr<Service> Service::create(boost::asio::io_context& io, ServiceOptions options) {
  return std::shared_ptr<Service>(new Service(io, std::move(options)));
}

Service::~Service() {
  if (child_) child_->kill();
}

bool Service::running() const {
  return child_ && child_->alive() && handshake_done_;
}
int Service::pid() const {
  return child_ ? child_->pid() : -1;
}

// --- Lifecycle ---

void Service::start(Callback<std::string> ready) {
  if (on_ready_) {
    // A start is in flight (say a crash handler and a retrying build both restart): this caller
    // shares its outcome rather than killing that child for a second one.
    on_ready_ = [first = std::move(on_ready_), second = std::move(ready)](Result<std::string> r) {
      first(r);
      second(r);
    };
    return;
  }
  if (child_ && child_->alive()) {
    child_->kill();
    fail_all("was restarted");
  }
  const uint64_t generation = ++generation_;
  handshake_done_ = false;
  stopping_ = false;
  on_ready_ = std::move(ready);
  std::weak_ptr<Service> weak = shared_from_this();
  auto guard = [weak, generation](auto f) {
    return [weak, generation, f](std::string s) {
      if (auto self = weak.lock(); self && self->generation_ == generation) f(*self, std::move(s));
    };
  };
  auto child = Child::spawn(
      io_, options_.binary, {"--service=" + options_.expected_version, "--ping"}, options_.env,
      Child::Handlers{guard([](Service& s, std::string body) { s.on_packet(std::move(body)); }),
                      guard([](Service& s, std::string why) { s.on_child_exit(why); })});
  if (!child) return std::exchange(on_ready_, nullptr)(child.error());
  child_ = *child;
  handshake_timer_.expires_after(kHandshakeTimeout);
  handshake_timer_.async_wait([weak, generation](boost::system::error_code ec) {
    auto self = weak.lock();
    if (ec || !self || self->generation_ != generation || self->handshake_done_) return;
    self->fail_start("did not send its version within 10 s: is " + self->options_.binary +
                     " an esbuild binary?");
  });
}

void Service::fail_start(const std::string& why) {
  child_->kill();
  ++generation_;  // the dying child's exit is this failure, not a crash
  if (on_ready_) std::exchange(on_ready_, nullptr)(fail("esbuild " + why));
  fail_queued("esbuild " + why);
  fail_all(why);
}

void Service::fail_queued(const std::string& why) {
  for (auto& [request, callback] : std::exchange(queued_, {}))
    callback(fail(why, ErrorKind::unavailable));
}

void Service::on_version(const std::string& version) {
  handshake_timer_.cancel();
  if (version != options_.expected_version) {
    return fail_start("binary " + options_.binary + " is version " + version +
                      " but hr-orchestrate speaks the protocol of esbuild " +
                      options_.expected_version +
                      "; install that version (scripts/setup.sh) or point --esbuild / "
                      "ESBUILD_BINARY_PATH at it");
  }
  handshake_done_ = true;
  spdlog::info("esbuild {} ready (pid {})", version, pid());
  Callback<std::string> ready = std::exchange(on_ready_, nullptr);
  for (auto& [request, on_response] : std::exchange(queued_, {}))
    send_request(std::move(request), std::move(on_response));
  if (ready) ready(version);
}

void Service::stop(std::function<void()> done) {
  if (!child_ || !child_->alive()) return done();
  stopping_ = true;
  std::vector<int32_t> contexts;
  for (const auto& [key, b] : builds_)
    if (b.is_context) contexts.push_back(key);
  if (contexts.empty()) return close_child(std::move(done));
  auto left = std::make_shared<size_t>(contexts.size());
  auto self = shared_from_this();
  for (int32_t key : contexts) {
    dispose(ContextId{key}, [self, left, done] {
      if (--*left == 0) self->close_child(done);
    });
  }
}

void Service::close_child(std::function<void()> done) {
  stop_done_ = std::move(done);
  child_->close_stdin();
  stop_timer_.expires_after(kStopTimeout);
  stop_timer_.async_wait([weak = std::weak_ptr<Service>(shared_from_this())](auto ec) {
    if (auto self = weak.lock(); self && !ec && self->child_) self->child_->kill();
  });
}

// What was waiting on this child is settled before anything it triggers runs: a failed call may
// restart the service at once, and that new start's callback must not hear of this exit.
void Service::on_child_exit(const std::string& reason) {
  stop_timer_.cancel();
  handshake_timer_.cancel();
  handshake_done_ = false;
  Callback<std::string> starting = std::exchange(on_ready_, nullptr);
  const std::string start_failure = starting ? start_failure_message(reason) : "";
  const bool stopping = stopping_;
  std::function<void()> stopped = stopping ? std::exchange(stop_done_, nullptr) : nullptr;
  fail_all(reason);
  if (starting) {
    starting(fail(start_failure));
    return fail_queued(start_failure);
  }
  if (stopping) {
    if (stopped) stopped();
    return;
  }
  spdlog::error("esbuild died: {}", reason);
  if (on_crash_) on_crash_(reason);
}

// Died before the handshake: esbuild says why on stderr (e.g. a --service version mismatch).
std::string Service::start_failure_message(const std::string& reason) const {
  std::string why = "esbuild at " + options_.binary + " did not start: " + reason;
  if (!child_->stderr_tail().empty()) why += ": " + child_->stderr_tail();
  return why + ". hr-orchestrate speaks esbuild " + options_.expected_version +
         "; run scripts/setup.sh or point --esbuild / ESBUILD_BINARY_PATH at that version";
}

void Service::fail_all(const std::string& reason) {
  auto pending = std::move(pending_);
  pending_.clear();
  for (auto& [id, callback] : pending) callback(fail("esbuild " + reason));
  builds_.clear();  // esbuild's contexts died with it
}

// --- Packets ---

void Service::send_request(Value request, std::function<void(Result<Value>)> on_response) {
  // Asked while the child starts: sent once its handshake is done, failed if it fails.
  if (on_ready_ && child_ && child_->alive() && !handshake_done_)
    return void(queued_.emplace_back(std::move(request), std::move(on_response)));
  if (!running()) return on_response(fail("esbuild is not running"));
  const uint32_t id = next_request_id_++;
  pending_.emplace(id, std::move(on_response));
  child_->write(encode_packet(Packet{id, true, std::move(request)}));
}

void Service::send_response(uint32_t id, Value value) {
  if (child_) child_->write(encode_packet(Packet{id, false, std::move(value)}));
}

void Service::on_packet(std::string body) {
  if (!handshake_done_) return on_version(body);
  auto packet = decode_packet(body);
  if (!packet) {
    // A stream we cannot read is a broken child: fail loudly rather than leave calls hanging.
    spdlog::error("esbuild: {}", packet.error().message);
    fail_all("sent a packet hr-orchestrate cannot decode (" + packet.error().message + ")");
    child_->kill();
    return;
  }
  if (packet->is_request) return on_request(packet->id, packet->value);
  auto it = pending_.find(packet->id);
  if (it == pending_.end()) {
    spdlog::warn("esbuild answered request {} which nobody is waiting for", packet->id);
    return;
  }
  auto callback = std::move(it->second);
  pending_.erase(it);
  if (const std::string* error = protocol::response_error(packet->value)) {
    return callback(fail("esbuild: " + *error));
  }
  callback(std::move(packet->value));
}

void Service::on_request(uint32_t id, const Value& request) {
  Value response;
  try {
    response = answer(request);
  } catch (const std::exception& e) {
    // A throwing plugin hook becomes a build error, as in esbuild's JS host.
    response = protocol::error_response(std::string("plugin hook threw: ") + e.what());
  }
  send_response(id, std::move(response));
}

Value Service::answer(const Value& request) {
  const Value* command = request.find("command");
  const std::string* name = command ? command->as_string() : nullptr;
  if (!name) return protocol::error_response("esbuild request without a command");
  if (*name == "ping") {
    ++pings_answered_;
    return Map{};
  }
  if (*name == "on-start") return protocol::empty_messages_response();
  const Value* key = request.find("key");
  BuildState* b = key && key->as_int() ? find_build(*key->as_int()) : nullptr;
  if (*name == "on-resolve") return b ? answer_on_resolve(*b, request) : Value(Map{});
  if (*name == "on-load") return b ? answer_on_load(*b, request) : Value(Map{});
  if (*name == "on-end")
    return b ? answer_on_end(*b, request) : protocol::empty_messages_response();
  return protocol::error_response("hr-orchestrate does not handle esbuild request \"" + *name +
                                  "\"");
}

// Hook ids are positions: resolve hooks first, then load hooks (see protocol::build_request).
Value Service::answer_on_resolve(BuildState& b, const Value& request) {
  const Value* ids = request.find("ids");
  if (!b.plugin || !ids || !ids->as_array()) return Map{};
  const auto args = protocol::decode_on_resolve_args(request);
  const auto& hooks = b.plugin->on_resolve;
  for (const auto& id : *ids->as_array()) {
    const int32_t* i = id.as_int();
    if (!i || *i < 0 || static_cast<size_t>(*i) >= hooks.size()) continue;
    if (auto result = hooks[*i].callback(args)) return protocol::on_resolve_response(*i, *result);
  }
  return Map{};
}

Value Service::answer_on_load(BuildState& b, const Value& request) {
  const Value* ids = request.find("ids");
  if (!b.plugin || !ids || !ids->as_array()) return Map{};
  const auto args = protocol::decode_on_load_args(request);
  const auto& hooks = b.plugin->on_load;
  const auto first = static_cast<int32_t>(b.plugin->on_resolve.size());
  for (const auto& id : *ids->as_array()) {
    const int32_t* i = id.as_int();
    if (!i || *i < first || static_cast<size_t>(*i - first) >= hooks.size()) continue;
    if (auto result = hooks[*i - first].callback(args))
      return protocol::on_load_response(*i, *result);
  }
  return Map{};
}

Value Service::answer_on_end(BuildState& b, const Value& request) {
  if (b.is_context && !b.rebuild_waiters.empty())
    b.rebuild_output = protocol::decode_build_result(request);
  return protocol::empty_messages_response();
}

Service::BuildState* Service::find_build(int32_t key) {
  auto it = builds_.find(key);
  return it == builds_.end() ? nullptr : &it->second;
}

// --- Builds ---

void Service::build(BuildOptions options, std::optional<Plugin> plugin,
                    Callback<BuildResult> done) {
  const int32_t key = next_build_key_++;
  auto request = protocol::build_request(key, options, plugin ? &*plugin : nullptr, false);
  builds_[key].plugin = std::move(plugin);
  send_request(std::move(request), [this, key, done = std::move(done)](Result<Value> r) {
    builds_.erase(key);
    if (!r) return done(r.error());
    done(protocol::decode_build_result(*r));
  });
}

void Service::context(BuildOptions options, std::optional<Plugin> plugin,
                      Callback<ContextId> done) {
  const int32_t key = next_build_key_++;
  auto request = protocol::build_request(key, options, plugin ? &*plugin : nullptr, true);
  BuildState& state = builds_[key];
  state.plugin = std::move(plugin);
  state.is_context = true;
  send_request(std::move(request), [this, key, done = std::move(done)](Result<Value> r) {
    if (!r) {
      builds_.erase(key);
      return done(r.error());
    }
    auto errors = protocol::decode_messages(r->find("errors"), "errors");
    if (!errors || !errors->empty()) {
      builds_.erase(key);
      return done(fail("esbuild context failed: " +
                       (errors ? format_message(errors->front()) : errors.error().message)));
    }
    done(ContextId{key});
  });
}

void Service::rebuild(ContextId ctx, Callback<BuildResult> done) {
  BuildState* b = find_build(ctx.key);
  if (!b || !b->is_context)
    return done(fail("esbuild: no live context " + std::to_string(ctx.key)));
  b->rebuild_waiters.push_back(std::move(done));
  if (b->rebuild_waiters.size() > 1) return;  // joins the rebuild already in flight
  b->rebuild_output.reset();
  b->rebuild_attempts = 0;
  send_rebuild(ctx.key);
}

void Service::send_rebuild(int32_t key) {
  send_request(protocol::keyed_request("rebuild", key), [this, key](Result<Value> r) {
    BuildState* b = find_build(key);
    if (!b) return;
    if (!r) return settle_rebuild(key, r.error());
    if (b->rebuild_output) return settle_rebuild(key, std::move(*b->rebuild_output));
    if (++b->rebuild_attempts > kMaxRebuildRetries) {
      return settle_rebuild(key, fail("esbuild rebuild never delivered its output"));
    }
    send_rebuild(key);  // our rebuild joined one already running: ask again
  });
}

void Service::settle_rebuild(int32_t key, Result<BuildResult> r) {
  BuildState* b = find_build(key);
  if (!b) return;
  auto waiters = std::move(b->rebuild_waiters);
  b->rebuild_waiters.clear();
  b->rebuild_output.reset();
  for (auto& w : waiters) w(r);
}

void Service::cancel(ContextId ctx, std::function<void()> done) {
  send_request(protocol::keyed_request("cancel", ctx.key), [done](Result<Value>) { done(); });
}

void Service::dispose(ContextId ctx, std::function<void()> done) {
  send_request(protocol::keyed_request("dispose", ctx.key), [this, ctx, done](Result<Value>) {
    builds_.erase(ctx.key);
    done();
  });
}

void Service::transform(std::string input, TransformOptions options,
                        Callback<TransformResult> done) {
  send_request(protocol::transform_request(input, options), [done](Result<Value> r) {
    if (!r) return done(r.error());
    done(protocol::decode_transform_result(*r));
  });
}

// --- Finding the binary ---

const char* pinned_esbuild_version() {
  return HR_ESBUILD_VERSION;
}

std::string find_esbuild_binary(const std::string& cli_override) {
  if (!cli_override.empty()) return cli_override;
  if (const char* env = std::getenv("ESBUILD_BINARY_PATH"); env && *env) return env;
  return HR_ESBUILD_DEFAULT_BINARY;
}

}  // namespace hr::esbuild

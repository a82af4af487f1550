// Starting the background server for one app, once, without leaking anything into it.
//
// The compiler's call starts the server when no server answers on the state folder's control
// socket: a child of the call that runs `hr-orchestrate serve` without executing the program again
// (and shows that command line in `ps`). Calls may race (a compiler running several at once, two
// terminals): a lock file in the state folder (`flock`, taken before forking) lets one caller start
// the server while the others wait for it and then use it. The server gets none of the caller's
// descriptors: its stdin is /dev/null, its stdout and stderr the log, everything else is closed
// before it starts, so a caller that captures our output (subprocess.run, execFileSync) is never
// held open by the server. It gets one pipe instead (as serve's --ready-fd): a byte on it says it
// serves, and its closing without one that it exited, so the caller waits for neither by polling.
//
// Whatever goes wrong (the folder is read-only, the log cannot be opened, the server exits while
// starting) is an error naming the file and the OS's reason, for the caller's stderr.
#pragma once

#include <filesystem>
#include <string>

#include "common/result.h"
#include "orchestrator/orchestrator.h"

namespace hr::orch {

// The files of a state folder (.web/.hr).
struct StateFiles {
  std::filesystem::path dir, control_socket, log, start_lock, server_lock;
};
StateFiles state_files(const Config& config);

// One server per state folder, for as long as it runs: a second one (a `serve` typed twice, a
// start that raced) stops before its cold build rather than after, when it cannot listen. Creates
// the folder and takes server.lock; yields the descriptor that holds it (released at exit).
Result<int> lock_state_folder(const StateFiles& files);

// Makes sure a server answers for `config`'s manifest: yields true when this call started it,
// false when one answered already or another caller started it meanwhile. A server that refused
// the manifest is an error of kind bad_input, with the server's reason.
Result<bool> ensure_server(const Config& config);

// A server on its way out (stopped, or killed with its socket gone) may hold server.lock a moment
// longer, and a server started meanwhile would find it held and exit: waits, bounded (10 s), until
// no server holds it.
void wait_for_dying_server(const StateFiles& files);

// The server's end of the ready pipe (Config::ready_fd, -1: none): kept from its own children,
// then one byte once it serves, or the reason it refused the manifest (the caller's error, which
// it used to find by reading the manifest itself before starting the server: 2 ms of a restart).
Result<void> keep_ready_fd(int fd);
void say_ready(int fd);
void say_manifest_refused(int fd, const std::string& reason);

}  // namespace hr::orch

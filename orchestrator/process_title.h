// The title `ps` shows for a process. The background server is forked from the compiler's call
// without an exec (server_start.cc), so it runs in the call's process image and would show the
// call's command line; it takes the command line that would have started it instead, so `ps`,
// `pkill -f "hr-orchestrate serve"` and the tests find it as before. libbsd's setproctitle does the
// work (it moves the environment out of the way of a longer title); this keeps main's argv for it.
#pragma once

#include <string>

namespace hr::orch {

// Called from main, before anything changes the environment.
void keep_command_line(int argc, char** argv);

// The whole title, as one line (a title longer than the original command line and environment
// is cut). Without keep_command_line, nothing changes.
void set_process_title(const std::string& title);

}  // namespace hr::orch

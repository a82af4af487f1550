#include "orchestrator/process_title.h"

#include <bsd/unistd.h>
#include <unistd.h>

namespace hr::orch {

namespace {

int kept_argc = 0;
char** kept_argv = nullptr;

}  // namespace

void keep_command_line(int argc, char** argv) {
  kept_argc = argc;
  kept_argv = argv;
}

void set_process_title(const std::string& title) {
  if (!kept_argv) return;
  setproctitle_init(kept_argc, kept_argv, environ);
  setproctitle("-%s", title.c_str());  // "-": no "program: " prefix
}

}  // namespace hr::orch

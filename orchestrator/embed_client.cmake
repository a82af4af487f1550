# Writes JavaScript the binary serves into a C++ source file, so it needs nothing from disk.
# Called with -DIN=<js files, separated by |> -DOUT=<cc file> -DNAME=<function>: the files are
# concatenated in order and returned by `const char* hr::orch::NAME()` (client_js: the HMR client
# served at /@hr/client.js; router_runtime_js: the framework-mode entry's runtime;
# postcss_worker_js: the PostCSS worker node runs, postcss_worker.h).
string(REPLACE "|" ";" files "${IN}")
set(js "")
foreach(f IN LISTS files)
  if(NOT EXISTS "${f}")
    message(FATAL_ERROR "embed_client.cmake: ${f} does not exist (${NAME} would be served without it)")
  endif()
  file(READ "${f}" part)
  string(APPEND js "${part}")
endforeach()
file(WRITE "${OUT}" "// Generated from orchestrator/client/*.js by embed_client.cmake.\n"
  "namespace hr::orch {\nconst char* ${NAME}() {\n  return R\"hrclientjs(${js})hrclientjs\";\n}\n}  // namespace hr::orch\n")

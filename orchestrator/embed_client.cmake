# Writes the HMR client's JavaScript into a C++ source file, so the binary serves it without
# reading anything from disk. Called with -DIN=<js files, separated by |> -DOUT=<cc file>; the
# files are concatenated in order into the one script served at /@hr/client.js.
string(REPLACE "|" ";" files "${IN}")
set(js "")
foreach(f IN LISTS files)
  if(NOT EXISTS "${f}")
    set(js "console.error('[hr] the HMR client was not built into this binary');")
    break()
  endif()
  file(READ "${f}" part)
  string(APPEND js "${part}")
endforeach()
file(WRITE "${OUT}" "// Generated from orchestrator/client/*.js by embed_client.cmake.\n"
  "namespace hr::orch {\nconst char* client_js() {\n  return R\"hrclientjs(${js})hrclientjs\";\n}\n}  // namespace hr::orch\n")

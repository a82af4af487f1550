# Writes the HMR client's JavaScript into a C++ source file, so the binary serves it without
# reading anything from disk. Called with -DIN=<js file> -DOUT=<cc file>.
if(EXISTS "${IN}")
  file(READ "${IN}" js)
else()
  set(js "console.error('[hr] the HMR client was not built into this binary');")
endif()
file(WRITE "${OUT}" "// Generated from orchestrator/client/hmr_client.js by embed_client.cmake.\n"
  "namespace hr::orch {\nconst char* client_js() {\n  return R\"hrclientjs(${js})hrclientjs\";\n}\n}  // namespace hr::orch\n")

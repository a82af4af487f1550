// React Fast Refresh glue of the HMR client (hmr_client.js, which comes after this file in the one
// script embed_client.cmake concatenates): a component module's footer registers its exports as
// refresh families and self-accepts; an accepted update schedules one refresh render. Uses the
// client's pathOf() (hot_context.js); its functions only run once the whole script has been
// evaluated.

const REFRESH_DEBOUNCE_MS = 16; // one React refresh for modules re-run outside an update

// Each component module's footer calls refreshModule with its own URL: importing that same URL
// returns the module's own namespace, whose component exports become refresh families.
let refreshTimer = null;
let refreshPending = false; // a refresh is scheduled and has not run yet
const signatureByPath = new Map(); // the hooks signature of each module's newest version

function refreshModule(url, hot, hooksSignature) {
  if (!hot) return;
  const runtime = window.__hr_refresh_runtime;
  if (!runtime) {
    hot.accept(() => hot.invalidate("no React refresh runtime on the page"));
    return;
  }
  // Accept right away, so an update that lands before the import below resolves still finds the
  // boundary; until then the new exports are compared with themselves.
  // The hot context's path, not pathOf(url): a version evaluated from the update message has a
  // data: URL (inline_module.js).
  const path = hot.ownerPath;
  // The newest version's footer runs before the old version's accept callback gets its exports,
  // so this is the signature of the version being accepted.
  signatureByPath.set(path, hooksSignature);
  let current = null;
  hot.accept((next) => {
    if (!next) return;
    const reason = whyNotRefreshable(runtime, current ?? next, next);
    if (reason) return hot.invalidate(reason);
    // Registered here, before the refresh is scheduled: the new version's own registration (in
    // its import below) may come after the refresh runs, which would then find nothing to do.
    registerComponents(runtime, path, next, signatureByPath.get(path));
    scheduleReactRefresh();
  });
  import(url).then((exports) => {
    current = exports;
    registerComponents(runtime, path, exports, hooksSignature);
  });
}

// The signature goes on before registering: React compares it between the old and the new type
// and remounts (instead of reusing hook state) when it differs.
function registerComponents(runtime, path, exports, hooksSignature) {
  for (const [name, value] of Object.entries(exports)) {
    if (!runtime.isLikelyComponentType(value)) continue;
    if (typeof hooksSignature === "string") runtime.setSignature(value, hooksSignature);
    runtime.register(value, `${path} ${name}`);
  }
}

// A module is a refresh boundary when its exports are components (or values that did not change)
// and its set of exports is the same: importers keep the old instance's bindings.
function whyNotRefreshable(runtime, prev, next) {
  const names = Object.keys(next);
  if (names.length === 0) return "Could not Fast Refresh: the module has no exports";
  const removed = Object.keys(prev).find((name) => !(name in next));
  if (removed) return `Could not Fast Refresh: export "${removed}" was removed`;
  for (const name of names) {
    if (!(name in prev)) return `Could not Fast Refresh: export "${name}" is new`;
    if (!runtime.isLikelyComponentType(next[name]) && next[name] !== prev[name]) {
      return `Could not Fast Refresh: export "${name}" is not a React component`;
    }
  }
  return null;
}

function scheduleReactRefresh() {
  refreshPending = true;
  clearTimeout(refreshTimer);
  refreshTimer = setTimeout(flushReactRefresh, REFRESH_DEBOUNCE_MS);
}

function flushReactRefresh() {
  clearTimeout(refreshTimer);
  if (!refreshPending) return;
  refreshPending = false;
  window.__hr_refresh_runtime.performReactRefresh();
}


// import.meta.hot, Vite's API, for the HMR client (hmr_client.js): what each app module registers
// through it (accept, dispose and prune callbacks, data kept across versions, event listeners), by
// owner path, and createHotContext, which every app module imports from /@hr/client.js (with
// currentUrl, held_modules.js). One of the files embed_client.cmake concatenates into the client's one script (the
// list and its order: orchestrator/CMakeLists.txt); its functions run once the whole script has
// been evaluated.

// What modules registered through import.meta.hot, by owner path (the module URL path, no query).
const acceptCallbacks = new Map(); // path -> [{deps: [path], fn}]
const disposeCallbacks = new Map(); // path -> [fn(data)]
const pruneCallbacks = new Map(); // path -> [fn(data)]
const dataByPath = new Map(); // path -> object kept across versions of the module
const listenersByEvent = new Map(); // event -> [fn(data)]
const listenersByOwner = new Map(); // path -> Map(event -> [fn]); dropped when a new version loads

let invalidatedDuringUpdate = []; // paths that called invalidate() while an update was applied

function pathOf(url) {
  return new URL(url, location.href).pathname;
}

function withTimestamp(path, timestamp) {
  return `${path}${path.includes("?") ? "&" : "?"}t=${timestamp}`;
}

// `hot.accept("./dep.js")` names a dependency relative to its owner; the server speaks in URL paths.
function resolveDep(dep, ownerPath) {
  return dep.startsWith(".") || dep.startsWith("/") ? pathOf(new URL(dep, new URL(ownerPath, location.href))) : dep;
}

function addTo(map, key, value) {
  const list = map.get(key) || [];
  list.push(value);
  map.set(key, list);
}

function removeFrom(map, key, value) {
  const kept = (map.get(key) || []).filter((item) => item !== value);
  if (kept.length) map.set(key, kept);
  else map.delete(key);
}

async function notifyListeners(event, data) {
  const listeners = listenersByEvent.get(event) || [];
  // async wrapper: a listener that throws must not stop the others or reject this promise.
  await Promise.allSettled(listeners.map(async (listener) => listener(data)));
}

// ---------------------------------------------------------------------------------------------
// import.meta.hot: one context per evaluation of a module; a new version replaces the old one's
// accept callbacks and listeners (its dispose callbacks already ran before it was imported).
class HotContext {
  constructor(ownerPath) {
    this.ownerPath = ownerPath;
    if (!dataByPath.has(ownerPath)) dataByPath.set(ownerPath, {});
    acceptCallbacks.set(ownerPath, []);
    disposeCallbacks.delete(ownerPath);
    pruneCallbacks.delete(ownerPath);
    this.dropStaleListeners();
    this.ownListeners = new Map();
    listenersByOwner.set(ownerPath, this.ownListeners);
  }

  dropStaleListeners() {
    const stale = listenersByOwner.get(this.ownerPath);
    if (!stale) return;
    for (const [event, fns] of stale) for (const fn of fns) removeFrom(listenersByEvent, event, fn);
  }

  get data() {
    return dataByPath.get(this.ownerPath);
  }

  // accept(), accept(cb), accept(dep, cb), accept([deps], cb): the Vite forms.
  accept(deps, callback) {
    if (typeof deps === "function" || deps === undefined) {
      this.acceptDeps([this.ownerPath], ([mod]) => deps?.(mod));
    } else if (typeof deps === "string") {
      this.acceptDeps([deps], ([mod]) => callback?.(mod));
    } else if (Array.isArray(deps)) {
      this.acceptDeps(deps, callback);
    } else {
      throw new Error("[hr] invalid hot.accept() usage");
    }
  }

  acceptDeps(deps, fn = () => {}) {
    const resolved = deps.map((dep) => resolveDep(dep, this.ownerPath));
    addTo(acceptCallbacks, this.ownerPath, { deps: resolved, fn });
  }

  // The export names only matter to a server that analyses them; here it is a self-accept.
  acceptExports(_names, callback) {
    this.acceptDeps([this.ownerPath], ([mod]) => callback?.(mod));
  }

  dispose(fn) {
    addTo(disposeCallbacks, this.ownerPath, fn);
  }

  prune(fn) {
    addTo(pruneCallbacks, this.ownerPath, fn);
  }

  // Kept like Vite's: declining is the server's business, the client has nothing to do.
  decline() {}

  invalidate(message = "") {
    const data = { path: this.ownerPath, message };
    invalidatedDuringUpdate.push(this.ownerPath);
    notifyListeners("vite:invalidate", data);
    this.send("vite:invalidate", data);
    console.debug(`[hr] invalidate ${this.ownerPath}${message ? `: ${message}` : ""}`);
  }

  on(event, fn) {
    addTo(listenersByEvent, event, fn);
    addTo(this.ownListeners, event, fn);
  }

  off(event, fn) {
    removeFrom(listenersByEvent, event, fn);
    removeFrom(this.ownListeners, event, fn);
  }

  send(event, data) {
    sendMessage({ type: "custom", event, data });
  }
}

export function createHotContext(ownerPath, url, token, byVersion = false) {
  const path = pathOf(ownerPath);
  noteEvaluated(path, url, token, byVersion);
  return new HotContext(path);
}

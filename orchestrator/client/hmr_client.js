// The browser half of hr-orchestrate's hot module reload, served at /@hr/client.js (the contract is
// docs/hmr-protocol.md). It keeps a WebSocket to the dev server, implements Vite's `import.meta.hot`
// API for every app module (`createHotContext`), applies `update` messages (re-import the boundary,
// dispose/accept callbacks in order, swap stylesheets), acknowledges each update, shows compile
// errors in an overlay, and glues React Fast Refresh to component modules
// (`window.__hr_refresh_module`, in react_refresh.js). Plain modern JS with no build step: it ships
// inside the binary, after error_overlay.js and react_refresh.js (the three files are one script,
// concatenated in that order by embed_client.cmake; this one, last, starts it).

const SOCKET_PATH = "/@hr/ws";
const RETRY_FIRST_MS = 100;
const RETRY_MAX_MS = 5000;
const REFRESH_DEBOUNCE_MS = 16; // one React refresh for modules re-run outside an update
const RELOAD_BUILD_KEY = "hr:reload-build"; // the build a full reload applies, acknowledged after it

// ---------------------------------------------------------------------------------------------
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

// The URL of a module's newest version this page was told about (a route module loaded on first
// visit, after updates to it were pushed): `url` itself when none was.
const newestTimestamp = new Map(); // path -> timestamp
export function currentUrl(url) {
  const path = pathOf(url);
  const timestamp = newestTimestamp.get(path);
  return timestamp ? withTimestamp(path, timestamp) : url;
}

export function createHotContext(ownerPath) {
  return new HotContext(pathOf(ownerPath));
}

// ---------------------------------------------------------------------------------------------
// The socket: messages sent before it opens wait in the outbox; after a lost connection, the next
// `connected` means a restarted server, so the page reloads to show the current build.
let socket = null;
let outbox = [];
let everConnected = false;
let connectionLost = false;
let retryDelay = RETRY_FIRST_MS;
let reloading = false;
let messageQueue = Promise.resolve();

function socketUrl() {
  return `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}${SOCKET_PATH}`;
}

function sendMessage(message) {
  outbox.push(JSON.stringify(message));
  flushOutbox();
}

function flushOutbox() {
  if (!socket || socket.readyState !== WebSocket.OPEN) return;
  for (const text of outbox) socket.send(text);
  outbox = [];
}

function connect() {
  socket = new WebSocket(socketUrl());
  socket.addEventListener("open", flushOutbox);
  socket.addEventListener("message", (event) => enqueueMessage(event.data, performance.now()));
  socket.addEventListener("close", onSocketClosed);
}

function onSocketClosed() {
  if (reloading) return;
  if (everConnected && !connectionLost) {
    connectionLost = true;
    console.info("[hr] lost the connection to the dev server; retrying");
    notifyListeners("vite:ws:disconnect", {});
  }
  setTimeout(connect, retryDelay);
  retryDelay = Math.min(retryDelay * 2, RETRY_MAX_MS);
}

// Messages are handled one at a time, in arrival order: an update that is still importing
// modules holds back the messages that came after it.
function enqueueMessage(text, arrived) {
  messageQueue = messageQueue
    .then(() => handleMessage(JSON.parse(text), arrived))
    .catch((err) => console.error("[hr] could not handle a message:", err));
}

async function handleMessage(message, arrived) {
  switch (message.type) {
    case "connected":
      return onConnected();
    case "update":
      return applyUpdate(message, arrived);
    case "full-reload":
      return fullReload(message.reason || `${message.path || "*"} changed`, message.build);
    case "prune":
      return prunePaths(message.paths || []);
    case "error":
      notifyListeners("vite:error", message);
      showErrorOverlay(message.err || {});
      // The overlay is what this build shows: `--wait-applied` is answered once it is up.
      return acknowledge(message.build, { ok: false, overlay: true });
    case "custom":
      return notifyListeners(message.event, message.data);
    default:
      console.debug("[hr] ignored a message of type", message.type);
  }
}

function onConnected() {
  retryDelay = RETRY_FIRST_MS;
  if (connectionLost) return fullReload("the dev server restarted");
  everConnected = true;
  console.debug("[hr] connected");
  acknowledgeReload();
  notifyListeners("vite:ws:connect", {});
}

// A full reload is applied once the reloaded page is back: it acknowledges the build that caused
// it, so `--wait-applied` and the benchmarks see reloads as well as hot updates.
function acknowledgeReload() {
  const build = takeFromSession(RELOAD_BUILD_KEY);
  if (build) sendMessage({ type: "hr:applied", build, ok: true, reloaded: true });
}

function fullReload(reason, build) {
  if (reloading) return;
  reloading = true;
  try {
    if (build) sessionStorage.setItem(RELOAD_BUILD_KEY, build);
  } catch {}
  console.info(`[hr] full reload: ${reason}`);
  notifyListeners("vite:beforeFullReload", { reason });
  location.reload();
}

async function prunePaths(paths) {
  await notifyListeners("vite:beforePrune", { paths });
  for (const path of paths) {
    for (const fn of pruneCallbacks.get(path) || []) await fn(dataByPath.get(path));
  }
}

// ---------------------------------------------------------------------------------------------
// Updates: every js-update is fetched (dispose, then import with ?t=) in parallel; then the accept
// callbacks run in the order of the message, so the order does not depend on network timing.
async function applyUpdate(message, arrived = performance.now()) {
  const marks = new UpdateMarks(message.build, arrived);
  invalidatedDuringUpdate = [];
  await notifyListeners("vite:beforeUpdate", message);
  try {
    const updates = message.updates || [];
    for (const u of updates) newestTimestamp.set(u.acceptedPath || u.path, u.timestamp);
    marks.mark("started");
    const styles = Promise.all(updates.filter((u) => u.type === "css-update").map((u) => (typeof u.css === "string" ? replaceCssText(u) : swapStylesheet(u))));
    const appliers = await Promise.all(updates.filter((u) => u.type === "js-update").map(fetchUpdate));
    marks.mark("evaluated");
    for (const apply of appliers) apply?.();
    // Every accept callback of the update has run: refresh now, not after the debounce. React
    // renders a refresh synchronously, so the acknowledgement below means "the page shows it".
    flushReactRefresh();
    marks.mark("committed");
    await styles;
    marks.mark("styled");
  } catch (err) {
    return failUpdate(message, err);
  }
  removeErrorOverlay();
  acknowledge(message.build, { ok: true, timings: marks.done() });
  notifyListeners("vite:afterUpdate", message);
}

// Where an update's time goes in the page, from the message's arrival: waiting behind earlier
// messages (started), fetching and running the new modules (evaluated), the accept callbacks and
// React's refresh render and commit (committed), new stylesheets loaded (styled), acknowledged.
// Sent with the acknowledgement (docs/hmr-protocol.md) and left as performance marks named
// "hr:<build>:<step>" and one measure "hr:update:<build>", for DevTools and tests.
class UpdateMarks {
  constructor(build, arrived) {
    this.build = build;
    this.arrived = arrived;
    this.ms = {};
    this.mark("arrived", arrived);
  }

  mark(step, at = performance.now()) {
    if (step !== "arrived") this.ms[step] = +(at - this.arrived).toFixed(3);
    try {
      performance.mark(`hr:${this.build}:${step}`, { startTime: at });
    } catch {} // a page that replaced performance.mark keeps working
  }

  done() {
    this.mark("acknowledged");
    try {
      performance.measure(`hr:update:${this.build}`, { start: this.arrived, end: performance.now() });
    } catch {}
    return this.ms;
  }
}

async function fetchUpdate({ path, acceptedPath = path, timestamp }) {
  if (!acceptCallbacks.has(path)) return null; // the boundary is not loaded on this page
  const chosen = acceptCallbacks.get(path).filter(({ deps }) => deps.includes(acceptedPath));
  if (path !== acceptedPath && chosen.length === 0) return null;
  await runDisposeCallbacks(acceptedPath);
  let next;
  try {
    next = await import(withTimestamp(acceptedPath, timestamp));
  } catch (err) {
    throw new Error(`could not re-import ${acceptedPath}: ${err && err.message}`, { cause: err });
  }
  return () => {
    for (const { deps, fn } of chosen) fn(deps.map((dep) => (dep === acceptedPath ? next : undefined)));
    console.debug(`[hr] hot updated: ${path === acceptedPath ? path : `${acceptedPath} via ${path}`}`);
  };
}

async function runDisposeCallbacks(path) {
  const callbacks = disposeCallbacks.get(path) || [];
  disposeCallbacks.delete(path); // the new version registers its own
  for (const fn of callbacks) await fn(dataByPath.get(path));
}

// A half-applied update leaves the page inconsistent, so it reloads (Vite does the same for a
// module in an import cycle that fails to re-import); the error is shown again once it is back.
function failUpdate(message, err) {
  const text = String((err && err.message) || err);
  console.error("[hr] update failed:", err);
  acknowledge(message.build, { ok: false, error: text });
  rememberPendingError({ message: text, stack: err && err.cause && err.cause.stack });
  fullReload(`update ${message.build} failed: ${text}`);
}

function acknowledge(build, result) {
  const ack = { type: "hr:applied", build: build ?? null, ...result };
  if (invalidatedDuringUpdate.length) ack.invalidated = invalidatedDuringUpdate;
  sendMessage(ack);
}

// A css-update that carries the stylesheet's text (the server sends it when it is small and has no
// relative URLs) is applied without a request: the text of the JS-imported style module's <style>
// is replaced, or a linked stylesheet gets a <style> right after its <link>, whose own sheet is
// disabled (the <link> stays: React may own it), and later updates replace that text. Either way
// the page goes from the old rules to the new in one style recalculation.
function replaceCssText({ path, css }) {
  const esc = CSS.escape(path);
  const target = document.querySelector(`style[data-hr-css="${esc}"], style[data-hr-href="${esc}"]`);
  if (target) {
    target.textContent = css;
    return Promise.resolve();
  }
  const link = [...document.querySelectorAll('link[rel="stylesheet"]')].find((l) => !outdatedLinks.has(l) && pathOf(l.href) === path);
  if (!link) return Promise.resolve(); // not on this page
  const style = document.createElement("style");
  style.setAttribute("data-hr-href", path);
  if (link.media) style.media = link.media;
  style.textContent = css;
  link.after(style);
  if (link.sheet) link.sheet.disabled = true;
  outdatedLinks.add(link);
  return Promise.resolve();
}

// The new <link> goes in next to the old one, which is removed only once the new one has loaded,
// so the page is never without its styles.
const outdatedLinks = new WeakSet();

function swapStylesheet({ path, timestamp }) {
  const links = [...document.querySelectorAll('link[rel="stylesheet"]')].filter((link) => pathOf(link.href) === path);
  // The text an earlier update put inline is replaced by the fetched sheet the same way.
  const inline = document.querySelector(`style[data-hr-href="${CSS.escape(path)}"]`);
  const old = inline ?? links.find((link) => !outdatedLinks.has(link));
  if (!old || !links.length) return Promise.resolve();
  if (!inline) outdatedLinks.add(old);
  const fresh = links[links.length - 1].cloneNode();
  const href = new URL(fresh.href); // keeps the link's other query parameters
  href.searchParams.set("t", timestamp);
  fresh.href = href.href;
  return new Promise((resolve) => {
    const done = () => {
      old.remove();
      resolve();
    };
    fresh.addEventListener("load", done, { once: true });
    fresh.addEventListener("error", done, { once: true });
    old.after(fresh);
  });
}

// ---------------------------------------------------------------------------------------------
function start() {
  if (!customElements.get(OVERLAY_TAG)) customElements.define(OVERLAY_TAG, ErrorOverlay);
  window.__hr_refresh_module = refreshModule;
  showPendingError();
  connect();
}

start();

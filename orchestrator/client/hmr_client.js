// The browser half of hr-orchestrate's hot module reload, served at /@hr/client.js (the contract is
// docs/hmr-protocol.md). It keeps a WebSocket to the dev server, implements Vite's `import.meta.hot`
// API for every app module (`createHotContext`, in hot_context.js), applies `update` messages
// (apply_update.js, css_update.js), acknowledges each update, shows compile errors in an overlay
// (error_overlay.js), and glues React Fast Refresh to component modules
// (`window.__hr_refresh_module`, in react_refresh.js). Plain modern JS with no build step: it ships
// inside the binary as one script, the files concatenated by embed_client.cmake in the order
// orchestrator/CMakeLists.txt lists them; this one, last, holds the socket and the messages, and
// starts the client.

const SOCKET_PATH = "/@hr/ws";
const RETRY_FIRST_MS = 100;
const RETRY_MAX_MS = 5000;
const RELOAD_BUILD_KEY = "hr:reload-build"; // the build a full reload applies, acknowledged after it

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
    case "hr:urls":
      return takeUrls(message);
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
// Loading: the server builds the rest of the app in the background once the pages are loaded, so
// that its build does not take the cores from a page still loading (docs/hmr-protocol.md). A page
// is loaded once its document is and no module was evaluated for SETTLE_MS; while it fetches
// modules, its requests hold the server's background build on their own.
const SETTLE_MS = 300;
let settleTimer = 0;
let settled = false;

function noteLoading() {
  if (settled || document.readyState !== "complete") return;
  clearTimeout(settleTimer);
  settleTimer = setTimeout(() => {
    settled = true;
    sendMessage({ type: "hr:settled" });
  }, SETTLE_MS);
}

// ---------------------------------------------------------------------------------------------
function start() {
  if (!customElements.get(OVERLAY_TAG)) customElements.define(OVERLAY_TAG, ErrorOverlay);
  window.__hr_refresh_module = refreshModule;
  showPendingError();
  connect();
  window.addEventListener("load", noteLoading);
  noteLoading();
}

start();

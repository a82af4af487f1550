// The module instances this page holds and the URLs that name them (docs/hmr-protocol.md
// "Caching"). An app module is imported at "/path?v=<token>", a URL the browser may keep for
// good; when the server says a module's URL moved (`hr:urls`: a module it imports changed, its own
// code did not), the page maps the new URL to the instance it holds, so a module loaded later
// imports that instance rather than a second one. Every module's header reports its evaluation
// (createHotContext); the page tells the server what it holds (`hr:loaded`), so the server knows
// which modules are loaded and can reload a page that holds code no update will fix (loaded from
// a cache, or while an edit went by). Part of the client's one script (orchestrator/CMakeLists.txt
// lists its files).

const heldUrl = new Map(); // path -> the absolute URL this page's instance answers to
const heldToken = new Map(); // path -> the newest token that names that instance
const newestUrl = new Map(); // path -> the URL of the newest version this page was told of
let urlsRead = -1; // the number of the last hr:urls message read (-1: none yet)
let urlsAfterUpdate = null; // {build, seq}: read once the update of that build is applied
let movedBeforeUpdate = {}; // URL -> held URL, mapped with the update's own import map
let unreported = new Set(); // paths evaluated since the last report

function absoluteUrl(url) {
  return new URL(url, location.href).href;
}

// What `hr:urls` says of a module's URL: its token, or for a module named by version (a lazy
// import's target) the query its URL has ("?t=<version>", or "" for none).
function isToken(value) {
  return value !== "" && !value.startsWith("?");
}

function tokenUrl(path, value) {
  return isToken(value) ? `${path}?v=${value}` : path + value;
}

// From a module's header as it is evaluated: `url` is its import.meta.url. A module named by
// version answers to the URL it was imported at, not to its token's.
function noteEvaluated(path, url, token, byVersion) {
  noteLoading();
  if (!token) return;
  const fetched = url && !url.startsWith("data:");
  const canonical = absoluteUrl(byVersion ? (fetched ? url : path) : tokenUrl(path, token));
  // A module evaluated from the update message answers to its data: URL, and only to it: the
  // browser keeps the instance under that URL. An import map's target is fetched, never mapped
  // again, so a moved URL mapped to `canonical` would fetch a second instance, one React
  // Refresh never learns of (its footer's import of its own URL gets the first), and that
  // instance's page would show its code through every later edit. The update's import map
  // already maps `canonical` to the data: URL.
  const own = url || canonical;
  heldUrl.set(path, own);
  heldToken.set(path, token);
  // Loaded at an older URL (a module that imported it was kept from before): later imports of
  // the current URL get this instance too.
  if (fetched && own !== canonical && canAddImportMaps()) addImportMap({ [canonical]: own });
  unreported.add(path);
  if (urlsRead >= 0 && unreported.size === 1) setTimeout(reportLoaded, 0);
}

// In messages of at most REPORT_MODULES modules: the server takes client messages up to 1 MiB, and
// a page of 20,000 modules holds more than that.
const REPORT_MODULES = 2000;

function reportLoaded() {
  let modules = {};
  let count = 0;
  for (const path of unreported) {
    modules[path] = heldToken.get(path);
    if (++count % REPORT_MODULES === 0) {
      sendMessage({ type: "hr:loaded", seq: urlsRead, modules });
      modules = {};
    }
  }
  unreported = new Set();
  if (count % REPORT_MODULES) sendMessage({ type: "hr:loaded", seq: urlsRead, modules });
}

// `hr:urls`: after every publish that moved or changed module URLs, and once on connecting; the
// `urls` of an update (with its `build`) when one follows the publish.
function takeUrls(message) {
  const map = {};
  for (const [path, token] of Object.entries(message.moved || {})) {
    newestUrl.set(path, tokenUrl(path, token));
    if (!heldUrl.has(path)) continue;
    map[absoluteUrl(tokenUrl(path, token))] = heldUrl.get(path);
    if (isToken(token)) heldToken.set(path, token);
  }
  const changed = Object.entries(message.changed || {});
  for (const [path, token] of changed) newestUrl.set(path, tokenUrl(path, token));
  const first = urlsRead < 0;
  // Before the update that follows, the page still holds what it re-runs: its reports count
  // from the last message until that update is applied (updateApplied).
  if (message.build && !first) urlsAfterUpdate = { build: message.build, seq: message.seq };
  else urlsRead = message.seq;
  const stale = changed.find(([path]) => heldUrl.has(path));
  if (stale) return fullReload(`${stale[0]} changed and no update re-ran it`);
  if (Object.keys(map).length) {
    if (!canAddImportMaps()) return fullReload("module URLs moved and this browser cannot map them");
    // Adding an import map costs the page a few ms: the update that follows adds its own, and
    // nothing imports a moved URL before its modules do.
    if (urlsAfterUpdate) Object.assign(movedBeforeUpdate, map);
    else addImportMap(map);
  }
  if (first) {
    for (const path of heldUrl.keys()) unreported.add(path);
    reportLoaded();
  }
}

// The moved URLs waiting for the update's import map (inline_module.js), taken once.
function takeMovedUrls() {
  const map = movedBeforeUpdate;
  movedBeforeUpdate = {};
  return map;
}

function updateApplied(build) {
  if (urlsAfterUpdate?.build !== build) return;
  urlsRead = urlsAfterUpdate.seq;
  urlsAfterUpdate = null;
}

// The URL to import a module at now: the newest version the page was told of, else `url`.
export function currentUrl(url) {
  return newestUrl.get(pathOf(url)) ?? url;
}

// Applying an `update` message in the HMR client (hmr_client.js hands it over): fetch the new
// versions of the boundaries, run their dispose and accept callbacks, refresh React, swap the
// stylesheets (css_update.js), then acknowledge the build with the page's own timings
// (docs/hmr-protocol.md). A failed update reloads the page. Part of the client's one script
// (orchestrator/CMakeLists.txt lists its files).

// Updates: every js-update is fetched (dispose, then import with ?t=; evaluated from the message
// when it carries the code: inline_module.js) in parallel; then the accept
// callbacks run in the order of the message, so the order does not depend on network timing.
async function applyUpdate(message, arrived = performance.now()) {
  const marks = new UpdateMarks(message.build, arrived);
  invalidatedDuringUpdate = [];
  // The update's hr:urls rides in it (one message for the page to take, not two).
  if (message.urls) takeUrls({ ...message.urls, build: message.build });
  await notifyListeners("vite:beforeUpdate", message);
  let mapLater = takeMovedUrls(); // a CSS-only update imports nothing: mapped once it shows
  let updated;
  try {
    const updates = message.updates || [];
    for (const u of updates) newestUrl.set(u.acceptedPath || u.path, updateUrl(u));
    marks.mark("started");
    const styles = Promise.all(updates.filter((u) => u.type === "css-update").map((u) => (typeof u.css === "string" ? replaceCssText(u) : swapStylesheet(u))));
    const imported = importUpdates(updates.filter((u) => u.type === "js-update"), mapLater);
    mapLater = imported.mapLater;
    const appliers = await imported.appliers;
    marks.mark("evaluated");
    updated = appliers.map((apply) => apply?.()).filter(Boolean);
    marks.mark("accepted");
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
  updateApplied(message.build);
  acknowledge(message.build, { ok: true, timings: marks.done() });
  // What the page needs from here on but the update did not, after it shows: a console message
  // costs the page a fraction of a millisecond while DevTools listens, an import map more.
  mapUrls(mapLater);
  for (const what of updated) console.debug(`[hr] hot updated: ${what}`);
  notifyListeners("vite:afterUpdate", message);
}

// Starts importing the new versions of the js-updates' boundaries: `appliers` (a promise of one
// accept step per update) and `mapLater`, the import map rules the new code does not import
// (`moved` among them), for modules imported after the update.
function importUpdates(jsUpdates, moved) {
  // The boundaries this page holds that carry their code; a chain's accepted dependency is fetched.
  const carried = jsUpdates.filter((u) => acceptCallbacks.has(u.path) && (u.acceptedPath ?? u.path) === u.path);
  const inline = inlineModules(carried.map((u) => ({ url: updateUrl(u), code: u.code })));
  const rules = splitImportRules(inline, moved);
  mapUrls(rules.now);
  const appliers = Promise.all(jsUpdates.map((u) => fetchUpdate(u, inline.get(absoluteUrl(updateUrl(u)))?.data)));
  return { appliers, mapLater: rules.later };
}

// Where an update's time goes in the page, from the message's arrival: waiting behind earlier
// messages (started), fetching and running the new modules (evaluated), their accept callbacks
// (accepted), React's refresh render and commit (committed), new stylesheets loaded (styled),
// acknowledged.
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

// The URL a js-update's new version is imported at: the server names it (its token), or, from a
// server that does not, the path at the update's timestamp.
function updateUrl(u) {
  return u.url ?? withTimestamp(u.acceptedPath || u.path, u.timestamp);
}

async function fetchUpdate(u, inlineUrl) {
  const { path, acceptedPath = path } = u;
  if (!acceptCallbacks.has(path)) return null; // the boundary is not loaded on this page
  const chosen = acceptCallbacks.get(path).filter(({ deps }) => deps.includes(acceptedPath));
  if (path !== acceptedPath && chosen.length === 0) return null;
  await runDisposeCallbacks(acceptedPath);
  let next;
  try {
    next = await import(inlineUrl ?? updateUrl(u));
  } catch (err) {
    throw new Error(`could not re-import ${acceptedPath}: ${err && err.message}`, { cause: err });
  }
  return () => {
    for (const { deps, fn } of chosen) fn(deps.map((dep) => (dep === acceptedPath ? next : undefined)));
    return path === acceptedPath ? path : `${acceptedPath} via ${path}`;
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

// Headless Chromium through playwright-core, one fresh profile per measured run. The page is
// instrumented by an init script (it runs again after every reload): a MutationObserver plus a 4 ms
// poll compare the element named by sessionStorage "bench:want" against the expected text or
// computed style and record the wall-clock time (performance.timeOrigin + now, the same clock as
// the driver's) of the first match in sessionStorage, so a hit is recorded even across a reload.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { REPO } from "./paths.mjs";
import { onCleanup, sleep } from "./procs.mjs";

const { chromium } = await import(path.join(REPO, "npm/node_modules/playwright-core/index.mjs"));

export const CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync"];

const INIT = `(() => {
  const now = () => performance.timeOrigin + performance.now();
  // The element last found, while it is still in the document and matches: a querySelector over
  // a page of 10,000 components at every mutation and every 4 ms tick cost the page more than
  // what is measured (it grew with the page), and delayed the update's message behind it.
  let found = null;
  const find = (selector) => {
    if (found && found.isConnected && found.matches(selector)) return found;
    return (found = document.querySelector(selector));
  };
  const check = () => {
    let want;
    try { want = JSON.parse(sessionStorage.getItem("bench:want") || "null"); } catch { return; }
    if (!want || sessionStorage.getItem("bench:hit:" + want.id)) return;
    const el = find(want.selector);
    if (!el) return;
    let ok = true;
    if (want.text !== undefined) ok = el.textContent === want.text;
    else if (want.prop !== undefined) ok = getComputedStyle(el)[want.prop] === want.value;
    if (ok) {
      sessionStorage.setItem("bench:hit:" + want.id, String(now()));
      window.__benchHit?.();
    }
  };
  window.__benchCheck = check;
  sessionStorage.setItem("bench:loads", String(Number(sessionStorage.getItem("bench:loads") || 0) + 1));
  new MutationObserver(check).observe(document, { subtree: true, childList: true, characterData: true, attributes: true });
  const tick = () => { check(); setTimeout(tick, 4); };
  tick();
})();`;

export async function launch() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hr-bench-chromium-"));
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: "/usr/bin/chromium", headless: true, args: CHROMIUM_ARGS, viewport: { width: 1280, height: 900 },
  });
  const close = async () => {
    await context.close().catch(() => {});
    fs.rmSync(dir, { recursive: true, force: true });
  };
  const unregister = onCleanup(close);
  await context.addInitScript(INIT);
  const page = context.pages()[0] ?? (await context.newPage());
  const tap = instrument(page);
  return { context, page, tap, close: async () => (unregister(), await close()) };
}

// What the page did: requests, main-frame navigations (= full reloads after the first load), the
// HMR messages received on any WebSocket, and errors.
function instrument(page) {
  const tap = { requests: [], navigations: 0, frames: [], errors: [] };
  page.on("request", (r) => tap.requests.push(r.url()));
  page.on("framenavigated", (f) => { if (f === page.mainFrame()) tap.navigations++; });
  page.on("pageerror", (e) => tap.errors.push(String(e.message).slice(0, 300)));
  page.on("websocket", (ws) => ws.on("framereceived", (f) => {
    if (typeof f.payload !== "string") return;
    try { tap.frames.push(JSON.parse(f.payload)); } catch { /* not JSON */ }
  }));
  tap.reset = () => { tap.requests = []; tap.navigations = 0; tap.frames = []; tap.errors = []; };
  return tap;
}

// Evaluate, retrying while a navigation replaces the document.
export async function evalRetry(page, fn, arg, timeoutMs = 10000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await page.evaluate(fn, arg);
    } catch (e) {
      if (Date.now() > deadline) throw e;
      await sleep(25);
    }
  }
}

export async function setWant(page, want) {
  await evalRetry(page, (w) => {
    sessionStorage.setItem("bench:want", JSON.stringify(w));
    sessionStorage.removeItem("bench:hit:" + w.id);
  }, want);
}

// The hit time (epoch ms) of want `id`, or null after timeoutMs. The page is asked once and answers
// when its observer records the hit (or after a second, and is asked again: a reload drops the
// question), so no poll of the driver's runs in the page while it applies an edit.
export async function waitHit(page, id, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const wait = Math.min(1000, deadline - Date.now());
    const v = await page.evaluate(({ k, wait }) => new Promise((resolve) => {
      const read = () => sessionStorage.getItem("bench:hit:" + k);
      window.__benchCheck?.();
      if (read()) return resolve(read());
      const timer = setTimeout(() => resolve(read()), wait);
      window.__benchHit = () => {
        if (!read()) return;
        clearTimeout(timer);
        resolve(read());
      };
    }), { k: id, wait }).catch(() => null);
    if (v) return Number(v);
    await sleep(15);
  }
  return null;
}

export async function loads(page) {
  return Number(await evalRetry(page, () => sessionStorage.getItem("bench:loads") || 0));
}

// Resolves once the page made no request for quietMs (or after maxMs).
export async function networkQuiet(tap, quietMs, maxMs) {
  const end = Date.now() + maxMs;
  let last = tap.requests.length, since = Date.now();
  while (Date.now() < end) {
    await sleep(50);
    if (tap.requests.length !== last) last = tap.requests.length, since = Date.now();
    else if (Date.now() - since >= quietMs) return;
  }
}

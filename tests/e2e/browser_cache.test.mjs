// The browser's HTTP cache and module URLs that name one content for good (docs/hmr-protocol.md
// "Caching"), on the hand-written app (handwritten_fixture.mjs) in Chromium: a reload comes back
// from the cache; an edit made while no page was open shows in a page opened from that cache; a
// module the page holds keeps being the one instance when a module loaded later imports its new
// URL; a page opened again after the server restarted comes from that cache too, and an edit
// after a restart hot-swaps a module the module cache gave back; and a page that loaded while an
// edit went by (its socket held back) is brought to the new code. What reached the server is told apart from what the cache answered with Chromium's own
// network events (CDP), not inferred.
//
// Run: node --test tests/e2e/browser_cache.test.mjs   (HR_ORCHESTRATE=path/to/hr-orchestrate)
import { describe } from "node:test";
import { sleep, waitUntil } from "./harness.mjs";
import {
  app, browser, checkStateKept, openTab, pageProblems, report, scenario, setState, snapshot, url,
  useHandwrittenApp, WAIT_APPLIED_MS, waitForTexts,
} from "./handwritten_checks.mjs";

const SHOWN = ["greeting", "greeting-note", "shared-in-greeting", "shared-in-footer", "lazy-note"];

// Every load of `page` from now on, as Chromium's network layer saw it: `network` when the server
// answered (a 304 included), not when the memory or disk cache did; `script` for a module.
async function watchLoads(page) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Network.enable");
  const byId = new Map();
  cdp.on("Network.requestWillBeSent", (e) => byId.set(e.requestId, { url: e.request.url, network: false, script: e.type === "Script" }));
  cdp.on("Network.requestServedFromCache", (e) => byId.get(e.requestId) && (byId.get(e.requestId).cached = true));
  const wire = new Map(); // requestId -> the status the server sent (a 304 Chromium shows as 200)
  cdp.on("Network.responseReceivedExtraInfo", (e) => wire.set(e.requestId, e.statusCode));
  cdp.on("Network.responseReceived", (e) => {
    const load = byId.get(e.requestId);
    if (!load) return;
    load.status = e.response.status;
    load.id = e.requestId;
    load.network = !load.cached && !e.response.fromDiskCache && !e.response.fromPrefetchCache;
  });
  return {
    reset: () => byId.clear(),
    fromServer: (test) => [...byId.values()].filter((l) => l.network && test(l))
      .map((l) => `${new URL(l.url).pathname}${new URL(l.url).search} ${wire.get(l.id) ?? l.status}`),
    all: () => [...byId.values()],
  };
}

// A module of the app or the HMR client. Assets and stylesheets a module names by URL (an <img>'s
// logo.svg, a `?url` stylesheet) are revalidated, as Vite does: their URL is not the content's.
const appModule = (load) => load.script && !new URL(load.url).pathname.startsWith("/@deps/");

// The fixture's lazy imports' targets (App.jsx's React.lazy, LazyNote.jsx's import()): named by
// version, not by token (site_state.h), so the browser revalidates them.
const LAZY_TARGETS = ["/src/components/Logo.jsx", "/src/lib/lazy.js"];

// What the server had to send of the app's modules: every load the network answered, but a lazy
// target's revalidation answered 304 with no body (each must be one).
function fetchedModules(loads) {
  const fetched = loads.fromServer(appModule);
  const revalidated = fetched.filter((f) => LAZY_TARGETS.includes(f.split(/[? ]/)[0]) && / 304$/.test(f));
  const rest = fetched.filter((f) => !revalidated.includes(f));
  if (revalidated.length !== LAZY_TARGETS.length) rest.push(`revalidated with a 304: ${JSON.stringify(revalidated)}, expected ${LAZY_TARGETS.join(" and ")}`);
  return rest;
}

// The URL the current app imports App.jsx at, as a module loaded now would: the shell names the
// entry, the entry names App.jsx.
async function currentAppUrl(page) {
  return page.evaluate(async () => {
    const html = await (await fetch("/", { headers: { Accept: "text/html" }, cache: "no-store" })).text();
    const entry = html.match(/src="(\/src\/main\.jsx[^"]*)"/)?.[1];
    if (!entry) return null;
    const main = await (await fetch(entry)).text();
    return main.match(/"(\/src\/App\.jsx\?v=[0-9a-f]+)"/)?.[1] ?? null;
  });
}

describe("module URLs and the browser's cache (hr-orchestrate + Chromium)", () => {
  useHandwrittenApp();

  scenario("F5: the page comes back from the browser's cache, no app module or client fetched (lazy imports' targets: 304)", async () => {
    const tab = await openTab("f5");
    const loads = await watchLoads(tab.page);
    const shown = await snapshot(tab, SHOWN);
    await tab.page.reload();
    await tab.page.locator('[data-testid="greeting"]').first().waitFor({ timeout: 10000 });
    const failures = await waitForTexts(tab, shown);
    await sleep(300);
    const fetched = fetchedModules(loads);
    if (fetched.length) failures.push(`the reload fetched from the server: ${JSON.stringify(fetched)}`);
    const fromCache = loads.all().filter((l) => !l.network && appModule(l));
    if (fromCache.length < 10) failures.push(`only ${fromCache.length} app modules came from the cache`);
    await report(failures, { tab });
  });

  scenario("a page opened again after the server restarted comes from the browser's cache", async () => {
    const warm = await openTab("before-restart");  // fills the cache
    const shown = await snapshot(warm, SHOWN);
    const failures = [];
    // Every module built (on demand the rest builds in the background): the server saves the URLs.
    await waitUntil(async () => (await app.status())?.unbuilt === 0, "every module built", 20000);
    await warm.close();
    await app.waitForClients(0);
    const stopped = await app.stop();
    if (stopped.code !== 0) failures.push(`stop exited ${stopped.code}`);
    const restarted = await app.recompile();  // the compiler's next call starts a server again
    if (restarted.code !== 0) failures.push(`the call after the restart exited ${restarted.code}`);
    const page = await browser.context.newPage();
    const loads = await watchLoads(page);
    await page.goto(url + "/");
    await page.locator('[data-testid="greeting"]').first().waitFor({ timeout: 10000 });
    const tab = { page };
    failures.push(...(await waitForTexts(tab, shown)));
    await sleep(300);
    const fetched = fetchedModules(loads);
    if (fetched.length) failures.push(`after the restart the page fetched from the server: ${JSON.stringify(fetched)}`);
    const fromCache = loads.all().filter((l) => !l.network && appModule(l));
    if (fromCache.length < 10) failures.push(`only ${fromCache.length} app modules came from the cache`);
    await page.close();
    await report(failures, { result: restarted });
  });

  // After a restart the modules come back from the module cache, on the server's thread, in the
  // background's batches: an edit of one must still hot-swap it in the page, state kept.
  scenario("after a restart, an edit of a module the cache gave back shows in place, state kept", async () => {
    const failures = [];
    const stopped = await app.stop();
    if (stopped.code !== 0) failures.push(`stop exited ${stopped.code}`);
    const restarted = await app.recompile();
    if (restarted.code !== 0) failures.push(`the call after the restart exited ${restarted.code}`);
    const tab = await openTab("after-restart");
    await app.waitForClients(1);
    await setState(tab);
    const status = await waitUntil(async () => {
      const s = await app.status();
      return s?.unbuilt === 0 ? s : null;
    }, "every module built", 20000);
    if (!(status.cache?.served > 0)) failures.push(`no module came from the cache: ${JSON.stringify(status.cache)}`);
    const result = await app.edit("src/lib/words.js", 'export const HELLO = "Hello";', 'export const HELLO = "Howdy";', { waitApplied: WAIT_APPLIED_MS });
    if (result.code !== 0) failures.push(`the call exited ${result.code}`);
    failures.push(...(await waitForTexts(tab, { "greeting": "Howdy Ada and the world!" })));
    await checkStateKept(tab, "after-restart", failures);
    failures.push(...pageProblems(tab));
    await report(failures, { tab, result, testids: ["greeting"] });
    await tab.page.close();
    await app.waitForClients(0);
  });

  scenario("an edit made while no page is open shows in a page opened from the cache", async () => {
    const warm = await openTab("warm");  // fills the cache with the current modules
    await warm.close();
    await app.waitForClients(0);
    const result = await app.edit("src/components/Greeting.jsx", "note v1", "note closed", { waitApplied: WAIT_APPLIED_MS });
    const tab = await openTab("after");
    const failures = result.code === 0 ? [] : [`the call exited ${result.code}`];
    failures.push(...(await waitForTexts(tab, { "greeting-note": "note closed" })));
    await report(failures, { tab, result, testids: SHOWN });
  });

  scenario("a module whose URL moved stays one instance for modules loaded later", async () => {
    const tab = await openTab("moved");
    await app.waitForClients(1);
    const before = await currentAppUrl(tab.page);
    const runs = await tab.page.evaluate(() => globalThis.__appEvaluations);
    // Greeting.jsx is re-run by the update; App.jsx, which imports it, is not: its URL moves.
    const result = await app.edit("src/components/Greeting.jsx", "note closed", "note moved", { waitApplied: WAIT_APPLIED_MS });
    const failures = await waitForTexts(tab, { "greeting-note": "note moved" });
    const after = await currentAppUrl(tab.page);
    if (!before || !after || before === after) failures.push(`App.jsx's URL did not move (${before} → ${after})`);
    const later = await tab.page.evaluate(async (u) => {
      const mod = await import(u);  // what a module loaded now, importing App.jsx, gets
      return { runs: globalThis.__appEvaluations, isComponent: typeof mod.default === "function" };
    }, after);
    if (later.runs !== runs || !later.isComponent) {
      failures.push(`importing ${after} ran App.jsx again (runs ${runs} → ${later.runs}): a second instance`);
    }
    await report(failures, { tab, result });
  });

  scenario("a page that loaded while an edit went by is brought to the new code", async () => {
    const page = await browser.context.newPage();
    let open;
    const held = new Promise((resolve) => (open = resolve));
    // The page's socket waits: the edit below goes by while the page holds the old code.
    await page.routeWebSocket(/\/@hr\/ws$/, async (ws) => {
      await held;
      ws.connectToServer();
    });
    const reasons = [];
    page.on("console", (m) => m.text().startsWith("[hr] full reload") && reasons.push(m.text()));
    await page.goto(url + "/");
    await page.locator('[data-testid="greeting-note"]').waitFor({ timeout: 10000 });
    const failures = [];
    const shownBefore = await page.locator('[data-testid="greeting-note"]').textContent();
    if (shownBefore !== "note moved") failures.push(`the page first showed ${JSON.stringify(shownBefore)}`);
    const result = await app.edit("src/components/Greeting.jsx", "note moved", "note missed", { waitApplied: 0 });
    await sleep(300);
    const stillOld = await page.locator('[data-testid="greeting-note"]').textContent();
    if (stillOld !== "note moved") failures.push(`before its socket opened the page showed ${JSON.stringify(stillOld)}`);
    open();
    const shown = await waitUntil(async () => (await page.locator('[data-testid="greeting-note"]').textContent().catch(() => null)) === "note missed",
      "the page to show the edit it missed", 10000).then(() => true, () => false);
    if (!shown) failures.push(`the page kept ${JSON.stringify(await page.locator('[data-testid="greeting-note"]').textContent().catch(() => null))}`);
    if (!reasons.some((r) => r.includes("Greeting.jsx"))) failures.push(`no reload naming Greeting.jsx: ${JSON.stringify(reasons)}`);
    await page.close();
    await report(failures, { result });
  });
});

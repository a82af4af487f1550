// The checks the Chromium tests of the hand-written app (handwritten_fixture.mjs) share: one app
// and one server per test file (useHandwrittenApp), a fresh tab per test, and checks of what the
// person sees (texts in the DOM, state kept, reloads counted, failed loads), each failure listed
// with what helps to tell why (report). Used by handwritten.test.mjs and handwritten_css.test.mjs.
import assert from "node:assert/strict";
import { after, afterEach, before, it } from "node:test";
import { closeBrowser, findBinary, freePort, launchBrowser, sleep, Tab, waitUntil } from "./harness.mjs";
import { HandwrittenApp } from "./handwritten_fixture.mjs";

export const TEST_TIMEOUT_MS = 60000;
export const DOM_WAIT_MS = 8000; // how long the page gets to show an update after the call returned
export const WAIT_APPLIED_MS = 5000;

// Live bindings: set by useHandwrittenApp's hooks, read by the tests.
export let app;
export let browser;
export let url;
let tabs = [];

// Starts the app's server (the compiler's first call) and Chromium before the file's tests, closes
// each test's tabs after it, and stops both at the end.
export function useHandwrittenApp() {
  before(async () => {
    app = new HandwrittenApp({ binary: findBinary(), port: await freePort() });
    const first = await app.recompile(); // the compiler's first call starts the server
    assert.equal(first.code, 0, `first call: ${JSON.stringify(first)}\n${app.logTail()}`);
    url = await app.url();
    browser = await launchBrowser();
  }, { timeout: 90000 });

  afterEach(async () => {
    for (const tab of tabs) await tab.close().catch(() => {});
    tabs = [];
    await app.waitForClients(0).catch(() => {});
  });

  after(async () => {
    if (browser) await closeBrowser(browser).catch(() => {});
    if (app) {
      await app.stop();
      app.remove();
    }
  });

}


// A tab (harness Tab: console, page errors, requests, loads) that also records every resource the
// page failed to load, with its URL (Chromium reports those as console errors, without the URL in
// the text, and Playwright has no response event for some of them).
export async function openTab(marker) {
  const page = await browser.context.newPage();
  const failedLoads = [];
  page.on("console", (m) => {
    if (m.type() === "error" && m.text().startsWith("Failed to load resource")) failedLoads.push(`${m.text()}: ${m.location().url}`);
  });
  page.on("requestfailed", (r) => failedLoads.push(`request failed (${r.failure()?.errorText}): ${r.url()}`));
  const tab = new Tab(page);
  tab.failedLoads = failedLoads;
  tabs.push(tab);
  await page.goto(url + "/");
  try {
    await page.locator('[data-testid="greeting"]').first().waitFor({ timeout: 10000 });
  } catch (err) {
    throw new Error(`the app did not render (no [data-testid="greeting"] after 10 s)\n` +
      `failed loads: ${JSON.stringify(failedLoads)}\n${tab.describe()}\n${app.logTail(15)}`);
  }
  await settled(page);
  await page.evaluate((m) => (window.__marker = m), marker);
  return tab;
}

// Waits (up to 5 s, then goes on) for the code-split logo to be in the page, loaded, or its error
// shown: it comes in after the first render and moves what is below it, so a click made before
// may land where a button no longer is, and a counter would miss a count.
async function settled(page) {
  await page.waitForFunction(() => {
    const logo = document.querySelector('[data-testid="logo"]');
    return (logo && logo.complete) || document.querySelector('[data-testid="logo-error"]');
  }, null, { timeout: 5000, polling: 20 }).catch(() => {});
}

export function readText(tab, testid) {
  return tab.page.locator(`[data-testid="${testid}"]`).first().textContent({ timeout: 1000 }).catch(() => null);
}

// Polls until every [data-testid] in `expected` reads its text, or `timeoutMs` passed. Returns the
// mismatches as "testid reads X, expected Y" lines (empty: all shown).
export async function waitForTexts(tab, expected, timeoutMs = DOM_WAIT_MS) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const wrong = [];
    for (const [testid, text] of Object.entries(expected)) {
      const seen = await readText(tab, testid);
      if (seen !== text) wrong.push(`[data-testid="${testid}"] reads ${JSON.stringify(seen)}, expected ${JSON.stringify(text)}`);
    }
    if (wrong.length === 0 || Date.now() > deadline) return wrong;
    await sleep(100);
  }
}

export async function snapshot(tab, testids) {
  const out = {};
  for (const id of testids) out[id] = await readText(tab, id);
  return out;
}

// Page errors since the tab opened, and failed loads since `since` that had not failed before it
// (a hot-update test counts only the loads its update made fail, so one broken feature fails its
// own tests, not every test). The browser's own /favicon.ico probe aside: the app has none, and
// with no backend configured the server answers it 502.
export function pageProblems(tab, since = { console: 0, failedLoads: 0 }) {
  const notFavicon = (line) => !/\/favicon\.ico(\?|$)/.test(line);
  const before = new Set([...tab.console.slice(0, since.console), ...tab.failedLoads.slice(0, since.failedLoads)]);
  const fresh = (line) => notFavicon(line) && !before.has(line);
  return [
    ...tab.console.filter((line) => line.startsWith("pageerror:")),
    ...tab.console.slice(since.console).filter((line) => line.startsWith("http ") && fresh(line)),
    ...tab.failedLoads.slice(since.failedLoads).filter(fresh),
  ];
}

export const mark = (tab) => ({ console: tab.console.length, failedLoads: tab.failedLoads.length });

// After an edit that must reload the page: the call's answer, exactly one reload with the call's
// reason in the console, the state gone, and `expect`'s texts in the reloaded page.
export async function checkOneReload(tab, result, expect) {
  const failures = [];
  if (result.code !== 0) failures.push(`the call exited ${result.code}`);
  const reloaded = await waitUntil(() => tab.loads >= 2, "the page to reload", 15000).then(() => true, () => false);
  if (!reloaded) failures.push(`the page did not reload (loads ${tab.loads})`);
  failures.push(...(await waitForTexts(tab, expect)));
  const marker = await tab.marker().catch(() => "(unreadable)");
  if (marker !== undefined) failures.push(`window.__marker survived (${JSON.stringify(marker)}): no reload`);
  const counter = await readText(tab, "counter-value");
  if (counter !== "0") failures.push(`counter-value reads ${JSON.stringify(counter)} after the reload, expected "0"`);
  if (result.action !== "full-reload") failures.push(`the call's action is ${JSON.stringify(result.action)}, expected "full-reload"`);
  if (!result.reason) failures.push("the call gave no reason for the full reload");
  const reasons = tab.console.filter((line) => line.startsWith("[hr] full reload: "));
  if (reasons.length !== 1) failures.push(`full-reload lines in the console: ${JSON.stringify(reasons)}`);
  else if (result.reason && !reasons[0].includes(result.reason)) {
    failures.push(`the console's reason "${reasons[0]}" is not the call's "${result.reason}"`);
  }
  return failures;
}

// The state every hot-update test sets before its edit, and checks after it.
export async function setState(tab) {
  await tab.clickCounter(3);
  for (let i = 0; i < 2; i++) await tab.page.click('[data-testid="wave-button"]');
  await waitUntil(async () => (await readText(tab, "wave-count")) === "2", "Greeting's waves to count");
}

export async function checkStateKept(tab, marker, failures) {
  const m = await tab.marker().catch((err) => `(${err.message})`);
  if (m !== marker) failures.push(`the page reloaded: window.__marker is ${JSON.stringify(m)}, expected ${JSON.stringify(marker)}`);
  if (tab.loads !== 1) failures.push(`the page loaded ${tab.loads} times`);
  const counter = await readText(tab, "counter-value");
  if (counter !== "3") failures.push(`Counter state lost: counter-value reads ${JSON.stringify(counter)}, expected "3"`);
  const waves = await readText(tab, "wave-count");
  if (waves !== "2") failures.push(`Greeting state lost: wave-count reads ${JSON.stringify(waves)}, expected "2"`);
}

// Throws one error listing every failed check of a test, with what helps to tell why: the call's
// JSON line, what a freshly loaded page shows (the server's current code), the page's console and
// the server's log.
export async function report(failures, { tab, result, testids = [], requestsFrom }) {
  if (failures.length === 0) return;
  let fresh = "";
  if (testids.length) {
    try {
      const t = await openTab("fresh");
      await sleep(300);
      fresh = `a freshly loaded page shows: ${JSON.stringify(await snapshot(t, testids))}\n`;
    } catch (err) {
      fresh = `a freshly loaded page failed: ${err.message}\n`;
    }
  }
  throw new assert.AssertionError({
    message: `${failures.length} check(s) failed:\n  - ${failures.join("\n  - ")}\n` +
      (result ? `call result: ${JSON.stringify(result)}\n` : "") + fresh +
      (requestsFrom !== undefined ? `requests since the edit: ${JSON.stringify(tab.requests.slice(requestsFrom).map((u) => new URL(u).pathname + new URL(u).search))}\n` : "") +
      (tab ? `${tab.describe()}\n` : "") + `--- app ${app.dir}\n${app.logTail(25)}`,
  });
}

export function scenario(name, body) {
  it(name, { timeout: TEST_TIMEOUT_MS }, body);
}

// One edit that must be hot-swapped: a fresh tab with state set, the edit and the compiler's call,
// then the DOM must show `expect` with the state kept, no reload and no page error.
// `bytes` instead of `from`/`to` writes the whole file.
export function hotUpdate(name, { id, from, to, bytes, expect, action = "js-update", check }) {
  scenario(name, async (t) => {
    const marker = `before-${id}`;
    const tab = await openTab(marker);
    await app.waitForClients(1);
    await setState(tab).catch(async (err) => {
      const dom = await tab.page.evaluate(() => ({
        readyState: document.readyState,
        counters: [...document.querySelectorAll('[data-testid="counter-value"]')].map((e) => e.textContent),
        waves: [...document.querySelectorAll('[data-testid="wave-count"]')].map((e) => e.textContent),
        buttons: document.querySelectorAll('[data-testid="counter-button"]').length,
        scripts: [...document.scripts].map((x) => x.src || x.textContent.slice(0, 40)),
      })).catch((e) => `unreadable: ${e.message}`);
      await report([`setting the state before the edit: ${err.message}; the page: ${JSON.stringify(dom)}`], { tab });
    });
    const context = check ? await check.before?.(tab) : undefined;
    const requestsFrom = tab.requests.length;
    const since = mark(tab);
    const result = bytes !== undefined
      ? await app.writeFile(id, bytes, { waitApplied: WAIT_APPLIED_MS })
      : await app.edit(id, from, to, { waitApplied: WAIT_APPLIED_MS });
    const failures = [];
    t.diagnostic(`call: ${result.action} (${result.reason}); boundaries ${JSON.stringify(result.boundaries)}; ` +
      `acknowledged ${result.acknowledged}, applied in ${result.timings?.applied} ms`);
    if (result.code !== 0) failures.push(`the call exited ${result.code}`);
    failures.push(...(await waitForTexts(tab, expect)));
    if (check) await check.after(tab, failures, context);
    await checkStateKept(tab, marker, failures);
    failures.push(...pageProblems(tab, since));
    if (result.action !== action) failures.push(`the call's action is ${JSON.stringify(result.action)}, expected ${JSON.stringify(action)}`);
    if (result.acknowledged !== 1) failures.push(`acknowledged by ${result.acknowledged} pages, expected 1`);
    await report(failures, { tab, result, testids: Object.keys(expect), requestsFrom });
  });
}

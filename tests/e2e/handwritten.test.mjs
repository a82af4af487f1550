// End-to-end hot reload on a hand-written React app (tests/e2e/fixtures/handwritten/, see
// handwritten_fixture.mjs), written the way ordinary apps are: plain helper modules two and three
// levels below the component that renders them, a module shared by two components, a JSON import,
// a dynamic import(), an SVG asset import, a stylesheet, and an entry that calls createRoot.
//
// Run: node --test tests/e2e/handwritten.test.mjs   (HR_ORCHESTRATE=path/to/hr-orchestrate; CTest sets it)
//
// Every test judges what the person sees in Chromium: the DOM shows the new content (polled, with a
// bounded wait), component state survives (the Counter clicked to 3, Greeting's own "waves" clicked
// to 2), and a `window.__marker` set before the edit is still there (no reload); where a reload is
// right, exactly one happens. The server's `action` and acknowledgement are checked as well, never
// instead. Each test opens a fresh tab, so one failure does not spill into the next; the edits pile
// up on one app and one server, in order. A page error fails a test, and so does a load that fails
// (a hot-update test counts only the loads its update broke, so one broken feature, e.g. the code-
// split logo, fails its own tests and not every test). On failure the error lists every failed
// check, the call's JSON line, what a freshly loaded page shows, the requests since the edit, the
// page's console and the server's log.
import assert from "node:assert/strict";
import { after, afterEach, before, describe, it } from "node:test";
import { closeBrowser, findBinary, freePort, launchBrowser, sleep, Tab, waitUntil } from "./harness.mjs";
import { HandwrittenApp } from "./handwritten_fixture.mjs";

const TEST_TIMEOUT_MS = 60000;
const DOM_WAIT_MS = 8000; // how long the page gets to show an update after the call returned
const WAIT_APPLIED_MS = 5000;

let app;
let browser;
let url;
let tabs = [];

// A tab (harness Tab: console, page errors, requests, loads) that also records every resource the
// page failed to load, with its URL (Chromium reports those as console errors, without the URL in
// the text, and Playwright has no response event for some of them).
async function openTab(marker) {
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
  await page.evaluate((m) => (window.__marker = m), marker);
  return tab;
}

function readText(tab, testid) {
  return tab.page.locator(`[data-testid="${testid}"]`).first().textContent({ timeout: 1000 }).catch(() => null);
}

// Polls until every [data-testid] in `expected` reads its text, or `timeoutMs` passed. Returns the
// mismatches as "testid reads X, expected Y" lines (empty: all shown).
async function waitForTexts(tab, expected, timeoutMs = DOM_WAIT_MS) {
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

async function snapshot(tab, testids) {
  const out = {};
  for (const id of testids) out[id] = await readText(tab, id);
  return out;
}

const H1_COLOR = (tab) =>
  tab.page.locator('[data-testid="greeting"]').evaluate((el) => getComputedStyle(el).color);

// What the page shows of the logo: the <img> src, what fetching it answers, its natural size and the
// colour of its centre pixel (drawn on a canvas; same-origin, so readable).
async function logoView(tab) {
  // The logo is code-split: wait (bounded) until it loaded or its error boundary caught a failure.
  await tab.page.waitForFunction(() => {
    const img = document.querySelector('[data-testid="logo"]');
    return (img && img.complete) || document.querySelector('[data-testid="logo-error"]');
  }, null, { timeout: 5000 }).catch(() => {});
  return tab.page.evaluate(async () => {
    const img = document.querySelector('[data-testid="logo"]');
    if (!img) return { missing: true, boundaryError: document.querySelector('[data-testid="logo-error"]')?.textContent ?? null };
    const view = { attr: img.getAttribute("src"), src: img.src, complete: img.complete, naturalWidth: img.naturalWidth };
    try {
      const res = await fetch(img.src, { cache: "no-store" });
      view.status = res.status;
      view.type = res.headers.get("content-type");
      view.body = (await res.text()).slice(0, 400);
    } catch (err) {
      view.fetchError = String(err);
    }
    try {
      const canvas = document.createElement("canvas");
      canvas.width = canvas.height = 32;
      const ctx = canvas.getContext("2d");
      ctx.drawImage(img, 0, 0, 32, 32);
      view.pixel = Array.from(ctx.getImageData(16, 16, 1, 1).data).slice(0, 3).join(",");
    } catch (err) {
      view.pixelError = String(err);
    }
    return view;
  });
}

function checkLogo(view, { fill, pixel }, failures) {
  if (view.missing) return void failures.push(`no <img data-testid="logo"> on the page (the logo's error boundary shows ${JSON.stringify(view.boundaryError)})`);
  if (!/^(\/|https?:\/\/)/.test(view.attr ?? "")) failures.push(`the img src is not a URL: ${JSON.stringify(view.attr)}`);
  if (view.status !== 200) failures.push(`fetching the img src ${view.src} answered ${view.status ?? view.fetchError}`);
  if (!/^image\/svg\+xml/.test(view.type ?? "")) failures.push(`the img src's content-type is ${JSON.stringify(view.type)}, not image/svg+xml`);
  if (!(view.body ?? "").includes("<svg") || !(view.body ?? "").includes(fill)) {
    failures.push(`the img src's body is not the SVG with fill ${fill}: ${JSON.stringify(view.body)}`);
  }
  if (!(view.naturalWidth > 0)) failures.push(`the img did not load (naturalWidth ${view.naturalWidth}, complete ${view.complete})`);
  if (view.pixel !== pixel) failures.push(`the logo's centre pixel is rgb(${view.pixel ?? view.pixelError}), expected rgb(${pixel})`);
}

// Page errors since the tab opened, and failed loads since `since` that had not failed before it
// (a hot-update test counts only the loads its update made fail, so one broken feature fails its
// own tests, not every test). The browser's own /favicon.ico probe aside: the app has none, and
// with no backend configured the server answers it 502.
function pageProblems(tab, since = { console: 0, failedLoads: 0 }) {
  const notFavicon = (line) => !/\/favicon\.ico(\?|$)/.test(line);
  const before = new Set([...tab.console.slice(0, since.console), ...tab.failedLoads.slice(0, since.failedLoads)]);
  const fresh = (line) => notFavicon(line) && !before.has(line);
  return [
    ...tab.console.filter((line) => line.startsWith("pageerror:")),
    ...tab.console.slice(since.console).filter((line) => line.startsWith("http ") && fresh(line)),
    ...tab.failedLoads.slice(since.failedLoads).filter(fresh),
  ];
}

const mark = (tab) => ({ console: tab.console.length, failedLoads: tab.failedLoads.length });

// After an edit that must reload the page: the call's answer, exactly one reload with the call's
// reason in the console, the state gone, and `expect`'s texts in the reloaded page.
async function checkOneReload(tab, result, expect) {
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
async function setState(tab) {
  await tab.clickCounter(3);
  for (let i = 0; i < 2; i++) await tab.page.click('[data-testid="wave-button"]');
  await waitUntil(async () => (await readText(tab, "wave-count")) === "2", "Greeting's waves to count");
}

async function checkStateKept(tab, marker, failures) {
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
async function report(failures, { tab, result, testids = [], requestsFrom }) {
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

function scenario(name, body) {
  it(name, { timeout: TEST_TIMEOUT_MS }, body);
}

// One edit that must be hot-swapped: a fresh tab with state set, the edit and the compiler's call,
// then the DOM must show `expect` with the state kept, no reload and no page error.
function hotUpdate(name, { id, from, to, expect, action = "js-update", check }) {
  scenario(name, async (t) => {
    const marker = `before-${id}`;
    const tab = await openTab(marker);
    await app.waitForClients(1);
    await setState(tab);
    const context = check ? await check.before?.(tab) : undefined;
    const requestsFrom = tab.requests.length;
    const since = mark(tab);
    const result = await app.edit(id, from, to, { waitApplied: WAIT_APPLIED_MS });
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

describe("hot reload of a hand-written React app (hr-orchestrate + Chromium)", () => {
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

  scenario("first load: every part of the app renders, no page error", async () => {
    const tab = await openTab("first");
    const failures = await waitForTexts(tab, {
      "greeting": "Hello Ada and the world!",
      "shared-in-greeting": "shared v1",
      "shared-in-footer": "shared v1",
      "info-title": "Info v1",
      "info-version": "1.0.0",
      "lazy-note": "lazy v1",
      "counter-value": "0",
      "entry-label": "entry v1",
      "env-mode": "development",
      "env-flags": "DEV true PROD false SSR false BASE /",
      "env-greeting": "from .env",
      "env-who": "development",
      "env-keys": "BASE_URL,DEV,MODE,PROD,SSR,VITE_GREETING,VITE_WHO",
      "env-dev-only": "dev build",
    });
    const color = await H1_COLOR(tab);
    if (color !== "rgb(17, 24, 39)") failures.push(`App.css not applied: h1 color ${color}`);
    failures.push(...pageProblems(tab));
    await report(failures, { tab });
  });

  scenario("asset import: <img src={logo}> is a URL that serves the SVG and the image shows", async () => {
    const tab = await openTab("asset");
    const failures = [];
    checkLogo(await logoView(tab), { fill: "#2563eb", pixel: "37,99,235" }, failures);
    failures.push(...pageProblems(tab));
    await report(failures, { tab });
  });

  hotUpdate("words.js edit (2 levels below Greeting): Greeting shows the new text, state kept, no reload", {
    id: "src/lib/words.js",
    from: 'export const HELLO = "Hello";',
    to: 'export const HELLO = "Howdy";',
    expect: { "greeting": "Howdy Ada and the world!" },
  });

  hotUpdate("deep/base.js edit (3 levels below Greeting): Greeting shows the new text, state kept, no reload", {
    id: "src/lib/deep/base.js",
    from: 'export const BASE_WORD = "world";',
    to: 'export const BASE_WORD = "universe";',
    expect: { "greeting": "Howdy Ada and the universe!" },
  });

  hotUpdate("format.js edit (1 level below Greeting): Greeting shows the new text, state kept, no reload", {
    id: "src/lib/format.js",
    from: 'export const MARK = "!";',
    to: 'export const MARK = "?";',
    expect: { "greeting": "Howdy Ada and the universe?" },
  });

  hotUpdate("shared.js edit: BOTH importing components (Greeting, Footer) show the new value", {
    id: "src/lib/shared.js",
    from: '"shared v1"',
    to: '"shared v2"',
    expect: { "shared-in-greeting": "shared v2", "shared-in-footer": "shared v2" },
  });

  hotUpdate("info.json edit: the default and the named JSON import show the new values", {
    id: "src/data/info.json",
    from: '"title": "Info v1",\n  "version": "1.0.0"',
    to: '"title": "Info v2",\n  "version": "2.0.0"',
    expect: { "info-title": "Info v2", "info-version": "2.0.0" },
  });

  hotUpdate("lazy.js edit (dynamically imported): the note shows the new value", {
    id: "src/lib/lazy.js",
    from: '"lazy v1"',
    to: '"lazy v2"',
    expect: { "lazy-note": "lazy v2" },
  });

  hotUpdate("logo.svg edit: the img gets a new URL serving the new colour", {
    id: "src/assets/logo.svg",
    from: 'fill="#2563eb"',
    to: 'fill="#dc2626"',
    expect: {},
    check: {
      before: async (tab) => (await logoView(tab)).src,
      after: async (tab, failures, before) => {
        const changed = await tab.page.waitForFunction((old) =>
          document.querySelector('[data-testid="logo"]')?.src !== old, before, { timeout: DOM_WAIT_MS })
          .then(() => true, () => false);
        const view = await logoView(tab);
        if (!changed && !view.missing) failures.push(`the img src stayed ${before}`);
        checkLogo(view, { fill: "#dc2626", pixel: "220,38,38" }, failures);
      },
    },
  });

  hotUpdate("App.css edit: the new style applies in place, state kept, no reload", {
    id: "src/App.css",
    from: "color: rgb(17, 24, 39);",
    to: "color: rgb(220, 38, 38);",
    expect: {},
    action: "css",
    check: {
      after: async (tab, failures) => {
        const ok = await waitUntil(async () => (await H1_COLOR(tab)) === "rgb(220, 38, 38)", "h1 colour", DOM_WAIT_MS)
          .then(() => true, () => false);
        if (!ok) failures.push(`h1 color is ${await H1_COLOR(tab)}, expected rgb(220, 38, 38)`);
      },
    },
  });

  scenario(".env.local written (VITE_GREETING overridden): exactly one full reload naming the file, the new value shown", async () => {
    const tab = await openTab("before-env");
    await app.waitForClients(1);
    await tab.clickCounter(3);
    const since = mark(tab);
    const result = await app.writeEnv(".env.local", "VITE_GREETING=from .env.local\n", { waitApplied: WAIT_APPLIED_MS });
    const failures = await checkOneReload(tab, result,
      { "env-greeting": "from .env.local", "env-who": "development", "greeting": "Howdy Ada and the universe?" });
    if (!/\.env\.local/.test(result.reason ?? "")) failures.push(`the reason does not name .env.local: ${JSON.stringify(result.reason)}`);
    await sleep(300);
    if (tab.loads !== 2) failures.push(`the page loaded ${tab.loads} times, expected 2 (one reload)`);
    failures.push(...pageProblems(tab, since));
    await report(failures, { tab, result, testids: ["env-greeting"] });
  });

  scenario("main.jsx edit (the entry): exactly one full reload, with its reason", async () => {
    const tab = await openTab("before-entry");
    await app.waitForClients(1);
    await tab.clickCounter(3);
    const since = mark(tab);
    const result = await app.edit("src/main.jsx", 'const BUILD_LABEL = "entry v1";', 'const BUILD_LABEL = "entry v2";',
      { waitApplied: WAIT_APPLIED_MS });
    const failures = await checkOneReload(tab, result,
      { "entry-label": "entry v2", "greeting": "Howdy Ada and the universe?" });
    const reloaded = tab.loads >= 2;
    // Fence: once the reloaded page acknowledged a later CSS update, nothing else may reload it.
    if (reloaded) {
      await app.waitForClients(1).catch((err) => failures.push(err.message));
      const fence = await app.edit("src/App.css", "color: rgb(220, 38, 38);", "color: rgb(22, 101, 52);",
        { waitApplied: WAIT_APPLIED_MS });
      if (fence.action !== "css" || fence.acknowledged !== 1) failures.push(`CSS fence: ${JSON.stringify(fence)}`);
      await sleep(300);
      if (tab.loads !== 2) failures.push(`the page loaded ${tab.loads} times, expected 2 (one reload)`);
    }
    failures.push(...pageProblems(tab, since));
    await report(failures, { tab, result, testids: ["entry-label"] });
  });
});

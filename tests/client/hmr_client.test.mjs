// Specification of the HMR client (orchestrator/client/*.js) in headless Chromium, driven
// by a stub dev server that speaks docs/hmr-protocol.md: what the person at the browser sees after
// each server message, and what the client tells the server.
// Run: node --test tests/client/hmr_client.test.mjs
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { after, afterEach, before, describe, it } from "node:test";
import { appModule, depModule, initialFiles, LINK_CSS_V2, STYLE_CSS_V2, styleModule } from "./app_fixture.mjs";
import { closeBrowser, launchBrowser } from "./browser.mjs";
import { REPO_DIR } from "./react_deps.mjs";
import { startStubServer } from "./stub_server.mjs";

// The served client is these files in order (HR_CLIENT_JS in orchestrator/CMakeLists.txt).
const CLIENT_FILES = ["error_overlay.js", "react_refresh.js", "hot_context.js", "css_update.js", "inline_module.js", "held_modules.js", "apply_update.js", "hmr_client.js"];
const CLIENT_JS = CLIENT_FILES.map((f) => path.join(REPO_DIR, "orchestrator", "client", f));
const TEST_TIMEOUT_MS = 45000;

let stub;
let browser;
let openPages = [];
let lastBuild = 0;
let lastTimestamp = Date.now();

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitUntil(condition, what, timeoutMs = 10000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

// Opens the app in a new tab, waits for it to render and connect, and leaves a marker that only
// survives if the page is never reloaded.
async function openApp() {
  stub.resetFiles();
  stub.received = [];
  const connected = stub.waitForEvent("connection");
  const page = await browser.context.newPage();
  openPages.push(page);
  const logs = [];
  page.on("console", (message) => logs.push(message.text()));
  page.on("pageerror", (error) => logs.push(`pageerror: ${error.message}`));
  await page.goto(`${stub.url}/`);
  await connected;
  await page.locator("#title").waitFor();
  await page.evaluate(() => (window.__marker = "kept"));
  return { page, logs };
}

function jsUpdate(path) {
  return { type: "js-update", path, acceptedPath: path, timestamp: ++lastTimestamp };
}

// Broadcasts an update with a new build id; resolves with the client's acknowledgement.
async function pushUpdate(updates) {
  const build = String(++lastBuild);
  stub.broadcast({ type: "update", build, updates });
  return stub.waitForMessage((m) => m.type === "hr:applied" && m.build === build);
}

async function clickCounter(page, times) {
  for (let i = 0; i < times; i++) await page.click("#inc");
  await page.locator("#inc", { hasText: `count ${times}` }).waitFor();
}

const marker = (page) => page.evaluate(() => window.__marker);
// Where the page's import maps send a URL path of the stub now.
const resolved = (page, url) => page.evaluate(async (u) => {
  const m = await import("data:text/javascript,export default (u) => import.meta.resolve(u)");
  return m.default(u);
}, `${stub.url}${url}`);
// Modules the page holds, as their headers tell the client: [path, URL path, token, named by version].
const hold = (page, modules) => page.evaluate(async (list) => {
  const { createHotContext } = await import("/@hr/client.js");
  for (const [path, url, token, byVersion] of list) createHotContext(path, `${location.origin}${url}`, token, byVersion);
}, modules);
const text = (page, selector) => page.locator(selector).textContent();
const computed = (page, selector, property) =>
  page.locator(selector).evaluate((element, name) => getComputedStyle(element)[name], property);

describe("the HMR client in Chromium", () => {
  before(async () => {
    stub = await startStubServer({ clientSource: CLIENT_JS.map((f) => fs.readFileSync(f, "utf8")).join(""), files: initialFiles() });
    browser = await launchBrowser();
  }, { timeout: 90000 });

  // A test that failed half-way must not leave a connected tab behind for the next one.
  afterEach(async () => {
    for (const page of openPages) await page.close();
    openPages = [];
  });

  after(async () => {
    if (browser) await closeBrowser(browser);
    if (stub) await stub.close();
  });

  it("applies a component edit with Fast Refresh: new text, page and counter state kept, build acknowledged", { timeout: TEST_TIMEOUT_MS }, async () => {
    const { page } = await openApp();
    await clickCounter(page, 3);
    // What the DOM shows at the moment the client makes each of its marks, to check them against
    // the page itself. (A MutationObserver's callback only says "by then": it may run milliseconds
    // after the commit, behind other microtasks.)
    await page.evaluate(() => {
      const mark = performance.mark.bind(performance);
      window.__titleAt = {};
      performance.mark = (name, options) => {
        window.__titleAt[name] = document.querySelector("#title")?.textContent;
        return mark(name, options);
      };
    });
    stub.setFile("/app.js", appModule({ title: "Hello v2" }));
    const ack = await pushUpdate([jsUpdate("/app.js")]);
    const { timings, ...rest } = ack;
    assert.deepEqual(rest, { type: "hr:applied", build: String(lastBuild), ok: true });
    await page.locator("#title", { hasText: "Hello v2" }).waitFor();
    assert.equal(await marker(page), "kept");
    assert.equal(await text(page, "#inc"), "count 3");

    // The acknowledgement carries the page's marks, in order, from the message's arrival...
    const steps = ["started", "evaluated", "accepted", "committed", "styled", "acknowledged"];
    assert.deepEqual(Object.keys(timings).sort(), [...steps].sort(), JSON.stringify(timings));
    steps.slice(1).forEach((step, i) => assert.ok(timings[steps[i]] <= timings[step], JSON.stringify(timings)));
    // ...and they agree with the DOM: the old text until the accept callbacks have run, the new
    // text once React's commit is marked.
    const seen = await page.evaluate((build) => ({
      titles: Object.fromEntries(Object.entries(window.__titleAt).filter(([name]) => name.startsWith(`hr:${build}:`))),
      measure: performance.getEntriesByName(`hr:update:${build}`)[0]?.duration,
    }), String(lastBuild));
    const titleAt = (step) => seen.titles[`hr:${lastBuild}:${step}`];
    for (const step of ["arrived", "started", "evaluated", "accepted"]) assert.equal(titleAt(step), "Hello v1", `${step}: ${JSON.stringify(seen.titles)}`);
    for (const step of ["committed", "styled", "acknowledged"]) assert.equal(titleAt(step), "Hello v2", `${step}: ${JSON.stringify(seen.titles)}`);
    assert.ok(Math.abs(seen.measure - timings.acknowledged) < 2, `measure ${seen.measure} ms, marks ${JSON.stringify(timings)}`);
  });

  it("remounts a component whose hooks signature changed, without a reload", { timeout: TEST_TIMEOUT_MS }, async () => {
    const { page, logs } = await openApp();
    await clickCounter(page, 2);
    stub.setFile("/app.js", appModule({ title: "Hello hooks", withEffect: true }));
    assert.equal((await pushUpdate([jsUpdate("/app.js")])).ok, true);
    await page.locator("#title", { hasText: "Hello hooks" }).waitFor();
    assert.equal(await text(page, "#inc"), "count 0");
    assert.equal(await marker(page), "kept");
    assert.deepEqual(logs.filter((line) => line.startsWith("pageerror")), []);
  });

  it("swaps a <link> stylesheet and updates a JS-imported style module in place, without a reload", { timeout: TEST_TIMEOUT_MS }, async () => {
    const { page } = await openApp();
    assert.equal(await computed(page, "#title", "color"), "rgb(0, 0, 255)");
    stub.setFile("/link.css", LINK_CSS_V2);
    const cssUpdate = { type: "css-update", path: "/link.css", acceptedPath: "/link.css", timestamp: ++lastTimestamp };
    assert.equal((await pushUpdate([cssUpdate])).ok, true);
    assert.equal(await computed(page, "#title", "color"), "rgb(255, 0, 0)");
    assert.equal(await page.locator('link[rel="stylesheet"]').count(), 1);

    assert.equal(await computed(page, "#inc", "marginLeft"), "3px");
    stub.setFile("/styles/theme.css", styleModule(STYLE_CSS_V2));
    assert.equal((await pushUpdate([jsUpdate("/styles/theme.css")])).ok, true);
    assert.equal(await computed(page, "#inc", "marginLeft"), "7px");
    assert.equal(await page.locator("style[data-hr-css]").count(), 1);
    assert.equal(await marker(page), "kept");
  });

  it("applies a css-update that carries its text without any request, linked or JS-imported, and a later fetched one over it", { timeout: TEST_TIMEOUT_MS }, async () => {
    const { page } = await openApp();
    assert.equal(await computed(page, "#title", "color"), "rgb(0, 0, 255)");
    const linkRequests = stub.countRequests("/link.css");
    const moduleRequests = stub.countRequests("/styles/theme.css");
    const inlineUpdate = (path, css) => ({ type: "css-update", path, acceptedPath: path, timestamp: ++lastTimestamp, css });
    assert.equal((await pushUpdate([inlineUpdate("/link.css", "#title { color: rgb(0, 128, 0); }")])).ok, true);
    assert.equal(await computed(page, "#title", "color"), "rgb(0, 128, 0)");
    assert.equal((await pushUpdate([inlineUpdate("/link.css", "#title { color: rgb(0, 0, 128); }")])).ok, true);
    assert.equal(await computed(page, "#title", "color"), "rgb(0, 0, 128)");
    assert.equal((await pushUpdate([inlineUpdate("/styles/theme.css", "#inc { margin-left: 11px; }")])).ok, true);
    assert.equal(await computed(page, "#inc", "marginLeft"), "11px");
    assert.equal(stub.countRequests("/link.css"), linkRequests, "the stylesheet was fetched");
    assert.equal(stub.countRequests("/styles/theme.css"), moduleRequests, "the style module was fetched");
    assert.equal(await page.locator("style[data-hr-href]").count(), 1);
    assert.equal(await page.locator("style[data-hr-css]").count(), 1);

    // Too large to travel inline: fetched, and it replaces the inline text.
    stub.setFile("/link.css", LINK_CSS_V2);
    const fetched = { type: "css-update", path: "/link.css", acceptedPath: "/link.css", timestamp: ++lastTimestamp };
    assert.equal((await pushUpdate([fetched])).ok, true);
    assert.equal(await computed(page, "#title", "color"), "rgb(255, 0, 0)");
    assert.equal(await page.locator("style[data-hr-href]").count(), 0);
    assert.equal(await marker(page), "kept");
  });

  it("implements import.meta.hot: dep accept, dispose with data, custom events both ways, prune", { timeout: TEST_TIMEOUT_MS }, async () => {
    const { page } = await openApp();
    await page.evaluate(() => import("/hot_api.js"));
    const hello = await stub.waitForMessage((m) => m.type === "custom" && m.event === "hello");
    assert.deepEqual(hello.data, { from: "hot_api" });

    stub.setFile("/dep.js", depModule("b"));
    const ack = await pushUpdate([{ type: "js-update", path: "/hot_api.js", acceptedPath: "/dep.js", timestamp: ++lastTimestamp }]);
    assert.equal(ack.ok, true);
    stub.broadcast({ type: "custom", event: "my-event", data: { n: 5 } });
    stub.broadcast({ type: "prune", paths: ["/dep.js"] });
    const expected = ["dep a evaluated, disposed 0", "dep b evaluated, disposed 1", "accepted dep b, old binding a", "custom 5", "pruned after 1 dispose"];
    await waitUntil(async () => (await page.evaluate(() => window.__hot_log.length)) >= expected.length, "the prune callback");
    assert.deepEqual(await page.evaluate(() => window.__hot_log), expected);
    assert.equal(await marker(page), "kept");
  });

  it("reloads once on full-reload and prints the reason in the console", { timeout: TEST_TIMEOUT_MS }, async () => {
    const { page, logs } = await openApp();
    const loadsBefore = stub.countRequests("/");
    const reconnected = stub.waitForEvent("connection");
    stub.broadcast({ type: "full-reload", path: "*", reason: "utils/state.js reached entry /main.js" });
    await reconnected;
    await page.locator("#title").waitFor();
    assert.equal(await marker(page), undefined);
    assert.ok(logs.includes("[hr] full reload: utils/state.js reached entry /main.js"), logs.join("\n"));
    await sleep(500);
    assert.equal(stub.countRequests("/"), loadsBefore + 1);
  });

  it("shows a compile error in an overlay with file:line:column until the next applied update", { timeout: TEST_TIMEOUT_MS }, async () => {
    const { page } = await openApp();
    const err = {
      message: "Expected \";\" but found \"}\"",
      id: "app/x.jsx",
      frame: "2 | const a = 1\n3 | }oops\n  |  ^",
      loc: { file: "app/x.jsx", line: 3, column: 8 },
    };
    stub.broadcast({ type: "error", build: String(++lastBuild), err });
    const overlay = page.locator("hr-error-overlay");
    await overlay.waitFor();
    const shown = await overlay.evaluate((element) => element.shadowRoot.textContent);
    assert.match(shown, /app\/x\.jsx:3:8/);
    assert.ok(shown.includes(err.message) && shown.includes("}oops"), shown);

    assert.equal((await pushUpdate([])).ok, true);
    await overlay.waitFor({ state: "detached" });
    assert.equal(await marker(page), "kept");
  });

  it("invalidates a module that gains a non-component export, telling the server", { timeout: TEST_TIMEOUT_MS }, async () => {
    const { page } = await openApp();
    stub.setFile("/app.js", appModule({ title: "Hello helper", helper: true }));
    const ack = await pushUpdate([jsUpdate("/app.js")]);
    const invalidate = await stub.waitForMessage((m) => m.type === "custom" && m.event === "vite:invalidate");
    assert.equal(invalidate.data.path, "/app.js");
    assert.match(invalidate.data.message, /helper/);
    assert.deepEqual(ack.invalidated, ["/app.js"]);
    assert.equal(await marker(page), "kept");
  });

  it("acknowledges a failed update with ok:false and the error, reloads, and shows the error", { timeout: TEST_TIMEOUT_MS }, async () => {
    const { page } = await openApp();
    const loadsBefore = stub.countRequests("/");
    stub.setFile("/app.js", appModule({ title: "broken", throwOnLoad: true }));
    const reconnected = stub.waitForEvent("connection");
    const ack = await pushUpdate([jsUpdate("/app.js")]);
    assert.equal(ack.ok, false);
    assert.match(ack.error, /app\.js broke while loading/);
    await reconnected;
    const overlay = page.locator("hr-error-overlay");
    await overlay.waitFor();
    assert.match(await overlay.evaluate((element) => element.shadowRoot.textContent), /app\.js broke while loading/);
    assert.equal(stub.countRequests("/"), loadsBefore + 1);
  });

  it("reports the modules it holds once told the last hr:urls, in messages of at most 2,000", { timeout: TEST_TIMEOUT_MS }, async () => {
    const { page } = await openApp();
    // 4,500 modules evaluated, as their headers tell the client (assemble.h's HMR header).
    await hold(page, Array.from({ length: 4500 }, (_, i) => [`/m/${i}.js`, `/m/${i}.js?v=t${i}`, `t${i}`]));
    await sleep(200);
    assert.equal(stub.received.filter((m) => m.type === "hr:loaded").length, 0, "reported before the first hr:urls");
    stub.broadcast({ type: "hr:urls", seq: 7, moved: {}, changed: {} });
    await waitUntil(() => {
      const held = stub.received.filter((m) => m.type === "hr:loaded").flatMap((m) => Object.keys(m.modules));
      return held.filter((p) => p.startsWith("/m/")).length >= 4500;
    }, "the page to report 4,500 modules");
    const reports = stub.received.filter((m) => m.type === "hr:loaded");
    assert.ok(reports.length >= 3, `${reports.length} reports`);
    for (const r of reports) {
      assert.equal(r.seq, 7);
      assert.ok(Object.keys(r.modules).length <= 2000, `a report of ${Object.keys(r.modules).length} modules`);
    }
    const tokens = Object.assign({}, ...reports.map((r) => r.modules));
    assert.equal(tokens["/m/4499.js"], "t4499");
  });

  it("holds a module named by version at its own URL, and maps where hr:urls says it went", { timeout: TEST_TIMEOUT_MS }, async () => {
    const { page } = await openApp();
    const resolve = (url) => resolved(page, url);
    // A lazy import's target (site_state.h): imported at "?t=3", its header gives its token and
    // true; b.js is named by token: mapped.
    await hold(page, [["/lazy/a.js", "/lazy/a.js?t=3", "tok-a", true], ["/lazy/b.js", "/lazy/b.js?t=3", "tok-b"]]);
    assert.equal(await resolve("/lazy/b.js?v=tok-b"), `${stub.url}/lazy/b.js?t=3`);
    assert.equal(await resolve("/lazy/a.js?v=tok-a"), `${stub.url}/lazy/a.js?v=tok-a`, "a module named by version is not mapped from its token's URL");
    stub.broadcast({ type: "hr:urls", seq: 8, moved: { "/lazy/a.js": "?t=4" }, changed: {} });
    // The page reports what it holds once it took the message. Resolved before, the URL would
    // keep that resolution: an import map added later does not remap a URL already resolved (on
    // a loaded machine this test failed so, polling the resolution before the message was read).
    await waitUntil(() => stub.received.some((m) => m.type === "hr:loaded" && m.modules["/lazy/a.js"]), "the report");
    assert.equal(await resolve("/lazy/a.js?t=4"), `${stub.url}/lazy/a.js?t=3`, "the moved URL mapped to the instance held");
    const report = Object.assign({}, ...stub.received.filter((m) => m.type === "hr:loaded").map((m) => m.modules));
    assert.equal(report["/lazy/a.js"], "tok-a", "it reports its token, not the query");
    assert.equal(await marker(page), "kept");
  });

  it("takes the URL news an update carries: maps where a held module went, then counts it read", { timeout: TEST_TIMEOUT_MS }, async () => {
    const { page } = await openApp();
    await hold(page, [["/held/c.js", "/held/c.js?v=tok-c1", "tok-c1"]]);
    stub.broadcast({ type: "hr:urls", seq: 10, moved: {}, changed: {} });
    await waitUntil(() => stub.received.some((m) => m.type === "hr:loaded" && m.modules["/held/c.js"]), "the first report");
    stub.broadcast({ type: "update", build: "11", updates: [], urls: { seq: 11, moved: { "/held/c.js": "tok-c2" }, changed: {} } });
    await waitUntil(() => stub.received.some((m) => m.type === "hr:applied" && m.build === "11"), "the update's acknowledgement");
    assert.equal(await resolved(page, "/held/c.js?v=tok-c2"), `${stub.url}/held/c.js?v=tok-c1`, "the moved URL mapped to the instance held");
    // Read once the update is applied: the next report counts from the update's news.
    await hold(page, [["/held/d.js", "/held/d.js?v=tok-d", "tok-d"]]);
    await waitUntil(() => stub.received.some((m) => m.type === "hr:loaded" && m.modules["/held/d.js"]), "the report of d.js");
    assert.equal(stub.received.find((m) => m.type === "hr:loaded" && m.modules["/held/d.js"]).seq, 11);
    assert.equal(await marker(page), "kept");
  });

  it("reloads once when the server comes back after a restart", { timeout: TEST_TIMEOUT_MS }, async () => {
    const { page, logs } = await openApp();
    const loadsBefore = stub.countRequests("/");
    await stub.restart(300);
    await waitUntil(() => stub.countRequests("/") > loadsBefore, "the page to reload");
    await page.locator("#title").waitFor();
    assert.equal(await marker(page), undefined);
    assert.ok(logs.some((line) => line.startsWith("[hr] full reload: the dev server restarted")), logs.join("\n"));
    await sleep(1000);
    assert.equal(stub.countRequests("/"), loadsBefore + 1);
  });
});

// On-demand builds seen from the browser (issue 16): a server that answers once the entries are
// built serves a page whose modules are not built yet, and an edit of a module no page has loaded
// shows when a page loads it, then hot-updates like any other. A 2,000-component app of the
// "slice" shape (bench/appgen: every page uses about 90 modules, pages load lazily), headless
// Chromium, the real binary.
//
// Run: node --test tests/e2e/on_demand.test.mjs   (HR_ORCHESTRATE=path/to/hr-orchestrate)
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { App, closeBrowser, coldStartRounds, findBinary, freePort, launchBrowser, Tab, waitUntil } from "./harness.mjs";

const TIMEOUT = 120000;

describe("on-demand builds (hr-orchestrate + Chromium)", { timeout: 300000 }, () => {
  let app, browser, url, early;

  before(async () => {
    browser = await launchBrowser();
    app = new App({ binary: findBinary(), components: 2000, shape: "slice", port: await freePort() });
  });

  after(async () => {
    await app?.stop();
    await closeBrowser(browser);
    app?.remove();
  });

  it("serves the first page before the app is built: what it asks for is built at once", { timeout: TIMEOUT }, async () => {
    const first = await app.recompile();
    assert.equal(first.code, 0, JSON.stringify(first));
    const atStart = await app.status();
    assert.ok(atStart.unbuilt > 1000, `most of the app is not built yet: unbuilt ${atStart.unbuilt}`);
    // comp_183 is one of page 5's own components: no page has asked for it, and most likely the
    // background has not reached it yet (the next test opens page 5).
    early = await app.edit("component-text", { target: "comp_183" });
    assert.equal(early.result.code, 0, JSON.stringify(early.result));
    assert.equal(early.result.action, "none", `no page holds it: ${JSON.stringify(early.result)}`);
    url = await app.url();
    const tab = await Tab.open(browser.context, url + "/page-3", { waitFor: '[data-testid="comp-0"]' });
    const failed = tab.console.filter((l) => /^http [45]|pageerror/.test(l));
    assert.deepEqual(failed, [], tab.describe());
    const s = await app.status();
    assert.ok(s.counters.modules_built_on_request > 0, `built on request: ${JSON.stringify(s.counters)}`);
    // page-3's modules were built from its navigation on, before its script asked for them.
    assert.equal(s.counters.pages_built_on_navigation, 1, JSON.stringify(s.counters));
    // The page said it was loaded (hr:settled): the background build waited for that, not for
    // its time limit.
    await waitUntil(async () => (await app.status()).counters.pages_settled === 1, "the page to say it is loaded", 10000);
    await waitUntil(async () => (await app.status()).unbuilt === 0, "the background build to finish", 60000);
    // The shell named the entries at the URLs they keep once all is built, so the next start's
    // page finds them in its cache.
    const entries = (html) => [...html.matchAll(/<script type="module" src="(\/app\/[^"]+)"/g)].map((m) => m[1]);
    const named = await tab.page.evaluate(() => document.documentElement.outerHTML);
    const now = await (await fetch(url + "/page-3", { headers: { Accept: "text/html" } })).text();
    assert.ok(entries(now).length > 0 && entries(now).every((u) => u.includes("?v=")), now);
    assert.deepEqual(entries(named), entries(now), "the entry URLs of the first page's shell and of a later one");
    await tab.close();
  });

  it("an edit of a module no page loaded shows when a page loads it, then hot-updates", { timeout: TIMEOUT }, async () => {
    const tab = await Tab.open(browser.context, url + "/page-5", { waitFor: '[data-testid="comp-183"]', marker: "kept" });
    const label = () => tab.page.locator('[data-testid="comp-183"] > .label').first().textContent();
    assert.equal(await label(), early.edit.text, "the page shows the edit made before it loaded");
    const again = await app.edit("component-text", { target: "comp_183" });
    assert.equal(again.result.action, "js-update", JSON.stringify(again.result));
    assert.equal(again.result.acknowledged, 1, JSON.stringify(again.result));
    await waitUntil(async () => (await label()) === again.edit.text, `comp-183 to read "${again.edit.text}"`);
    assert.equal(await tab.marker(), "kept", "the page was reloaded");
    assert.equal(tab.loads, 1);
    await tab.close();
  });
});

// A page that loads while the cold start builds what it asks for must get every module at one URL:
// a module not built yet is named without a token, and named by another importer once built, with
// one; the page's one load then holds two instances of it (two React contexts of the app's state
// module: "useAppState() used outside <StateProvider>", a blank page), when the page's requests
// met the background build's first batch. Each round is a cold start (no state folder) and a fresh
// browser process, with the page opened at another moment.
describe("a cold start's first page (hr-orchestrate + Chromium)", { timeout: 300000 }, () => {
  // How long after serving the page is opened: the background build starts once requests have
  // been quiet for 200 ms, and a page whose requests meet its first batch in flight is the case.
  const DELAYS_MS = [0, 150, 200, 250, 300, 400];
  let app;

  before(async () => {
    app = new App({ binary: findBinary(), components: 200, port: await freePort() });
  });

  after(async () => {
    await app?.stop();
    app?.remove();
  });

  it("loads every module at one URL and shows the page", { timeout: 240000 }, async () => {
    const failures = await coldStartRounds(app, DELAYS_MS, '[data-testid="comp-0"]');
    assert.deepEqual(failures, []);
  });
});

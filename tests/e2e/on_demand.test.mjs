// On-demand builds seen from the browser (issue 16): a server that answers once the entries are
// built serves a page whose modules are not built yet, and an edit of a module no page has loaded
// shows when a page loads it, then hot-updates like any other. A 2,000-component app of the
// "slice" shape (bench/appgen: every page uses about 90 modules, pages load lazily), headless
// Chromium, the real binary.
//
// Run: node --test tests/e2e/on_demand.test.mjs   (HR_ORCHESTRATE=path/to/hr-orchestrate)
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { App, closeBrowser, findBinary, freePort, launchBrowser, launchInMemoryBrowser, sleep, Tab, waitUntil } from "./harness.mjs";

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
    await waitUntil(async () => (await app.status()).unbuilt === 0, "the background build to finish", 60000);
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
    const failures = [];
    for (const [round, delay] of DELAYS_MS.entries()) {
      // A browser that asks fast, up before the cold start: the page asks at the chosen moment.
      const browser = await launchInMemoryBrowser();
      try {
        const tab = new Tab(await browser.context.newPage());
        fs.rmSync(path.join(app.dir, ".hr"), { recursive: true, force: true });
        const first = await app.recompile();
        assert.equal(first.code, 0, JSON.stringify(first));
        await sleep(delay);
        await tab.page.goto(`http://127.0.0.1:${app.port}/`);
        const shown = await tab.page.locator('[data-testid="comp-0"]').first().waitFor({ timeout: 15000 }).then(() => true, () => false);
        const urls = new Map();
        for (const u of tab.moduleRequests()) {
          const { pathname, search } = new URL(u);
          urls.set(pathname, new Set([...(urls.get(pathname) ?? []), search]));
        }
        const twice = [...urls].filter(([, q]) => q.size > 1).map(([p, q]) => `${p} at ${[...q].map((x) => x || "(no query)").join(" and ")}`);
        const errors = tab.console.filter((l) => /^pageerror/.test(l));
        if (!shown || twice.length || errors.length) {
          failures.push(`round ${round}, the page opened ${delay} ms after serving: ${shown ? "shown" : "the page never showed comp-0"}; ${twice.length} modules loaded at two URLs ` +
            `(${twice.slice(0, 3).join("; ")}); errors: ${errors.slice(0, 2).join(" | ")}`);
        }
      } finally {
        await closeBrowser(browser);
        await app.stop();
      }
    }
    assert.deepEqual(failures, []);
  });
});

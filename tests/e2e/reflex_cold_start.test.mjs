// The Reflex-shaped fixture's first page during a cold start (issue 16's on-demand builds), in
// Chromium with its socket.io backend. In framework mode the root and the routes are built before
// serving, the modules they import are not: served at once, the generated router named the root,
// and the root named Reflex's `utils/state.js`, at URLs that moved once those were built, while
// the page fetched them again at the moved URLs. About half the cold starts of this fixture loaded
// `state.js` (the socket, the event queue) and `root.jsx` twice each. Each round is a cold start
// (no state folder) and a fresh browser process, the page opened at another moment.
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { closeBrowser, findBinary, freePort, launchInMemoryBrowser, sleep, Tab } from "./harness.mjs";
import { Backend, ReflexApp } from "./reflex_fixture.mjs";

// How long after serving the page is opened: the background build starts once requests have been
// quiet for 200 ms; the two URLs were seen when the page asked before that.
const DELAYS_MS = [0, 50, 100, 150, 0, 100];

describe("a Reflex-shaped app's first page during a cold start (hr-orchestrate + Chromium)", () => {
  let backend, app;

  before(async () => {
    backend = await Backend.start();
    app = new ReflexApp({ binary: findBinary(), port: await freePort(), backend: backend.url, memos: 8 });
  }, { timeout: 60000 });

  after(async () => {
    await app?.stop();
    app?.remove();
    await backend?.stop();
  });

  it("loads every module at one URL, Reflex's state module and the root included", { timeout: 240000 }, async () => {
    const failures = [];
    for (const [round, delay] of DELAYS_MS.entries()) {
      const browser = await launchInMemoryBrowser();
      try {
        const tab = new Tab(await browser.context.newPage());
        fs.rmSync(path.join(app.dir, ".hr"), { recursive: true, force: true });
        const first = await app.recompile();
        assert.equal(first.code, 0, JSON.stringify(first));
        await sleep(delay);
        await tab.page.goto(`http://127.0.0.1:${app.port}/`);
        const shown = await tab.page.locator('[data-testid="page-title"]').waitFor({ timeout: 15000 }).then(() => true, () => false);
        const urls = new Map();
        for (const u of tab.moduleRequests()) {
          const { pathname, search } = new URL(u);
          urls.set(pathname, new Set([...(urls.get(pathname) ?? []), search]));
        }
        const twice = [...urls].filter(([, q]) => q.size > 1).map(([p, q]) => `${p} at ${[...q].map((x) => x || "(no query)").join(" and ")}`);
        const errors = tab.console.filter((l) => /^pageerror/.test(l));
        if (!shown || twice.length || errors.length) {
          failures.push(`round ${round}, the page opened ${delay} ms after serving: ${shown ? "shown" : "no page title"}; ` +
            `${twice.length} modules loaded at two URLs (${twice.slice(0, 3).join("; ")}); errors: ${errors.slice(0, 2).join(" | ")}`);
        }
      } finally {
        await closeBrowser(browser);
        await app.stop();
      }
    }
    assert.deepEqual(failures, []);
  });
});

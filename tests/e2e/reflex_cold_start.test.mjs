// The Reflex-shaped fixture's first page during a cold start (issue 16's on-demand builds), in
// Chromium with its socket.io backend. In framework mode the root and the routes are built before
// serving, the modules they import are not: served at once, the generated router named the root,
// and the root named Reflex's `utils/state.js`, at URLs that moved once those were built, while
// the page fetched them again at the moved URLs. About half the cold starts of this fixture loaded
// `state.js` (the socket, the event queue) and `root.jsx` twice each. Each round is a cold start
// (no state folder) and a fresh browser process, the page opened at another moment.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { coldStartRounds, findBinary, freePort } from "./harness.mjs";
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
    const failures = await coldStartRounds(app, DELAYS_MS, '[data-testid="page-title"]');
    assert.deepEqual(failures, []);
  });
});

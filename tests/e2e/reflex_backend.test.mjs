// The Reflex-shaped fixture's socket.io connection when its backend goes away (issue 13): the
// compiler restarts the backend on every backend-only edit, and a backend may be down. What the
// person must see: a page that says it cannot connect (socket.io's connect_error, which Reflex
// turns into its connection banner) instead of hanging, requests to the backend's paths answered at
// once with an error naming the backend, and, once the backend is back on its port, the same page
// reconnected through hr-orchestrate's port with its React state kept and events round-tripping,
// the compiler's call for that backend-only recompile being `none`.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { findBinary, Tab, waitUntil } from "./harness.mjs";
import { Backend, ReflexSuite } from "./reflex_fixture.mjs";

const TIMEOUT = 90000;
// socket.io-client reconnects with a back-off of 1 s growing to 5 s (±50%): a reconnection after a
// few seconds down comes within about 8 s.
const RECONNECT_MS = 20000;

let suite, backend, app, browser, url;

const text = (tab, testid) => tab.text(testid);
const waitText = (tab, testid, expected, what, timeoutMs) => tab.waitText(testid, expected, { what, timeoutMs });

// socket.io's first request when its WebSocket cannot be used: the polling handshake.
async function pollingHandshake() {
  const started = Date.now();
  const r = await fetch(`${url}/_event/?EIO=4&transport=polling&token=probe`, { signal: AbortSignal.timeout(10000) });
  return { status: r.status, body: await r.text(), ms: Date.now() - started };
}

describe("socket.io through the single port while the backend restarts or is down", () => {
  before(async () => {
    suite = await ReflexSuite.start({ binary: findBinary(), memos: 8 });
    ({ backend, app, browser, url } = suite);
  }, { timeout: 90000 });

  after(() => suite?.stop());

  it("a down backend is a connection error on the page and a prompt 502 naming it; back on its port, the page reconnects with its state", { timeout: TIMEOUT }, async () => {
    const tab = new Tab(await browser.context.newPage()).watchDocumentsAndSockets();
    await tab.page.goto(url + "/");
    await tab.page.locator('[data-testid="page-title"]').waitFor({ timeout: 20000 });
    await tab.page.evaluate(() => (window.__marker = "kept"));

    await tab.page.click('[data-testid="increment"]');
    await waitText(tab, "count", "1", "the backend's count");
    await tab.page.click('[data-testid="local-button"]');
    await tab.page.click('[data-testid="local-button"]');
    await waitText(tab, "local-count", "2");
    assert.equal(await text(tab, "connect-errors"), "0");
    const alive = await pollingHandshake();
    assert.equal(alive.status, 200, `the polling handshake through the port: ${JSON.stringify(alive)}`);

    await backend.stop();
    // The open WebSocket is closed with the backend's (the tunnel must not stay half open), so
    // the page reconnects, fails, and says so.
    await waitUntil(async () => (await text(tab, "connect-errors")) !== "0", "the page to report a connection error", RECONNECT_MS);
    const down = await pollingHandshake();
    assert.equal(down.status, 502, `a request for the down backend: ${JSON.stringify(down)}`);
    assert.ok(down.body.includes(backend.url), `the error does not name the backend: ${down.body}`);
    assert.ok(down.ms < 5000, `the error took ${down.ms} ms`);

    // An event sent while down waits in the page's queue and is sent on reconnection.
    await tab.page.click('[data-testid="increment"]');
    const socketsBefore = tab.sockets.length;
    backend = suite.backend = await Backend.start({ port: backend.port });
    const r = await app.recompile(); // the compiler's call after a backend-only recompile
    assert.equal(r.action, "none", JSON.stringify(r));
    await waitText(tab, "connect-errors", "0", "the page to reconnect", RECONNECT_MS);
    // The restarted backend holds no state (in memory, as Reflex's default): the queued event is
    // its first for this token.
    await waitText(tab, "count", "1", "the queued event answered by the restarted backend");
    await tab.page.click('[data-testid="increment"]');
    await waitText(tab, "count", "2", "an event after reconnection");

    assert.equal(await tab.marker(), "kept", "the page reloaded");
    assert.equal(tab.documents, 1, "the page requested its document again");
    assert.equal(await text(tab, "local-count"), "2", "the counter's React state was lost");
    const reconnections = tab.sockets.slice(socketsBefore).filter((u) => u.startsWith(`ws://127.0.0.1:${app.port}/_event/`));
    assert.ok(reconnections.length >= 1, `the page did not reconnect through the port: ${JSON.stringify(tab.sockets)}`);
    assert.ok(!tab.sockets.some((u) => u.includes(`:${backend.port}`)), "the page contacted the backend's port");
    await tab.close();
  });
});

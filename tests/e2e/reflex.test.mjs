// The Reflex-shaped fixture (bench/reflexapp) in Chromium, served in React Router's framework mode
// by hr-orchestrate with its real socket.io backend behind the same port (issue 13). Each test
// checks what the person sees: Radix's styles applied, an event round-tripping through the
// backend, edits shown in the DOM with React and backend state kept, client navigation without a
// document request, and one reload with its reason where a reload is right.
import assert from "node:assert/strict";
import { after, afterEach, before, describe, it } from "node:test";
import { findBinary, Tab, waitUntil } from "./harness.mjs";
import { ReflexSuite } from "./reflex_fixture.mjs";

const TIMEOUT = 60000;
// Memo modules with cards on the index page: section_N holds memos 4N..4N+3, the index shows
// every third (the counter, Card 3, 6, 9...).
const MEMO_MODULE = "app_components/app/components/section_0.jsx"; // the counter, Card 3
const MEMO_MODULE_2 = "app_components/app/components/section_1.jsx"; // Card 6
const MEMO_MODULE_3 = "app_components/app/components/section_2.jsx"; // Card 9
const INDEX = "app/routes/_index.jsx";

let suite, backend, app, browser, url;
let tabs = [];

// The colour-mode script in Reflex's document runs only in a server-rendered document; rendered on
// the client React warns about it (router_entry.h: nothing is server-rendered).
const KNOWN = [/Encountered a script tag while rendering React component/, /Download the React DevTools/];

// A tab that also counts document requests and records the WebSockets the page opens; `on`: the
// browser and server to use (the Tailwind suite has its own).
async function openTab(path = "/", on = { browser, url }) {
  const page = await on.browser.context.newPage();
  const tab = new Tab(page).watchDocumentsAndSockets();
  tabs.push(tab);
  await page.goto(on.url + path);
  await page.locator('[data-testid="page-title"]').waitFor({ timeout: 20000 });
  await page.evaluate(() => (window.__marker = "kept"));
  return tab;
}

const text = (tab, testid) => tab.text(testid);
const waitText = (tab, testid, expected, what) => tab.waitText(testid, expected, { what });

function problems(tab) {
  return tab.console.filter((l) => (l.startsWith("pageerror:") || l.startsWith("http ")) && !/favicon/.test(l));
}

// React state (the counter's local count, a card's toggle), backend state (the count) and the
// window: all must survive a hot update.
async function setState(tab) {
  await tab.page.click('[data-testid="increment"]');
  await waitText(tab, "count", "1", "the backend's count");
  await tab.page.click('[data-testid="local-button"]');
  await tab.page.click('[data-testid="local-button"]');
  await waitText(tab, "local-count", "2");
  await tab.page.click('[data-testid="memo-3-open"]');
  await waitText(tab, "memo-3-open", "open");
}

async function checkStateKept(tab) {
  assert.equal(await tab.marker(), "kept", "the page reloaded");
  assert.equal(tab.loads, 1, "the page loaded more than once");
  assert.equal(await text(tab, "count"), "1", "the backend's count was lost");
  assert.equal(await text(tab, "local-count"), "2", "the counter's React state was lost");
  assert.equal(await text(tab, "memo-3-open"), "open", "the card's React state was lost");
}

describe("a Reflex-shaped app in framework mode, with its socket.io backend on the same port", () => {
  before(async () => {
    suite = await ReflexSuite.start({ binary: findBinary() });
    ({ backend, app, browser, url } = suite);
  }, { timeout: 90000 });

  afterEach(async () => {
    for (const tab of tabs) await tab.close().catch(() => {});
    tabs = [];
  });

  after(() => suite?.stop());

  it("renders the root's Layout and the page, with Radix's and the app's stylesheets applied", { timeout: TIMEOUT }, async () => {
    const tab = await openTab();
    assert.equal(await text(tab, "page-title"), "Home");
    const styles = await tab.page.evaluate(() => {
      const theme = document.querySelector(".radix-themes");
      return {
        accent: theme && getComputedStyle(theme).getPropertyValue("--accent-9").trim(),
        buttonRadius: getComputedStyle(document.querySelector('[data-testid="increment"]')).borderTopLeftRadius,
        banner: getComputedStyle(document.querySelector('[data-testid="page-note"]')).borderLeftColor,
        title: document.title,
        lang: document.documentElement.lang,
      };
    });
    assert.ok(styles.accent, `Radix's --accent-9 is not set on .radix-themes: ${JSON.stringify(styles)}`);
    assert.notEqual(styles.buttonRadius, "0px", "Radix's button style is not applied");
    assert.equal(styles.banner, "rgb(0, 128, 0)", "styles/styles.css (through @import) is not applied");
    assert.equal(styles.title, "Home");
    assert.equal(styles.lang, "en", "the document is not the root's Layout");
    const unknown = tab.console.filter((l) => !KNOWN.some((k) => k.test(l)) && !l.startsWith("[hr]"));
    assert.deepEqual(problems(tab), [], tab.describe());
    assert.deepEqual(unknown.filter((l) => /error|warn/i.test(l)), [], tab.describe());
  });

  it("round-trips an event through the backend over socket.io on the same port", { timeout: TIMEOUT }, async () => {
    const tab = await openTab();
    await tab.page.click('[data-testid="increment"]');
    await waitText(tab, "count", "1", "the backend's count");
    await tab.page.click('[data-testid="increment"]');
    await waitText(tab, "count", "2", "the backend's count");
    assert.equal(await text(tab, "connect-errors"), "0");
    const all = await tab.page.evaluate(() => performance.getEntriesByType("resource").map((e) => e.name));
    assert.ok(![...all, ...tab.requests].some((u) => u.includes(`:${backend.port}`)), "the page contacted the backend's port");
    const events = tab.sockets.filter((u) => u.startsWith(`ws://127.0.0.1:${app.port}/_event/`) && u.includes("token="));
    assert.equal(events.length, 1, `the page's WebSockets: ${JSON.stringify(tab.sockets)}`);
  });

  it("navigates between pages on the client: no document request, the route module loaded once", { timeout: TIMEOUT }, async () => {
    const tab = await openTab();
    const from = tab.requests.length;
    await tab.page.click('[data-testid="nav-about"]');
    await waitText(tab, "page-title", "About");
    await tab.page.click('[data-testid="nav-post"]');
    await waitText(tab, "page-title", "Blog post");
    assert.equal(await text(tab, "param"), "first-post", "the [slug] parameter");
    await tab.page.click('[data-testid="nav-home"]');
    await waitText(tab, "page-title", "Home");
    assert.equal(tab.documents, 1, "a navigation requested a document");
    assert.equal(tab.loads, 1);
    const about = tab.requests.slice(from).filter((u) => decodeURIComponent(new URL(u).pathname) === "/app/routes/[about]._index.jsx");
    assert.equal(about.length, 1, `the About route module was requested ${about.length} times`);
    assert.deepEqual(problems(tab), [], tab.describe());
  });

  // An edit that must be hot-swapped: the DOM shows `expected` in `testid`, all state kept.
  function hotSwap(name, { id, from, to, testid, expected }) {
    it(name, { timeout: TIMEOUT }, async () => {
      const tab = await openTab();
      await setState(tab);
      const r = await app.edit(id, from, to);
      assert.equal(r.action, "js-update", JSON.stringify(r));
      await waitText(tab, testid, expected);
      await checkStateKept(tab);
      assert.deepEqual(problems(tab), [], tab.describe());
    });
  }

  hotSwap("hot-swaps a memo component edit with React and backend state kept",
    { id: MEMO_MODULE, from: '"Card 3"', to: '"Card 3, edited"', testid: "memo-3", expected: "Card 3, edited" });
  hotSwap("hot-swaps a page edit (a route module) with state kept",
    { id: INDEX, from: '"Welcome home"', to: '"Welcome back home"', testid: "page-note", expected: "Welcome back home" });

  it("swaps a stylesheet edit in place (a file @imported by the linked global stylesheet)", { timeout: TIMEOUT }, async () => {
    const tab = await openTab();
    await setState(tab);
    const r = await app.edit("styles/styles.css", "rgb(0, 128, 0)", "rgb(0, 0, 255)");
    assert.equal(r.action, "css", JSON.stringify(r));
    await waitUntil(() => tab.page.evaluate(() => getComputedStyle(document.querySelector('[data-testid="page-note"]')).borderLeftColor === "rgb(0, 0, 255)"),
      "the new border colour");
    await checkStateKept(tab);
  });

  it("shows a syntax error on the overlay, then the fix with state kept", { timeout: TIMEOUT }, async () => {
    const tab = await openTab();
    await setState(tab);
    const broken = await app.edit(MEMO_MODULE_2, '"Card 6")', '"Card 6" +)');
    assert.equal(broken.code, 1, JSON.stringify(broken));
    assert.match(broken.errors[0]?.file ?? "", /section_1\.jsx/, JSON.stringify(broken.errors));
    await waitUntil(async () => (await tab.overlayText()) !== null, "the error overlay");
    assert.match(await tab.overlayText(), /section_1\.jsx/);
    // The render is one long line: the frame shows the part around the column, caret included.
    const frame = await tab.page.evaluate(() => document.querySelector("hr-error-overlay").shadowRoot.querySelector(".frame").textContent);
    const [code, caretLine] = frame.split("\n");
    assert.ok(code.length <= 120 && code.includes('"Card 6" +)'), `the frame: ${frame}`);
    assert.equal(code[caretLine.indexOf("^")], ")", `the caret is not under the error: ${frame}`);
    const fixed = await app.edit(MEMO_MODULE_2, '"Card 6" +)', '"Card 6, fixed")');
    assert.equal(fixed.code, 0, JSON.stringify(fixed));
    await waitText(tab, "memo-6", "Card 6, fixed");
    await waitUntil(async () => (await tab.overlayText()) === null, "the overlay to go");
    await checkStateKept(tab);
  });

  it("a new page is a route after one reload with its reason, reached by client navigation", { timeout: TIMEOUT }, async () => {
    const tab = await openTab();
    const page = app.read("app/routes/[about]._index.jsx").replace('"About this app"', '"Contact us"').replace('"About"', '"Contact"').replace('"About"', '"Contact"');
    const r = await app.write("app/routes/[contact]._index.jsx", page, { module: { kind: "page", route: "/contact", imports: app.manifest.find("app/routes/[about]._index.jsx").imports } });
    assert.equal(r.action, "full-reload", JSON.stringify(r));
    assert.match(r.reason, /route table/);
    await waitUntil(() => tab.loads === 2, "one reload");
    assert.ok(tab.console.some((l) => l.includes("route table")), tab.describe());
    await tab.page.evaluate(() => window.__reactRouterDataRouter.navigate("/contact"));
    await waitText(tab, "page-title", "Contact");
    assert.equal(tab.loads, 2);
  });

  it("a new npm package imported by a memo: one reload with its reason, then the package works", { timeout: TIMEOUT }, async () => {
    const tab = await openTab();
    let src = app.read(MEMO_MODULE_3);
    src = `import { isbot } from "isbot";\n` + src.replace('"Card 9")', 'isbot("Googlebot/2.1") ? "Card 9 sees a bot" : "Card 9")');
    const r = await app.write(MEMO_MODULE_3, src);
    assert.equal(r.action, "full-reload", JSON.stringify(r));
    assert.match(r.reason, /npm packages/);
    await waitUntil(() => tab.loads === 2, "one reload");
    await waitText(tab, "memo-9", "Card 9 sees a bot");
  });
});

// Reflex's Tailwind v4 plugin: postcss.config.js with @tailwindcss/postcss, styles/tailwind.css
// (Tailwind's layers, Radix as the components layer) imported by the root stylesheet. Tailwind
// generates CSS from the classes it finds in the components, so a class added in a memo must reach
// the page with the memo's update, as CSS swapped in place.
// The tests run in order, each on the edits of the one before.
describe("a Reflex-shaped app with Tailwind v4 through PostCSS", () => {
  let tw;

  before(async () => {
    tw = await ReflexSuite.start({ binary: findBinary(), tailwind: true });
  }, { timeout: 90000 });

  afterEach(async () => {
    for (const tab of tabs) await tab.close().catch(() => {});
    tabs = [];
  });

  after(() => tw?.stop());

  const memoStyle = (tab) => tab.page.evaluate(() => {
    const s = getComputedStyle(document.querySelector('[data-testid="memo-3"]'));
    return { padding: s.paddingTop, color: s.color };
  });

  it("a Tailwind class added in a memo takes effect without a reload, state kept; CSS is pushed only when Tailwind's output changed", { timeout: TIMEOUT }, async () => {
    const tab = await openTab("/", tw);
    await setState(tab);
    const before = await memoStyle(tab);
    assert.equal(before.padding, "0px", JSON.stringify(before));
    // Radix's stylesheet reaches the page through Tailwind's components layer.
    assert.ok(await tab.page.evaluate(() => getComputedStyle(document.querySelector(".radix-themes")).getPropertyValue("--accent-9").trim()),
      "Radix's variables are not set");

    // No new class: Tailwind's output is the same bytes, so no stylesheet is rebuilt or pushed.
    const text = await tw.app.edit(MEMO_MODULE, '"Card 3"', '"Card 3, renamed"');
    assert.equal(text.action, "js-update", JSON.stringify(text));
    assert.ok(!text.changed.includes("styles/tailwind.css") && !text.reason.includes("css"), JSON.stringify(text));
    await waitText(tab, "memo-3", "Card 3, renamed");

    const r = await tw.app.edit(MEMO_MODULE, '"data-testid":"memo-3",', '"data-testid":"memo-3",className:"p-8 text-red-600",');
    let last;
    await waitUntil(async () => (last = await memoStyle(tab)).padding === "32px", "p-8 (32px) on the memo", 8000)
      .catch((e) => assert.fail(`${e.message}: its style ${JSON.stringify(last)}; the call: ${JSON.stringify(r)}`));
    assert.notEqual(last.color, before.color, "text-red-600 is not applied");
    assert.equal(r.code, 0, JSON.stringify(r));
    assert.equal(r.action, "js-update", JSON.stringify(r));
    assert.ok(r.changed.includes("styles/tailwind.css"), `Tailwind's stylesheet did not change: ${JSON.stringify(r)}`);
    assert.match(r.reason, /css: styles\/__reflex_global_styles\.css/, JSON.stringify(r));
    await checkStateKept(tab);
    assert.deepEqual(problems(tab), [], tab.describe());
  });

  it("a PostCSS worker that died between calls is replaced at the next one, which still applies the class", { timeout: TIMEOUT }, async () => {
    const tab = await openTab("/", tw);
    const started = [...tw.app.logTail(400).matchAll(/postcss: worker started \(pid (\d+)\)/g)];
    assert.ok(started.length > 0, tw.app.logTail());
    process.kill(Number(started.at(-1)[1]), "SIGKILL");
    const r = await tw.app.edit(MEMO_MODULE, 'className:"p-8 text-red-600"', 'className:"p-8 text-red-600 underline"');
    assert.equal(r.code, 0, JSON.stringify(r));
    await waitUntil(() => tab.page.evaluate(() => getComputedStyle(document.querySelector('[data-testid="memo-3"]')).textDecorationLine === "underline"),
      "Tailwind's underline on the memo");
    assert.equal(tab.loads, 1, "the page reloaded");
    const now = [...tw.app.logTail(400).matchAll(/postcss: worker started \(pid (\d+)\)/g)];
    assert.ok(now.length > started.length, `no new worker: ${tw.app.logTail()}`);
  });

  it("a PostCSS error in Tailwind's stylesheet is an overlay at file:line:column; the last good CSS stays until the fix", { timeout: TIMEOUT }, async () => {
    const tab = await openTab("/", tw);
    await setState(tab);
    const good = tw.app.read("styles/tailwind.css");
    const broken = await tw.app.write("styles/tailwind.css", `${good}.broken {\n`);
    assert.equal(broken.code, 1, JSON.stringify(broken));
    const e = broken.errors[0] ?? {};
    assert.deepEqual([e.file, e.line], ["styles/tailwind.css", good.split("\n").length], JSON.stringify(broken.errors));
    assert.match(e.text, /Unclosed block/);
    await waitUntil(async () => (await tab.overlayText()) !== null, "the error overlay");
    assert.match(await tab.overlayText(), /styles\/tailwind\.css:\d+:\d+/);
    assert.equal((await memoStyle(tab)).padding, "32px", "the last good Tailwind CSS is gone");
    const fixed = await tw.app.write("styles/tailwind.css", good);
    assert.equal(fixed.code, 0, JSON.stringify(fixed));
    await waitUntil(async () => (await tab.overlayText()) === null, "the overlay to go");
    assert.equal((await memoStyle(tab)).padding, "32px");
    await checkStateKept(tab);
  });
});

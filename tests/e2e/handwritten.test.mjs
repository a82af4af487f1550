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
import { describe } from "node:test";
import { sleep, waitUntil } from "./harness.mjs";
import {
  app, checkOneReload, checkStateKept, DOM_WAIT_MS, hotUpdate, mark, openTab, pageProblems, report, scenario,
  setState, useHandwrittenApp, WAIT_APPLIED_MS, waitForTexts,
} from "./handwritten_checks.mjs";

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

describe("hot reload of a hand-written React app (hr-orchestrate + Chromium)", () => {
  useHandwrittenApp();
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

  // The update message carries the module's code (inline_module.js): the page evaluates it without
  // a request, and a module loaded afterwards that imports the new version (what App.jsx, as now
  // served, imports) gets the instance the page runs, not a second one.
  hotUpdate("Greeting.jsx edit: evaluated from the message, no request; later importers get the same instance", {
    id: "src/components/Greeting.jsx",
    from: "note v1",
    to: "note v2",
    expect: { "greeting-note": "note v2" },
    check: {
      before: async (tab) => ({ runs: await tab.page.evaluate(() => globalThis.__greetingEvaluations), from: tab.requests.length }),
      after: async (tab, failures, before) => {
        await waitForTexts(tab, { "greeting-note": "note v2" });
        const fetched = tab.requests.slice(before.from).filter((u) => new URL(u).pathname === "/src/components/Greeting.jsx");
        if (fetched.length) failures.push(`the page fetched the updated module: ${JSON.stringify(fetched)}`);
        const runs = await tab.page.evaluate(() => globalThis.__greetingEvaluations);
        if (runs !== before.runs + 1) failures.push(`Greeting.jsx ran ${runs - before.runs} more times for one update, expected 1`);
        const later = await tab.page.evaluate(async () => {
          const app = await (await fetch("/src/App.jsx")).text();
          const url = app.match(/"(\/src\/components\/Greeting\.jsx\?(?:t=\d+|v=[0-9a-f]+))"/)?.[1];
          if (!url) return { url: null };
          const mod = await import(url);
          return { url, runs: globalThis.__greetingEvaluations, isComponent: typeof mod.default === "function" };
        });
        if (!later.url) failures.push("App.jsx as served does not import a versioned Greeting.jsx");
        else if (later.runs !== runs || !later.isComponent) {
          failures.push(`importing ${later.url}, as a module loaded later does, ran Greeting.jsx again (runs ${runs} → ${later.runs}): a second instance`);
        }
      },
    },
  });

  // The path that showed stale code after acknowledged updates: Greeting evaluated from the message
  // (data: URL); WaveIcon's edit moves Greeting's URL; App's edit runs App again, which imports
  // Greeting at that moved URL. The page must map it to the instance it runs, not fetch a second
  // one that React Refresh never learns of (the page would show that one's code from then on).
  scenario("a module hot-updated, then moved, then imported by its re-run importer: one instance, the next edit shows", async () => {
    const tab = await openTab("before-moved-chain");
    await app.waitForClients(1);
    await setState(tab);
    const since = mark(tab);
    const runs = () => tab.page.evaluate(() => globalThis.__greetingEvaluations);
    const before = await runs();
    const steps = [
      ["src/components/Greeting.jsx", "tag v1", "tag v2", { "greeting-tag": "tag v2" }],
      ["src/components/WaveIcon.jsx", "wave v1", "wave v2", { "wave-icon": "wave v2" }],
      ["src/App.jsx", "app v1", "app v2", { "app-tag": "app v2" }],
      ["src/components/Greeting.jsx", "tag v2", "tag v3", { "greeting-tag": "tag v3", "wave-icon": "wave v2" }],
    ];
    const failures = [];
    for (const [id, from, to, expect] of steps) {
      const result = await app.edit(id, from, to, { waitApplied: WAIT_APPLIED_MS });
      if (result.code !== 0 || result.action !== "js-update") failures.push(`${id} (${to}): the call exited ${result.code}, action ${result.action}`);
      failures.push(...(await waitForTexts(tab, expect)).map((w) => `after ${id} (${to}): ${w}`));
    }
    const after = await runs();
    if (after !== before + 2) failures.push(`Greeting.jsx ran ${after - before} times for its 2 edits: a second instance`);
    await checkStateKept(tab, "before-moved-chain", failures);
    failures.push(...pageProblems(tab, since));
    await report(failures, { tab, testids: ["greeting-tag", "wave-icon", "app-tag"] });
  });

  // Two boundaries in one update, one importing the other's new version: Greeting's new code
  // imports WaveIcon's new URL, which must reach the instance the update evaluates from the
  // message before Greeting's code is loaded (inline_module.js maps it first), not a second one.
  scenario("two components edited together, one importing the other: each runs once, both show", async () => {
    const tab = await openTab("before-together");
    await app.waitForClients(1);
    await setState(tab);
    const since = mark(tab);
    const runs = () => tab.page.evaluate(() => [globalThis.__greetingEvaluations, globalThis.__waveIconEvaluations]);
    const before = await runs();
    const result = await app.editTogether([
      ["src/components/Greeting.jsx", "tag v3", "tag v4"],
      ["src/components/WaveIcon.jsx", "wave v2", "wave v3"],
    ], { waitApplied: WAIT_APPLIED_MS });
    const failures = [];
    if (result.code !== 0 || result.action !== "js-update") failures.push(`the call exited ${result.code}, action ${result.action}`);
    failures.push(...(await waitForTexts(tab, { "greeting-tag": "tag v4", "wave-icon": "wave v3" })));
    const after = await runs();
    if (after[0] !== before[0] + 1) failures.push(`Greeting.jsx ran ${after[0] - before[0]} times for one update, expected 1`);
    if (after[1] !== before[1] + 1) failures.push(`WaveIcon.jsx ran ${after[1] - before[1]} times for one update, expected 1: a second instance`);
    await checkStateKept(tab, "before-together", failures);
    failures.push(...pageProblems(tab, since));
    await report(failures, { tab, testids: ["greeting-tag", "wave-icon"] });
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

  scenario("a syntax error in a component: --wait-applied answers once the overlay is up; the fix clears it, no reload", async () => {
    const tab = await openTab("syntax-error");
    await app.waitForClients(1);
    const since = mark(tab);
    const failures = [];
    const broken = await app.edit("src/components/Greeting.jsx", "Wave back\n      </button>", "Wave back\n      </buton>",
      { waitApplied: WAIT_APPLIED_MS });
    const errors = JSON.stringify(broken.errors ?? []);
    if (!/src\/components\/Greeting\.jsx/.test(errors)) failures.push(`the call's errors do not name Greeting.jsx: ${errors}`);
    // Every update of this build is blocked by the error: what the page shows of it is the overlay.
    if (broken.timings?.applied === undefined || broken.acknowledged !== 1) {
      failures.push(`--wait-applied was not answered by the page's overlay: ${JSON.stringify({ acknowledged: broken.acknowledged, timings: broken.timings })}`);
    }
    const overlay = await waitUntil(() => tab.overlayText(), "the error overlay", DOM_WAIT_MS).catch(() => null);
    if (!overlay || !overlay.includes("src/components/Greeting.jsx")) failures.push(`overlay: ${JSON.stringify(overlay)}`);
    const fixed = await app.edit("src/components/Greeting.jsx", "Wave back\n      </buton>", "Wave back\n      </button>",
      { waitApplied: WAIT_APPLIED_MS });
    if ((fixed.errors ?? []).length) failures.push(`the fix still reports errors: ${JSON.stringify(fixed.errors)}`);
    const gone = await waitUntil(async () => (await tab.overlayText()) === null, "the overlay to go", DOM_WAIT_MS).then(() => true, () => false);
    if (!gone) failures.push("the overlay stayed after the fix");
    if (tab.loads !== 1) failures.push(`the page loaded ${tab.loads} times`);
    failures.push(...pageProblems(tab, since));
    await report(failures, { tab, result: broken });
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

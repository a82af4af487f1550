// Stylesheets of the hand-written app (handwritten_fixture.mjs) in Chromium, the way ordinary apps
// write them: App.css (imported from App.jsx) @imports a local theme.css, which @imports
// tokens.css, and @imports KaTeX's CSS from npm, whose @font-face url()s point at fonts inside the
// package; it points at an app image (url(./assets/dot.png)) and a public file (url(/bg.svg)); and
// Badge.jsx imports Radix Themes' CSS from npm in JS. The manifest does not list any of that as
// App.css's imports: the server learns it from the CSS build.
//
// Run: node --test tests/e2e/handwritten_css.test.mjs   (HR_ORCHESTRATE=path/to/hr-orchestrate; CTest sets it)
//
// Checked in the page: computed styles, fonts loaded, images that fetch with the file's bytes, no
// failed load; every edit applies in place with state kept and no reload; a broken @import shows
// the overlay naming the file, and the fix clears it.
import fs from "node:fs";
import zlib from "node:zlib";
import { describe } from "node:test";
import { waitUntil } from "./harness.mjs";
import {
  app, DOM_WAIT_MS, hotUpdate, mark, openTab, pageProblems, report, scenario, useHandwrittenApp,
  WAIT_APPLIED_MS,
} from "./handwritten_checks.mjs";

// A 2×2 PNG of one colour.
function png([r, g, b]) {
  const chunk = (type, data) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(zlib.crc32(Buffer.concat([Buffer.from(type), data])));
    return Buffer.concat([len, Buffer.from(type), data, crc]);
  };
  const ihdr = Buffer.from([0, 0, 0, 2, 0, 0, 0, 2, 8, 2, 0, 0, 0]);
  const row = Buffer.from([0, r, g, b, r, g, b]);
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", ihdr), chunk("IDAT", zlib.deflateSync(Buffer.concat([row, row]))), chunk("IEND", Buffer.alloc(0))]);
}

// What the page shows of the stylesheets: computed styles, the background images (URL, what
// fetching it answers, its bytes as hex), the Radix badge's display, KaTeX's font.
async function styleView(tab) {
  return tab.page.evaluate(async () => {
    const style = (testid) => getComputedStyle(document.querySelector(`[data-testid="${testid}"]`));
    const image = async (testid) => {
      const m = /url\("?([^")]*)"?\)/.exec(style(testid).backgroundImage);
      if (!m) return { url: null, css: style(testid).backgroundImage };
      const res = await fetch(m[1], { cache: "no-store" });
      const bytes = new Uint8Array(await res.arrayBuffer());
      return { url: m[1], status: res.status, type: res.headers.get("content-type"),
        hex: Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("") };
    };
    const faces = await document.fonts.load('16px "KaTeX_Main"').catch((err) => String(err));
    return {
      color: style("theme-box").color,
      linked: style("linked-box").color,
      borderTop: style("theme-box").borderTopColor,
      badgeDisplay: style("radix-badge").display,
      dot: await image("theme-box"),
      publicBg: await image("public-box"),
      katexFaces: Array.isArray(faces) ? faces.map((f) => `${f.family}:${f.status}`) : faces,
    };
  });
}

// The failures of `view` against what the files say now.
function checkStyles(view, { color, borderTop, dotFile, linked }, failures) {
  if (view.linked !== linked) failures.push(`linked.css (imported with ?url, a <link> in the page): .linked-box color is ${view.linked}, expected ${linked}`);
  if (view.color !== color) failures.push(`theme.css (@imported by App.css): .theme-box color is ${view.color}, expected ${color}`);
  if (view.borderTop !== borderTop) failures.push(`tokens.css (@imported by theme.css): border-top-color is ${view.borderTop}, expected ${borderTop}`);
  if (view.badgeDisplay !== "inline-flex") failures.push(`Radix Themes' CSS (imported from JS) not applied: .rt-Badge display is ${view.badgeDisplay}`);
  const want = fs.readFileSync(app.file(dotFile)).toString("hex");
  const dot = view.dot;
  if (dot.status !== 200 || !/^image\/png/.test(dot.type ?? "") || dot.hex !== want) {
    failures.push(`url(./assets/dot.png) is ${JSON.stringify({ ...dot, hex: dot.hex?.slice(0, 40) })}, not the file's bytes as image/png`);
  }
  const bg = view.publicBg;
  if (!/\/bg\.svg$/.test(bg.url ?? "") || bg.status !== 200 || !/^image\/svg\+xml/.test(bg.type ?? "")) {
    failures.push(`url(/bg.svg) (public folder) is ${JSON.stringify({ ...bg, hex: undefined })}`);
  }
  const katex = Array.isArray(view.katexFaces) && view.katexFaces.some((f) => f === "KaTeX_Main:loaded");
  if (!katex) failures.push(`KaTeX's font (url() inside the npm package's CSS) did not load: ${JSON.stringify(view.katexFaces)}`);
}

const first = { color: "rgb(0, 128, 0)", borderTop: "rgb(30, 64, 175)", dotFile: "src/assets/dot.png",
  linked: "rgb(13, 148, 136)" };

// A hot update whose result is judged by styleView: polled until `expected` holds.
function styleUpdate(name, edit, expected) {
  hotUpdate(name, {
    ...edit,
    expect: {},
    action: "css",
    check: {
      after: async (tab, failures) => {
        let fails = [];
        await waitUntil(async () => {
          fails = [];
          checkStyles(await styleView(tab), expected, fails);
          return fails.length === 0;
        }, "the new styles", DOM_WAIT_MS).catch(() => {});
        failures.push(...fails);
      },
    },
  });
}

describe("stylesheets of a hand-written React app: @import, url(), npm CSS (hr-orchestrate + Chromium)", () => {
  useHandwrittenApp();

  scenario("first load: @imported files, npm CSS from CSS and from JS, url() images and fonts all apply", async () => {
    const tab = await openTab("first");
    const failures = [];
    checkStyles(await styleView(tab), first, failures);
    failures.push(...pageProblems(tab));
    await report(failures, { tab });
  });

  styleUpdate("tokens.css edit (@imported by an @imported file): the border changes in place, state kept",
    { id: "src/styles/tokens.css", from: "rgb(30, 64, 175)", to: "rgb(190, 18, 60)" },
    { ...first, borderTop: "rgb(190, 18, 60)" });

  styleUpdate("theme.css edit (@imported by App.css): the colour changes in place, state kept",
    { id: "src/styles/theme.css", from: "color: rgb(0, 128, 0);", to: "color: rgb(126, 34, 206);" },
    { ...first, borderTop: "rgb(190, 18, 60)", color: "rgb(126, 34, 206)" });

  styleUpdate("dot.png replaced (a url() of App.css): the background is the new image, state kept",
    { id: "src/assets/dot.png", bytes: png([37, 99, 235]) },
    { ...first, borderTop: "rgb(190, 18, 60)", color: "rgb(126, 34, 206)" });

  styleUpdate("linked.css edit (imported with ?url, linked by a <link>): swapped in place, state kept",
    { id: "src/styles/linked.css", from: "rgb(13, 148, 136)", to: "rgb(234, 88, 12)" },
    { ...first, borderTop: "rgb(190, 18, 60)", color: "rgb(126, 34, 206)", linked: "rgb(234, 88, 12)" });

  scenario("an @import that does not resolve: the overlay names theme.css; the fix clears it and applies", async () => {
    const tab = await openTab("broken-import");
    await app.waitForClients(1);
    const since = mark(tab);
    const failures = [];
    const broken = await app.edit("src/styles/theme.css", '@import "./tokens.css";', '@import "./missing.css";',
      { waitApplied: WAIT_APPLIED_MS });
    const errors = JSON.stringify(broken.errors ?? []);
    if (broken.timings?.applied === undefined || broken.acknowledged !== 1) {
      failures.push(`--wait-applied was not answered by the page's overlay: ${JSON.stringify({ acknowledged: broken.acknowledged, timings: broken.timings })}`);
    }
    if (!/src\/styles\/theme\.css/.test(errors) || !/missing\.css/.test(errors)) failures.push(`the call's errors do not name theme.css and missing.css: ${errors}`);
    const overlay = await waitUntil(() => tab.overlayText(), "the error overlay", DOM_WAIT_MS).catch(() => null);
    if (!overlay || !overlay.includes("src/styles/theme.css")) failures.push(`overlay: ${JSON.stringify(overlay)}`);
    // The last good CSS stays applied meanwhile.
    if ((await styleView(tab)).borderTop !== "rgb(190, 18, 60)") failures.push("the last good CSS was dropped while the error stands");
    const fixed = await app.edit("src/styles/theme.css", '@import "./missing.css";', '@import "./tokens.css";',
      { waitApplied: WAIT_APPLIED_MS });
    if ((fixed.errors ?? []).length) failures.push(`the fix still reports errors: ${JSON.stringify(fixed.errors)}`);
    const gone = await waitUntil(async () => (await tab.overlayText()) === null, "the overlay to go", DOM_WAIT_MS).then(() => true, () => false);
    if (!gone) failures.push("the overlay stayed after the fix");
    if (tab.loads !== 1) failures.push(`the page loaded ${tab.loads} times`);
    failures.push(...pageProblems(tab, since));
    await report(failures, { tab, result: broken });
  });
});

// Source maps as DevTools uses them, in Chromium, on the hand-written app (handwritten_fixture.mjs):
// every app module the page runs comes with a map Chromium picked up (the Debugger's scriptParsed
// reports its sourceMapURL), naming the file the compiler wrote with that file's text; a stack frame
// of the served module maps back to the line of the file that made it; and after a hot update that
// moves lines, the new version's frame maps to the new line while the old version keeps its own map.
//
// Run: node --test tests/e2e/sourcemap.test.mjs   (HR_ORCHESTRATE=path/to/hr-orchestrate; CTest sets it)
import assert from "node:assert/strict";
import { SourceMap } from "node:module";
import { pathToFileURL } from "node:url";
import { after, before, describe, it } from "node:test";
import { closeBrowser, findBinary, freePort, launchBrowser, waitUntil } from "./harness.mjs";
import { HandwrittenApp } from "./handwritten_fixture.mjs";

const FORMAT = "src/lib/format.js";

let app;
let browser;
let url;
let page;
const scripts = new Map(); // script URL -> sourceMapURL, from the Debugger's scriptParsed events

function decodeMap(sourceMapURL) {
  const prefix = "data:application/json;base64,";
  assert.ok(sourceMapURL.startsWith(prefix), `not an inline JSON map: ${sourceMapURL.slice(0, 80)}`);
  return JSON.parse(Buffer.from(sourceMapURL.slice(prefix.length), "base64").toString("utf8"));
}

// The first frame of a V8 stack: { url, line, column } (1-based, as printed).
function topFrame(stack) {
  const m = /\n\s+at (?:.*? \()?(.+?):(\d+):(\d+)\)?\n?/.exec(stack);
  assert.ok(m, `no frame in stack:\n${stack}`);
  return { url: m[1], line: Number(m[2]), column: Number(m[3]) };
}

// The 1-based line of the first line of `text` containing `needle`.
function lineOf(text, needle) {
  const i = text.split("\n").findIndex((l) => l.includes(needle));
  assert.ok(i >= 0, `no line contains ${JSON.stringify(needle)}`);
  return i + 1;
}

// Calls where() of the module served at `moduleUrl` in the page; returns where its frame maps to.
async function whereMapsTo(moduleUrl) {
  const stack = await page.evaluate(async (u) => (await import(u)).where(), moduleUrl);
  const frame = topFrame(stack);
  assert.equal(frame.url, moduleUrl, `the frame is in ${frame.url}, not ${moduleUrl}:\n${stack}`);
  const sourceMapURL = scripts.get(frame.url);
  assert.ok(sourceMapURL, `Chromium found no source map for ${frame.url} (scripts: ${JSON.stringify([...scripts.keys()])})`);
  const entry = new SourceMap(decodeMap(sourceMapURL)).findEntry(frame.line - 1, frame.column - 1);
  return { frame, source: entry.originalSource, line: entry.originalLine + 1 };
}

describe("source maps of served modules (hr-orchestrate + Chromium)", () => {
  before(async () => {
    app = new HandwrittenApp({ binary: findBinary(), port: await freePort() });
    const first = await app.recompile();
    assert.equal(first.code, 0, `first call: ${JSON.stringify(first)}\n${app.logTail()}`);
    url = await app.url();
    browser = await launchBrowser();
    page = await browser.context.newPage();
    const cdp = await browser.context.newCDPSession(page);
    cdp.on("Debugger.scriptParsed", (e) => {
      if (e.url.startsWith(url)) scripts.set(e.url, e.sourceMapURL);
    });
    await cdp.send("Debugger.enable");
    await page.goto(url + "/");
    await page.locator('[data-testid="greeting"]').first().waitFor({ timeout: 10000 });
  }, { timeout: 90000 });

  after(async () => {
    if (browser) await closeBrowser(browser).catch(() => {});
    if (app) {
      await app.stop();
      app.remove();
    }
  });

  it("every app module the page runs has a map naming the compiler's file, with its text", () => {
    const appScripts = [...scripts.keys()].filter((u) => /\/src\/.*\.(jsx?|json)(\?|$)/.test(u));
    assert.ok(appScripts.length >= 10, `only ${appScripts.length} app scripts parsed: ${appScripts}`);
    for (const scriptUrl of appScripts) {
      const id = new URL(scriptUrl).pathname.slice(1);
      assert.ok(scripts.get(scriptUrl), `${scriptUrl}: Chromium found no source map`);
      const map = decodeMap(scripts.get(scriptUrl));
      // The file itself, and esbuild's virtual inputs such as "<define:import.meta.env>".
      const own = map.sources.indexOf(pathToFileURL(app.file(id)).href);
      assert.ok(own >= 0, `${scriptUrl}: sources ${JSON.stringify(map.sources)}`);
      for (const s of map.sources) assert.ok(s.startsWith("file:///") || s.startsWith("<"), `${scriptUrl}: source ${s}`);
      assert.equal(map.sourcesContent?.[own], app.read(id), `${scriptUrl}: sourcesContent`);
    }
  });

  it("every prebundled npm module links a map Chromium found and the server serves", async () => {
    // The CSS of packages (a style module, *.css.js) has none, as Vite serves CSS by default.
    const deps = [...scripts.keys()].filter((u) => new URL(u).pathname.startsWith("/@deps/") && !new URL(u).pathname.endsWith(".css.js"));
    assert.ok(deps.length >= 3, `only ${deps.length} npm scripts parsed: ${deps}`);
    const sources = [];
    for (const scriptUrl of deps) {
      const mapUrl = scripts.get(scriptUrl);
      assert.ok(mapUrl && mapUrl.endsWith(".js.map"), `${scriptUrl}: sourceMapURL ${mapUrl}`);
      const map = await page.evaluate(async (u) => (await fetch(u)).json(), new URL(mapUrl, scriptUrl).href);
      assert.equal(map.version, 3, `${scriptUrl}: map ${JSON.stringify(map).slice(0, 200)}`);
      sources.push(...map.sources);
    }
    assert.ok(sources.some((s) => s.includes("node_modules/react-dom/")), `sources: ${sources}`);
  });

  // The URLs the page loaded FORMAT at (its token: docs/hmr-protocol.md "Caching"), oldest first.
  const formatUrls = () => [...scripts.keys()].filter((u) => u.startsWith(`${url}/${FORMAT}?v=`));

  it("a stack frame maps to the line of the file that made it", async () => {
    const { frame, source, line } = await whereMapsTo(formatUrls()[0]);
    assert.equal(source, pathToFileURL(app.file(FORMAT)).href);
    assert.equal(line, lineOf(app.read(FORMAT), 'new Error("where")'), `frame ${JSON.stringify(frame)}`);
  });

  it("after a hot update that moves lines, the new version maps to the new line, the old to the old", async () => {
    const oldLine = lineOf(app.read(FORMAT), 'new Error("where")');
    const [oldUrl] = formatUrls();
    const result = await app.edit(FORMAT, 'import { salute }', "// one\n// two\n// three\nimport { salute }");
    assert.equal(result.code, 0, JSON.stringify(result));
    const newLine = lineOf(app.read(FORMAT), 'new Error("where")');
    assert.equal(newLine, oldLine + 3);
    // The boundary's re-import loads the new version of format.js under its new URL.
    const versioned = await waitUntil(
      () => formatUrls().find((u) => u !== oldUrl),
      `a versioned ${FORMAT} in the page (scripts: ${JSON.stringify([...scripts.keys()])})`, 8000);
    const now = await whereMapsTo(versioned);
    assert.equal(now.line, newLine, `new version: frame ${JSON.stringify(now.frame)}`);
    assert.deepEqual(decodeMap(scripts.get(versioned)).sourcesContent, [app.read(FORMAT)]);
    const before = await whereMapsTo(oldUrl);
    assert.equal(before.line, oldLine, `old version: frame ${JSON.stringify(before.frame)}`);
  });
});

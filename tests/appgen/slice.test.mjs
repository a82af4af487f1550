// Specification of bench/appgen's slice shape (`--shape slice`): each page renders the shared
// components plus its own run of the rest, about 100 modules of a 2,000-component app, and the root
// imports the pages lazily (React.lazy + Suspense) as real routers do. The app stays a consistent
// manifest v1 app, code splitting keeps a page's modules out of the first page's chunks, and the
// simulator's edits work on it (a new page is wired into the root lazily too).
// Run: node --test tests/appgen/slice.test.mjs
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { generateApp } from "../../bench/appgen/generate.mjs";
import { applyEdit } from "../../bench/appgen/simulate.mjs";
import { pageModules } from "../../bench/appgen/manifest.mjs";
import {
  bundleApp, consistencyProblems, dynamicSpecifiersOf, esbuild, hashesById, parseModule, readManifest, reachableIds,
  REPO_DIR, specifiersOf,
  tempApps,
} from "./check-app.mjs";

const GENERATE = path.join(REPO_DIR, "bench", "appgen", "generate.mjs");
const ENTRY = "app/entry.client.jsx";
const ROOT = "app/root.jsx";
const INDEX = "app/routes/_index.jsx";
const { tempRoot, freshApp } = tempApps("appgen-slice-test-");
after(() => fs.rmSync(tempRoot, { recursive: true, force: true }));

const read = (dir, id) => fs.readFileSync(path.join(dir, id), "utf8");

function componentNumber(id) {
  return Number(/_(\d+)\.jsx$/.exec(id)[1]);
}

describe("a slice-shaped app of 2,000 components", () => {
  let dir;
  let manifest;
  let pages;
  before(() => {
    dir = freshApp(2000, { shape: "slice" });
    manifest = readManifest(dir);
    pages = manifest.modules.filter((m) => m.kind === "page");
  });

  it("is consistent, dynamic imports included, with every module reachable from the entry", () => {
    assert.deepEqual(consistencyProblems(dir), []);
    assert.equal(reachableIds(manifest).size, manifest.modules.length);
    assert.equal(manifest.modules.filter((m) => m.kind === "component").length, 2000);
  });

  it("has 100 pages of about 100 modules each (the issue's app: 2,000 components, ~100 modules a page)", () => {
    assert.equal(pages.length, 100);
    const sizes = pages.map((p) => pageModules(manifest, p.id).size);
    assert.ok(Math.min(...sizes) >= 90 && Math.max(...sizes) <= 120, `modules per page: ${Math.min(...sizes)}..${Math.max(...sizes)}`);
    assert.equal(pageModules(manifest, INDEX).size, 104);
  });

  it("puts the shared components 0..69 on every page, and each other component on exactly one page", () => {
    const owners = new Map();
    for (const p of pages) {
      const nums = p.imports.map(componentNumber);
      for (let k = 0; k < 70; k++) assert.ok(nums.includes(k), `${p.id} lacks component ${k}`);
      for (const n of nums.filter((k) => k >= 70)) owners.set(n, (owners.get(n) ?? 0) + 1);
    }
    assert.equal(owners.size, 2000 - 70);
    assert.ok([...owners.values()].every((c) => c === 1));
  });

  it("imports every page lazily from the root, under <Suspense>, and no page statically", () => {
    const source = read(dir, ROOT);
    const lazy = dynamicSpecifiersOf(source);
    assert.equal(lazy.length, 100);
    assert.match(source, /"\/": \(\) => import\("\.\/routes\/_index\.jsx"\),/);
    assert.match(source, /lazy\(\(\) => \(loaded\.has\(path\) \? .* : LOADERS\[path\]\(\)\)\)/);
    assert.match(source, /\{ path: "\/page-3", title: "Page 3", Page: lazyRoute\("\/page-3"\) \}/);
    assert.match(source, /<Suspense fallback=/);
    assert.match(source, /import React, \{ Suspense, lazy \} from "react";/);
    const staticOnes = specifiersOf(source).filter((s) => !lazy.includes(s));
    assert.ok(staticOnes.every((s) => !s.includes("routes/")), staticOnes.join(", "));
    const rootEntry = manifest.modules.find((m) => m.id === ROOT);
    for (const p of pages) assert.ok(rootEntry.imports.includes(p.id), `${p.id} not in the root's manifest imports`);
  });

  it("loads the opened page's module before the first render, as a router does (no Suspense fallback shown)", () => {
    assert.match(read(dir, ROOT), /export async function preloadRoute\(\)/);
    assert.match(read(dir, ENTRY), /import App, \{ preloadRoute \} from "\.\/root\.jsx";/);
    assert.match(read(dir, ENTRY), /preloadRoute\(\)\.then\(\(\) => createRoot\(/);
  });

  it("splits: with code splitting, the chunks the first page loads hold exactly its modules", () => {
    const out = esbuild.buildSync({
      entryPoints: [path.join(dir, ENTRY)], bundle: true, splitting: true, format: "esm", write: false,
      outdir: path.join(dir, ".split-out"), absWorkingDir: dir, alias: { $: dir }, metafile: true, logLevel: "silent",
    });
    assert.deepEqual(out.errors, []);
    const outputs = out.metafile.outputs;
    const entryChunk = Object.keys(outputs).find((o) => outputs[o].entryPoint === ENTRY);
    const indexChunk = Object.keys(outputs).find((o) => outputs[o].entryPoint === INDEX);
    // The chunks loaded: the two entry chunks and what they import statically.
    const loaded = new Set();
    const stack = [entryChunk, indexChunk];
    while (stack.length) {
      const o = stack.pop();
      if (loaded.has(o)) continue;
      loaded.add(o);
      for (const imp of outputs[o].imports) if (imp.kind === "import-statement") stack.push(imp.path);
    }
    const inputs = new Set([...loaded].flatMap((o) => Object.keys(outputs[o].inputs)));
    const appInputs = [...inputs].filter((id) => !id.includes("node_modules/")).sort();
    assert.deepEqual(appInputs, [...pageModules(manifest, INDEX)].sort());
    assert.ok(Object.keys(outputs).length > 100, "a chunk per page at least");
  });

  it("bundles without splitting too, with every module in the bundle", () => {
    const result = bundleApp(dir);
    assert.deepEqual(result.errors, []);
    const inputs = new Set(Object.keys(result.metafile.inputs));
    assert.deepEqual(manifest.modules.filter((m) => !inputs.has(m.id)).map((m) => m.id), []);
  });
});

describe("the shapes", () => {
  it("leave the default shape as it was: no shape is the 'all' shape, with its static root", () => {
    const plain = readManifest(freshApp(50));
    assert.deepEqual(readManifest(freshApp(50, { shape: "all" })), plain);
    assert.equal(plain.modules.filter((m) => m.kind === "page").length, 3);
  });

  it("share the components: a slice app's components are byte for byte the default app's", () => {
    const all = hashesById(readManifest(freshApp(200)));
    const slice = readManifest(freshApp(200, { shape: "slice" }));
    for (const m of slice.modules.filter((x) => x.kind === "component")) assert.equal(m.hash, all.get(m.id), m.id);
  });

  it("take --pages and --shared, and refuse a shape they do not know", () => {
    const m = readManifest(freshApp(300, { shape: "slice", pages: 10, shared: 5 }));
    const pageList = m.modules.filter((x) => x.kind === "page");
    assert.equal(pageList.length, 10);
    assert.equal(pageList[0].imports.length, 5 + 29);
    assert.throws(() => freshApp(50, { shape: "nope" }), /unknown shape/);
    assert.throws(() => freshApp(50, { shape: "slice", shared: 49 }), /exceed/);
  });
});

describe("the simulator's edits on a slice-shaped app", () => {
  let dir;
  before(() => (dir = freshApp(200, { shape: "slice" })));

  const edit = (kind, options) => {
    const before = readManifest(dir);
    const result = applyEdit(dir, kind, options);
    return { before, after: readManifest(dir), result };
  };
  const changedHashes = (before, after) => {
    const old = hashesById(before);
    return after.modules.filter((m) => old.get(m.id) !== m.hash).map((m) => m.id).sort();
  };

  it("component-text, page-text, css and state change exactly their module", () => {
    for (const [kind, id] of [["component-text", "app_components/comp_1.jsx"], ["page-text", INDEX],
      ["css", "styles/global.css"], ["state", "utils/state.js"]]) {
      const { before, after } = edit(kind);
      assert.deepEqual(after.changed, [id], kind);
      assert.deepEqual(changedHashes(before, after), [id], kind);
    }
    assert.match(read(dir, "app_components/comp_1.jsx"), /"Component 1 \(edit 1\)"/);
    assert.match(read(dir, INDEX), /"Home \(edit 2\)"/);
  });

  it("a page's own component can be edited (it is on that page only)", () => {
    const own = readManifest(dir).modules.find((m) => m.id === "app/routes/page_3.jsx").imports.at(-1);
    assert.deepEqual(edit("component-text", { target: own }).after.changed, [own]);
  });

  it("new-page: the new page is wired into the root lazily", () => {
    const { after, result } = edit("new-page");
    assert.deepEqual(after.changed, ["app/routes/page_new1.jsx", ROOT]);
    const source = read(dir, ROOT);
    assert.match(source, /"\/page-new-1": \(\) => import\("\.\/routes\/page_new1\.jsx"\),/);
    assert.match(source, /Page: lazyRoute\("\/page-new-1"\)/);
    assert.ok(source.includes(JSON.stringify(result.route)));
    assert.ok(!specifiersOf(source).filter((s) => !dynamicSpecifiersOf(source).includes(s)).some((s) => s.includes("routes/")));
    assert.ok(after.modules.find((m) => m.id === ROOT).imports.includes("app/routes/page_new1.jsx"));
  });

  it("syntax-error and fix-syntax, hooks and new-npm-import work, and the app stays consistent", () => {
    edit("syntax-error", { target: "page_2" });
    assert.throws(() => parseModule(dir, "app/routes/page_2.jsx"));
    edit("fix-syntax");
    parseModule(dir, "app/routes/page_2.jsx");
    assert.equal(edit("hooks", { target: "comp_0" }).result.hooks, 1);
    assert.equal(edit("new-npm-import").result.specifier, "react-dom");
    assert.deepEqual(consistencyProblems(dir), []);
    assert.deepEqual(bundleApp(dir).errors, []);
  });
});

describe("generate.mjs --shape", () => {
  const node = (...args) => spawnSync(process.execPath, [GENERATE, ...args], { encoding: "utf8" });

  it("writes a slice-shaped app and says so", () => {
    const dir = path.join(tempRoot, "cli-slice");
    const r = node("--out", dir, "--components", "400", "--shape", "slice");
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /20 pages \(slice shape, 70 shared\)/);
    assert.equal(dynamicSpecifiersOf(read(dir, ROOT)).length, 20);
  });

  it("exits 2 on an unknown shape, and on --shared without the slice shape", () => {
    const dir = path.join(tempRoot, "cli-bad");
    assert.equal(node("--out", dir, "--components", "400", "--shape", "tree").status, 2);
    const r = node("--out", dir, "--components", "400", "--shared", "5");
    assert.equal(r.status, 2);
    assert.match(r.stderr, /--shared/);
  });
});

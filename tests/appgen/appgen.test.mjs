// Specification of bench/appgen: the generated app is a consistent Reflex-shaped app with a valid
// manifest v1 that really bundles, and every simulator edit writes what its documentation says.
// Run: node --test tests/appgen/appgen.test.mjs
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { generateApp } from "../../bench/appgen/generate.mjs";
import { applyEdit, EDIT_KINDS, runOrchestrator } from "../../bench/appgen/simulate.mjs";
import {
  bundleApp, consistencyProblems, hashesById, parseModule, readManifest, reachableIds, REPO_DIR, sha1Prefix, specifiersOf,
  tempApps,
} from "./check-app.mjs";

const GENERATE = path.join(REPO_DIR, "bench", "appgen", "generate.mjs");
const SIMULATE = path.join(REPO_DIR, "bench", "appgen", "simulate.mjs");
const COMP_1 = "app_components/comp_1.jsx";
const { tempRoot, freshApp } = tempApps("appgen-test-");
after(() => fs.rmSync(tempRoot, { recursive: true, force: true }));

function read(appDir, id) {
  return fs.readFileSync(path.join(appDir, id), "utf8");
}

function sourcesOf(appDir) {
  return readManifest(appDir).modules.map((m) => read(appDir, m.id));
}

for (const size of [50, 2000]) {
  describe(`a generated app of ${size} components`, () => {
    let dir;
    let manifest;
    before(() => {
      dir = freshApp(size);
      manifest = readManifest(dir);
    });

    it("is consistent: unique ids, hashes of the bytes, every import resolves and matches the manifest", () => {
      assert.deepEqual(consistencyProblems(dir), []);
    });

    it("has every module reachable from the entry, and no changed hint on a fresh generation", () => {
      assert.deepEqual(manifest.entries, ["app/entry.client.jsx"]);
      assert.equal(reachableIds(manifest).size, manifest.modules.length);
      assert.equal(manifest.changed, undefined);
      assert.equal(manifest.version, 1);
      assert.deepEqual(manifest.resolve, { alias: { $: "." } });
      assert.equal(typeof manifest.build, "string");
    });

    it("has the requested components in both folders, and pages with routes", () => {
      const kinds = (k) => manifest.modules.filter((m) => m.kind === k);
      assert.equal(kinds("component").length, size);
      assert.ok(kinds("component").some((m) => m.id.startsWith("app_components/")));
      assert.ok(kinds("component").some((m) => m.id.startsWith("utils/components/")));
      assert.equal(kinds("page").length, Math.max(3, Math.round(size / 50)));
      assert.ok(kinds("page").every((m) => typeof m.route === "string" && m.route.startsWith("/")));
      assert.equal(kinds("page").find((m) => m.id === "app/routes/_index.jsx").route, "/");
      assert.deepEqual(kinds("entry").map((m) => m.id), ["app/entry.client.jsx"]);
      assert.deepEqual(kinds("style").map((m) => m.id), ["styles/global.css"]);
    });

    it("uses the $/ alias, relative imports across folders, extensionless specifiers and bare react", () => {
      const specifiers = sourcesOf(dir).flatMap(specifiersOf);
      assert.ok(specifiers.includes("$/utils/state.js"));
      assert.ok(specifiers.includes("$/utils/state"));
      assert.ok(specifiers.some((s) => s.startsWith("./") && !/\.\w+$/.test(s)), "extensionless relative");
      assert.ok(specifiers.some((s) => s.startsWith("../../app_components/")), "relative across folders");
      assert.ok(specifiers.some((s) => /^\$\/(app_components|utils\/components)\//.test(s)), "aliased component");
      assert.ok(specifiers.includes("react"));
      assert.ok(specifiers.includes("react-dom/client"));
    });

    it("makes every component a memo component that imports the state module and shows its number", () => {
      for (const m of manifest.modules.filter((x) => x.kind === "component")) {
        assert.ok(m.imports.includes("utils/state.js"), m.id);
        const source = read(dir, m.id);
        const n = /_(\d+)\.jsx$/.exec(m.id)[1];
        assert.match(source, new RegExp(`data-testid="comp-${n}"`));
        assert.match(source, new RegExp(`"Component ${n}"`));
        assert.match(source, /export default memo\(/);
      }
    });

    it("bundles with esbuild from the entry, with every manifest module in the bundle", () => {
      const result = bundleApp(dir);
      assert.deepEqual(result.errors, []);
      const inputs = new Set(Object.keys(result.metafile.inputs));
      const missing = manifest.modules.filter((m) => !inputs.has(m.id)).map((m) => m.id);
      assert.deepEqual(missing, []);
    });
  });
}

describe("the app shell", () => {
  let dir;
  before(() => (dir = freshApp(50, { backend: "http://127.0.0.1:8000" })));

  it("has the HTML shell, the counter, the CSS rule, the favicon and the backend", () => {
    const html = read(dir, "index.html");
    assert.match(html, /<div id="root"><\/div>/);
    assert.match(html, /<script type="module" src="\/app\/entry.client.jsx"><\/script>/);
    const counter = read(dir, "app_components/comp_0.jsx");
    assert.match(counter, /data-testid="counter-button"/);
    assert.match(counter, /data-testid="counter-value"/);
    assert.match(counter, /useState/);
    assert.match(read(dir, "styles/global.css"), /\[data-testid="comp-0"\] \{ color: rgb\(/);
    assert.match(read(dir, "public/favicon.svg"), /<svg/);
    assert.equal(readManifest(dir).backend, "http://127.0.0.1:8000");
  });

  it("puts components 0 and 1 on the index page", () => {
    const index = readManifest(dir).modules.find((m) => m.id === "app/routes/_index.jsx");
    assert.ok(index.imports.includes("app_components/comp_0.jsx"));
    assert.ok(index.imports.includes(COMP_1));
  });

  it("pins react, react-dom and react-refresh as npm/package.json does, and links node_modules", () => {
    const pinned = JSON.parse(fs.readFileSync(path.join(REPO_DIR, "npm", "package.json"), "utf8")).dependencies;
    const pkg = JSON.parse(read(dir, "package.json"));
    for (const name of ["react", "react-dom", "react-refresh"]) assert.equal(pkg.dependencies[name], pinned[name]);
    assert.equal(fs.realpathSync(path.join(dir, "node_modules")), fs.realpathSync(path.join(REPO_DIR, "npm", "node_modules")));
  });

  it("is deterministic for a seed, and another seed gives another layout", () => {
    const again = readManifest(freshApp(50, { backend: "http://127.0.0.1:8000" }));
    assert.deepEqual(again, readManifest(dir));
    const other = readManifest(freshApp(50, { seed: 7 }));
    assert.notDeepEqual(hashesById(other), hashesById(again));
  });

  it("bundles with the automatic JSX runtime too", () => {
    assert.deepEqual(bundleApp(dir, { jsx: "automatic" }).errors, []);
  });

  it("regenerates over its own app but refuses a folder it did not write", () => {
    generateApp(dir, { components: 50, backend: "http://127.0.0.1:8000" });
    assert.deepEqual(consistencyProblems(dir), []);
    const foreign = path.join(tempRoot, "foreign");
    fs.mkdirSync(foreign);
    fs.writeFileSync(path.join(foreign, "keep.txt"), "mine");
    assert.throws(() => generateApp(foreign, { components: 50 }), /not empty/);
    assert.equal(fs.readFileSync(path.join(foreign, "keep.txt"), "utf8"), "mine");
  });

  it("refuses sizes outside 50..10,000", () => {
    assert.throws(() => generateApp(path.join(tempRoot, "tiny"), { components: 10 }), /components/);
    assert.throws(() => generateApp(path.join(tempRoot, "huge"), { components: 10001 }), /components/);
  });
});

// Applies an edit and returns what the manifest looked like before and after.
function edit(dir, kind, options) {
  const before = readManifest(dir);
  const result = applyEdit(dir, kind, options);
  return { before, after: readManifest(dir), result };
}

function changedHashes(before, after) {
  const old = hashesById(before);
  return after.modules.filter((m) => old.get(m.id) !== m.hash).map((m) => m.id).sort();
}

describe("the simulator's edits", () => {
  let dir;
  before(() => (dir = freshApp(50)));

  it("knows exactly the documented kinds", () => {
    assert.deepEqual([...EDIT_KINDS].sort(), ["backend-only", "component-text", "css", "fix-syntax", "hooks",
      "identical", "new-npm-import", "new-page", "page-text", "state", "syntax-error"]);
  });

  it("component-text: new visible text each time, only that module changes, new build id", () => {
    const first = edit(dir, "component-text");
    assert.deepEqual(first.after.changed, [COMP_1]);
    assert.deepEqual(changedHashes(first.before, first.after), [COMP_1]);
    assert.notEqual(first.after.build, first.before.build);
    assert.match(read(dir, COMP_1), new RegExp(`"${first.result.text.replace(/[()]/g, "\\$&")}"`));
    const second = edit(dir, "component-text");
    assert.notEqual(second.result.text, first.result.text);
    assert.match(second.result.text, /^Component 1 \(edit \d+\)$/);
    assert.deepEqual(changedHashes(second.before, second.after), [COMP_1]);
  });

  it("an edit after someone else rewrote the manifest builds on the file, not on what it wrote last", () => {
    const file = path.join(dir, "manifest.json");
    const manifest = JSON.parse(fs.readFileSync(file, "utf8"));
    manifest.backend = "http://127.0.0.1:9999";
    fs.writeFileSync(file, JSON.stringify(manifest, null, 2));  // in place: same inode, new size
    const { after } = edit(dir, "component-text");
    assert.equal(after.backend, "http://127.0.0.1:9999");
    assert.deepEqual(after.changed, [COMP_1]);
    // The next edit, from what this process wrote, keeps it too: the written text is read back.
    assert.equal(JSON.parse(fs.readFileSync(file, "utf8")).backend, "http://127.0.0.1:9999");
    assert.equal(edit(dir, "component-text").after.backend, "http://127.0.0.1:9999");
  });

  it("component-text accepts a short target name or a module id", () => {
    assert.deepEqual(edit(dir, "component-text", { target: "widget_5" }).after.changed, ["utils/components/widget_5.jsx"]);
    assert.deepEqual(edit(dir, "component-text", { target: "app_components/comp_3.jsx" }).after.changed, ["app_components/comp_3.jsx"]);
    assert.throws(() => applyEdit(dir, "component-text", { target: "_index" }), /page/);
    assert.throws(() => applyEdit(dir, "component-text", { target: "nope" }), /no module/);
  });

  it("page-text: the index page's title changes", () => {
    const { before, after, result } = edit(dir, "page-text");
    assert.deepEqual(after.changed, ["app/routes/_index.jsx"]);
    assert.deepEqual(changedHashes(before, after), ["app/routes/_index.jsx"]);
    assert.match(result.text, /^Home \(edit \d+\)$/);
    assert.ok(read(dir, "app/routes/_index.jsx").includes(JSON.stringify(result.text)));
  });

  it("css: the counter's color rule changes", () => {
    const { before, after, result } = edit(dir, "css");
    assert.deepEqual(after.changed, ["styles/global.css"]);
    assert.deepEqual(changedHashes(before, after), ["styles/global.css"]);
    assert.ok(read(dir, "styles/global.css").includes(`[data-testid="comp-0"] { color: ${result.color}; }`));
    assert.notEqual(edit(dir, "css").result.color, result.color);
  });

  it("state: utils/state.js, imported by every component, changes", () => {
    const { before, after } = edit(dir, "state");
    assert.deepEqual(after.changed, ["utils/state.js"]);
    assert.deepEqual(changedHashes(before, after), ["utils/state.js"]);
    const importers = after.modules.filter((m) => m.imports?.includes("utils/state.js"));
    assert.ok(after.modules.filter((m) => m.kind === "component").every((m) => importers.includes(m)));
  });

  it("identical: the module is listed in changed, its bytes and hash are the same", () => {
    const bytes = read(dir, COMP_1);
    const { before, after } = edit(dir, "identical");
    assert.deepEqual(after.changed, [COMP_1]);
    assert.deepEqual(changedHashes(before, after), []);
    assert.equal(read(dir, COMP_1), bytes);
    assert.notEqual(after.build, before.build);
  });

  it("backend-only: nothing written, changed is empty, only the build id moves", () => {
    const { before, after } = edit(dir, "backend-only");
    assert.deepEqual(after.changed, []);
    assert.deepEqual(after.modules, before.modules);
    assert.notEqual(after.build, before.build);
  });

  it("syntax-error: the module no longer parses, at the location the edit reports; fix-syntax restores it", () => {
    const broken = edit(dir, "syntax-error");
    assert.deepEqual(broken.after.changed, [COMP_1]);
    assert.deepEqual(changedHashes(broken.before, broken.after), [COMP_1]);
    const error = captureError(() => parseModule(dir, COMP_1));
    assert.equal(error.errors[0].location.line, broken.result.error.line);
    assert.equal(error.errors[0].location.column, broken.result.error.column);
    const fixed = edit(dir, "fix-syntax");
    assert.deepEqual(fixed.after.changed, [COMP_1]);
    parseModule(dir, COMP_1);
    assert.ok(read(dir, COMP_1).includes(JSON.stringify(fixed.result.text)));
    assert.notEqual(fixed.after.modules.find((m) => m.id === COMP_1).hash, broken.before.modules.find((m) => m.id === COMP_1).hash);
  });

  it("syntax-error works on a page, and fix-syntax without a broken module is refused", () => {
    edit(dir, "syntax-error", { target: "page_1" });
    assert.throws(() => parseModule(dir, "app/routes/page_1.jsx"));
    assert.deepEqual(edit(dir, "fix-syntax").after.changed, ["app/routes/page_1.jsx"]);
    parseModule(dir, "app/routes/page_1.jsx");
    assert.throws(() => applyEdit(dir, "fix-syntax"), /no broken module/);
  });

  it("new-page: a new page module with a route, wired into root.jsx", () => {
    const { before, after, result } = edit(dir, "new-page");
    assert.deepEqual(after.changed, ["app/routes/page_new1.jsx", "app/root.jsx"]);
    const page = after.modules.find((m) => m.id === "app/routes/page_new1.jsx");
    assert.equal(page.kind, "page");
    assert.equal(page.route, result.route);
    assert.ok(after.modules.find((m) => m.id === "app/root.jsx").imports.includes(page.id));
    assert.equal(after.modules.length, before.modules.length + 1);
    assert.ok(read(dir, "app/root.jsx").includes(JSON.stringify(result.route)));
    assert.deepEqual(edit(dir, "new-page").after.changed[0], "app/routes/page_new2.jsx");
  });

  it("new-npm-import: a component imports a bare package the app did not import before", () => {
    const before = sourcesOf(dir).flatMap(specifiersOf);
    const { after, result } = edit(dir, "new-npm-import");
    assert.deepEqual(after.changed, [COMP_1]);
    assert.ok(!before.includes(result.specifier));
    assert.ok(specifiersOf(read(dir, COMP_1)).includes(result.specifier));
    assert.match(read(dir, COMP_1), new RegExp(`data-testid="${result.testid}"`));
    assert.notEqual(edit(dir, "new-npm-import", { target: "comp_3" }).result.specifier, result.specifier);
  });

  it("hooks: a component gains a useState/useEffect pair and still parses", () => {
    const { before, after, result } = edit(dir, "hooks", { target: "comp_0" });
    assert.deepEqual(after.changed, ["app_components/comp_0.jsx"]);
    assert.deepEqual(changedHashes(before, after), ["app_components/comp_0.jsx"]);
    assert.equal(result.hooks, 1);
    const source = read(dir, "app_components/comp_0.jsx");
    assert.match(source, /useEffect\(/);
    assert.match(source, /const \[extra1, setExtra1\] = useState\(1\);/);
    parseModule(dir, "app_components/comp_0.jsx");
  });

  it("leaves the app consistent and bundling after all of the above", () => {
    assert.deepEqual(consistencyProblems(dir), []);
    assert.deepEqual(bundleApp(dir).errors, []);
  });

  it("refuses an unknown edit kind", () => {
    assert.throws(() => applyEdit(dir, "nope"), /unknown edit/);
  });
});

function captureError(fn) {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error("expected an error");
}

describe("the command lines", () => {
  let dir;
  let fakeOrchestrator;
  before(() => {
    dir = path.join(tempRoot, "cli-app");
    fakeOrchestrator = path.join(tempRoot, "fake-hr-orchestrate");
    fs.writeFileSync(fakeOrchestrator, `#!/bin/sh\necho "{\\"args\\": \\"$*\\"}"\necho "to stderr" >&2\nexit 3\n`, { mode: 0o755 });
  });

  const node = (...args) => spawnSync(process.execPath, args, { encoding: "utf8" });

  it("generate.mjs writes an app and reports it", () => {
    const r = node(GENERATE, "--out", dir, "--components", "60", "--pages", "4", "--seed", "abc");
    assert.equal(r.status, 0, r.stderr);
    const manifest = readManifest(dir);
    assert.equal(manifest.modules.filter((m) => m.kind === "page").length, 4);
    assert.equal(manifest.modules.filter((m) => m.kind === "component").length, 60);
  });

  it("generate.mjs exits 2 with a message on bad usage", () => {
    const r = node(GENERATE, "--out", dir, "--components", "5");
    assert.equal(r.status, 2);
    assert.match(r.stderr, /--components/);
  });

  it("simulate.mjs without --run prints the edit as JSON", () => {
    const r = node(SIMULATE, "--app", dir, "--edit", "component-text", "--target", "widget_2");
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout).changed, ["utils/components/widget_2.jsx"]);
    const byNumber = node(SIMULATE, "--app", dir, "--edit", "component-text", "--target", "3");
    assert.deepEqual(JSON.parse(byNumber.stdout).changed, ["app_components/comp_3.jsx"]);
  });

  it("simulate.mjs --run runs the orchestrator on the manifest, passes its output and exit code through", () => {
    const r = node(SIMULATE, "--app", dir, "--edit", "css", "--run", fakeOrchestrator, "--", "--wait-applied=500");
    assert.equal(r.status, 3);
    assert.deepEqual(JSON.parse(r.stdout), { args: `--manifest ${path.join(dir, "manifest.json")} --wait-applied=500` });
    assert.match(r.stderr, /to stderr/);
    assert.match(r.stderr, /styles\/global\.css/);
  });

  it("runOrchestrator can capture the JSON result line", async () => {
    const r = await runOrchestrator(fakeOrchestrator, dir, { capture: true });
    assert.equal(r.code, 3);
    assert.deepEqual(r.result, { args: `--manifest ${path.join(dir, "manifest.json")}` });
  });

  it("simulate.mjs exits 2 on an unknown edit", () => {
    const r = node(SIMULATE, "--app", dir, "--edit", "bogus");
    assert.equal(r.status, 2);
    assert.match(r.stderr, /unknown edit/);
  });

  it("hashes in the manifest still match the files after CLI edits", () => {
    for (const m of readManifest(dir).modules) assert.equal(m.hash, sha1Prefix(fs.readFileSync(path.join(dir, m.id))), m.id);
  });
});

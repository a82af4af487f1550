// The hand-written fixture app (tests/e2e/fixtures/handwritten/): an ordinary React app, not a
// generated one. Helpers (src/lib/*) sit two and three levels below the component that uses them, a
// module is shared by two components, a component imports JSON, a code-split one (React.lazy, in an
// error boundary) imports an SVG asset, one loads a module with a dynamic import() in an effect, one
// shows import.meta.env (the root has .env and .env.development), one imports Radix Themes' CSS
// from npm, a stylesheet imported from App @imports a local one (which @imports another) and
// KaTeX's from npm (fonts in url()s) and points at an app image and a public file (public/), and
// the entry renders <App/> with createRoot in StrictMode.
//
// HandwrittenApp copies the fixture into a temporary folder, links node_modules to the pinned npm
// tree (as bench/appgen/generate.mjs does), and plays the compiler: it writes manifest v1 (kinds,
// resolved imports, entries; no `hash`, so hr-orchestrate hashes the files itself), and after each
// edit rewrites the manifest with the `changed` hint and runs `hr-orchestrate --manifest M --port P`.
import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { runOrchestrator } from "../../bench/appgen/simulate.mjs";
import { serverLogTail, waitUntil } from "./harness.mjs";

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const FIXTURE_DIR = path.join(HERE, "fixtures", "handwritten");
const REPO_DIR = path.resolve(HERE, "..", "..");
const NPM_DIR = process.env.HR_NPM_DIR || path.join(REPO_DIR, "npm");
const MANIFEST_FILE = "manifest.json";

// The module graph the compiler reports: kinds and resolved app imports (dynamic ones included).
export const MODULES = [
  { id: "src/main.jsx", kind: "entry", imports: ["src/App.jsx"] },
  {
    id: "src/App.jsx",
    kind: "component",
    imports: [
      "src/App.css",
      "src/styles/linked.css",
      "src/components/Badge.jsx",
      "src/components/Counter.jsx",
      "src/components/EnvInfo.jsx",
      "src/components/ErrorBoundary.jsx",
      "src/components/Footer.jsx",
      "src/components/Greeting.jsx",
      "src/components/Info.jsx",
      "src/components/LazyNote.jsx",
      "src/components/Logo.jsx",
    ],
  },
  // What App.css @imports and points at with url() is not listed as its imports, as a compiler
  // that does not read CSS would write it: hr-orchestrate learns it from the CSS build.
  { id: "src/App.css", kind: "style" },
  { id: "src/styles/theme.css", kind: "style" },
  { id: "src/styles/tokens.css", kind: "style" },
  { id: "src/styles/linked.css", kind: "style" },
  { id: "src/assets/dot.png", kind: "asset" },
  { id: "src/components/Badge.jsx", kind: "component", imports: [] },
  { id: "src/components/Counter.jsx", kind: "component", imports: [] },
  { id: "src/components/EnvInfo.jsx", kind: "component", imports: ["src/lib/env.js"] },
  { id: "src/components/ErrorBoundary.jsx", kind: "component", imports: [] },
  { id: "src/lib/env.js", kind: "module", imports: [] },
  { id: "src/components/Footer.jsx", kind: "component", imports: ["src/lib/shared.js"] },
  { id: "src/components/Greeting.jsx", kind: "component", imports: ["src/lib/format.js", "src/lib/shared.js", "src/components/WaveIcon.jsx"] },
  { id: "src/components/WaveIcon.jsx", kind: "component", imports: [] },
  { id: "src/components/Info.jsx", kind: "component", imports: ["src/data/info.json"] },
  { id: "src/components/LazyNote.jsx", kind: "component", imports: ["src/lib/lazy.js"] },
  { id: "src/components/Logo.jsx", kind: "component", imports: ["src/assets/logo.svg"] },
  { id: "src/lib/format.js", kind: "module", imports: ["src/lib/words.js"] },
  { id: "src/lib/words.js", kind: "module", imports: ["src/lib/deep/base.js"] },
  { id: "src/lib/deep/base.js", kind: "module", imports: [] },
  { id: "src/lib/shared.js", kind: "module", imports: [] },
  { id: "src/lib/lazy.js", kind: "module", imports: [] },
  { id: "src/data/info.json", kind: "module", imports: [] },
  { id: "src/assets/logo.svg", kind: "asset" },
];

export const ENTRY = "src/main.jsx";

function run(file, args, timeoutMs) {
  return new Promise((resolve) => {
    execFile(file, args, { encoding: "utf8", timeout: timeoutMs }, (error, stdout, stderr) =>
      resolve({ code: error ? (typeof error.code === "number" ? error.code : -1) : 0, stdout, stderr }));
  });
}

export class HandwrittenApp {
  constructor({ binary, port }) {
    this.binary = binary;
    this.port = port;
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), "hr-e2e-handwritten-"));
    fs.cpSync(FIXTURE_DIR, this.dir, { recursive: true });
    fs.symlinkSync(path.join(NPM_DIR, "node_modules"), path.join(this.dir, "node_modules"), "dir");
    fs.writeFileSync(path.join(this.dir, "package.json"),
      JSON.stringify({ name: "handwritten-fixture", private: true, type: "module" }, null, 2) + "\n");
    this.manifest = path.join(this.dir, MANIFEST_FILE);
    this.build = 1;
    this.calls = []; // every compiler call: { edit, code, stdout, stderr, result }
    this.writeManifest();
  }

  file(id) {
    return path.join(this.dir, id);
  }

  read(id) {
    return fs.readFileSync(this.file(id), "utf8");
  }

  // The compiler's manifest, written atomically (temp file + rename) like a careful compiler.
  writeManifest(changed) {
    const manifest = { version: 1, build: String(this.build), entries: [ENTRY] };
    if (changed) manifest.changed = changed;
    manifest.modules = MODULES;
    const tmp = `${this.manifest}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(manifest, null, 2) + "\n");
    fs.renameSync(tmp, this.manifest);
  }

  // Rewrites module `id` replacing `from` by `to` (which must occur), bumps the build and rewrites
  // the manifest with `changed: [id]`. Returns the new text.
  editFile(id, from, to) {
    const after = this.replaceIn(id, from, to);
    this.build++;
    this.writeManifest([id]);
    return after;
  }

  replaceIn(id, from, to) {
    const before = this.read(id);
    if (!before.includes(from)) throw new Error(`${id} does not contain ${JSON.stringify(from)}:\n${before}`);
    const after = before.replace(from, to);
    fs.writeFileSync(this.file(id), after);
    return after;
  }

  // The compiler's call: `hr-orchestrate --manifest M --port P [args]`; returns the parsed JSON line
  // with `code` added. Throws when the binary printed no JSON.
  async recompile(args = [], edit = null) {
    const out = await runOrchestrator(this.binary, this.dir, {
      args: ["--port", String(this.port), ...args],
      capture: true,
    });
    this.calls.push({ edit, ...out });
    if (!out.result) {
      throw new Error(`hr-orchestrate printed no JSON (exit ${out.code}, signal ${out.signal}):\n` +
        `stdout: ${out.stdout}\nstderr: ${out.stderr}\n${this.logTail()}`);
    }
    return { ...out.result, code: out.code };
  }

  // Writes module `id` with `bytes` (a Buffer or a string), bumps the build, rewrites the manifest
  // with `changed: [id]` and makes the compiler's call with --wait-applied.
  async writeFile(id, bytes, { waitApplied = 5000 } = {}) {
    fs.writeFileSync(this.file(id), bytes);
    this.build++;
    this.writeManifest([id]);
    return this.recompile([`--wait-applied=${waitApplied}`], { id, to: `(${bytes.length} bytes)` });
  }

  // editFile, then the compiler's call with --wait-applied (the call returns once every connected
  // page acknowledged the update, or after waitApplied ms).
  async edit(id, from, to, { waitApplied = 5000 } = {}) {
    this.editFile(id, from, to);
    return this.recompile([`--wait-applied=${waitApplied}`], { id, from, to });
  }

  // Several modules edited in one build (`edits`: [id, from, to] each), then one call, as a
  // compiler that rewrote them together.
  async editTogether(edits, { waitApplied = 5000 } = {}) {
    for (const [id, from, to] of edits) this.replaceIn(id, from, to);
    this.build++;
    this.writeManifest(edits.map(([id]) => id));
    return this.recompile([`--wait-applied=${waitApplied}`], { id: edits.map(([id]) => id).join(", ") });
  }

  // Writes an env file of the app root (.env, .env.local, ...), which is not a module: the compiler's
  // next call lists nothing as changed, and the server must notice by itself.
  async writeEnv(name, text, { waitApplied = 5000 } = {}) {
    fs.writeFileSync(this.file(name), text);
    this.build++;
    this.writeManifest([]);
    return this.recompile([`--wait-applied=${waitApplied}`], { id: name, to: text });
  }

  async status() {
    const out = await run(this.binary, ["status", "--manifest", this.manifest], 15000);
    if (out.code !== 0) return null;
    try {
      return JSON.parse(out.stdout.trim().split("\n").pop());
    } catch {
      return null;
    }
  }

  async url() {
    const status = await waitUntil(() => this.status(), "hr-orchestrate status", 15000);
    return status.url.replace(/\/$/, "");
  }

  async waitForClients(n, timeoutMs = 15000) {
    let last;
    await waitUntil(async () => {
      last = await this.status();
      return last && last.clients === n;
    }, `${n} connected HMR clients (last status: clients=${last?.clients})`, timeoutMs);
  }

  stop() {
    return run(this.binary, ["stop", "--manifest", this.manifest], 30000);
  }

  logTail(lines = 40) {
    return serverLogTail(this.dir, lines);
  }

  remove() {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

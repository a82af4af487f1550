// hr-orchestrate's PostCSS worker: a long-lived node process that runs the app's stylesheets
// through the plugins of its postcss.config.{js,mjs,cjs} (Tailwind v4's @tailwindcss/postcss, as
// Reflex sets it up). Built into the binary (embed_client.cmake) and started as
// `node --input-type=module --eval <this> <app root>` by orchestrator/postcss_worker.h, only when the
// app has a PostCSS config.
//
// The protocol is one JSON object per line. stdin: {"id":1,"file":"/abs/styles/a.css","css":"..."}.
// stdout, one answer per request, in request order:
//   {"id":1,"css":"...","deps":[{"file":"/abs"},{"dir":"/abs","glob":"**/*.jsx"}],"warnings":[...]}
//   {"id":1,"error":{"message":"...","file":"/abs/styles/a.css","line":3,"column":5}}
// `deps` are the plugins' dependency messages (what Vite watches): for Tailwind, every file it
// scanned for class names and the folders (with globs) it scans, so the orchestrator knows which
// modules the generated CSS depends on. Requests run one at a time, so Tailwind's per-file cache
// sees them in order. The config is imported again when its mtime changes. EOF on stdin ends it.
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import readline from "node:readline";
import { pathToFileURL } from "node:url";

const root = path.resolve(process.argv[1] ?? ".");
const CONFIG_NAMES = ["postcss.config.js", "postcss.config.mjs", "postcss.config.cjs"];
const requireFromApp = createRequire(path.join(root, "package.json"));

// stdout carries the protocol: a plugin's console.log must not corrupt it.
const writeLine = (obj) => process.stdout.write(JSON.stringify(obj) + "\n");
console.log = console.error;
console.info = console.error;

let loaded = null;

async function importFromApp(name) {
  let resolved;
  try {
    resolved = requireFromApp.resolve(name);
  } catch {
    throw new Error(`${name} is not installed: no ${name} in ${path.join(root, "node_modules")}`);
  }
  const m = await import(pathToFileURL(resolved).href);
  return m.default ?? m;
}

// `plugins` as postcss-load-config reads it: an object {name: options} (options false: off) or an
// array of plugins (functions or plugin objects).
async function pluginsOf(spec) {
  if (Array.isArray(spec)) return spec.filter(Boolean);
  const out = [];
  for (const [name, options] of Object.entries(spec ?? {})) {
    if (options === false) continue;
    const plugin = await importFromApp(name);
    out.push(typeof plugin === "function" ? plugin(options ?? {}) : plugin);
  }
  return out;
}

async function load() {
  const file = CONFIG_NAMES.map((n) => path.join(root, n)).find((f) => fs.existsSync(f));
  if (!file) throw new Error(`no ${CONFIG_NAMES.join(", ")} in ${root}`);
  const mtime = fs.statSync(file).mtimeMs;
  if (loaded && loaded.file === file && loaded.mtime === mtime) return loaded;
  const postcss = await importFromApp("postcss");
  let config = (await import(`${pathToFileURL(file).href}?t=${mtime}`)).default ?? {};
  if (typeof config === "function") config = await config({ env: "development", cwd: root });
  loaded = { file, mtime, postcss, plugins: await pluginsOf(config.plugins) };
  return loaded;
}

function depsOf(messages) {
  const deps = [];
  for (const m of messages) {
    if (m.type === "dependency" && m.file) deps.push({ file: String(m.file) });
    else if (m.type === "dir-dependency" && m.dir) deps.push({ dir: String(m.dir), glob: String(m.glob ?? "**") });
  }
  return deps;
}

async function handle(req) {
  try {
    const { postcss, plugins } = await load();
    const result = await postcss(plugins).process(req.css, { from: req.file, to: req.file, map: false });
    const warnings = result.warnings().map((w) => ({ message: w.text, line: w.line ?? 0, column: w.column ?? 0 }));
    return { id: req.id, css: result.css, deps: depsOf(result.messages), warnings };
  } catch (e) {
    const error = {
      message: String(e?.reason ?? e?.message ?? e),
      file: String(e?.file ?? e?.input?.file ?? req.file),
      line: Number(e?.line ?? e?.input?.line ?? 0),
      column: Number(e?.column ?? e?.input?.column ?? 0),
    };
    return { id: req.id, error };
  }
}

let chain = Promise.resolve();
const lines = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
lines.on("line", (line) => {
  if (!line.trim()) return;
  let req;
  try {
    req = JSON.parse(line);
  } catch (e) {
    return console.error(`[postcss worker] bad request line: ${e.message}`);
  }
  chain = chain.then(() => handle(req)).then(writeLine);
});
lines.on("close", () => chain.then(() => process.exit(0)));

// Independent checks of a generated app for the appgen tests: they read the files and the manifest
// back and verify them without using the generator's own layout or resolver code.
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { generateApp } from "../../bench/appgen/generate.mjs";

export const REPO_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
export const esbuild = createRequire(import.meta.url)(path.join(REPO_DIR, "npm", "node_modules", "esbuild"));

const EXTENSIONS = [".js", ".jsx", ".ts", ".tsx", ".mjs"]; // the manifest's default resolve.extensions
const IMPORT_LINE = /^import\s+(?:[^"']*?\s+from\s+)?"([^"]+)";$/gm;
const DYNAMIC_IMPORT = /\bimport\("([^"]+)"\)/g; // lazy(() => import("./routes/page_3.jsx"))

export function readManifest(appDir) {
  return JSON.parse(fs.readFileSync(path.join(appDir, "manifest.json"), "utf8"));
}

export function hashesById(manifest) {
  return new Map(manifest.modules.map((m) => [m.id, m.hash]));
}

export function sha1Prefix(bytes) {
  return crypto.createHash("sha1").update(bytes).digest("hex").slice(0, 16);
}

// Static and dynamic import specifiers, in that order.
export function specifiersOf(source) {
  return [...source.matchAll(IMPORT_LINE), ...source.matchAll(DYNAMIC_IMPORT)].map((m) => m[1]);
}

export function dynamicSpecifiersOf(source) {
  return [...source.matchAll(DYNAMIC_IMPORT)].map((m) => m[1]);
}

// What a specifier written in module `fromId` refers to: { app: id } or { bare: package } or { missing }.
export function resolveSpecifier(fromId, specifier, ids) {
  let base;
  if (specifier.startsWith("$/")) base = specifier.slice(2);
  else if (specifier.startsWith(".")) base = path.posix.normalize(path.posix.join(path.posix.dirname(fromId), specifier));
  else return { bare: specifier };
  for (const candidate of [base, ...EXTENSIONS.map((e) => base + e)]) if (ids.has(candidate)) return { app: candidate };
  return { missing: base };
}

export function packageOf(bare) {
  const parts = bare.split("/");
  return bare.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0];
}

// Every problem found, as readable strings; an empty list means the app is consistent.
export function consistencyProblems(appDir) {
  const manifest = readManifest(appDir);
  const problems = [];
  const ids = new Set(manifest.modules.map((m) => m.id));
  if (ids.size !== manifest.modules.length) problems.push("duplicate module ids");
  for (const m of manifest.modules) problems.push(...moduleProblems(appDir, m, ids));
  const unreachable = [...ids].filter((id) => !reachableIds(manifest).has(id));
  if (unreachable.length) problems.push(`unreachable from the entries: ${unreachable.slice(0, 5).join(", ")}`);
  return problems;
}

function moduleProblems(appDir, m, ids) {
  const problems = [];
  const bytes = fs.readFileSync(path.join(appDir, m.id));
  if (sha1Prefix(bytes) !== m.hash) problems.push(`${m.id}: hash does not match the bytes`);
  if (m.kind === "style") return problems;
  const appImports = new Set();
  for (const specifier of specifiersOf(bytes.toString("utf8"))) {
    const r = resolveSpecifier(m.id, specifier, ids);
    if (r.missing) problems.push(`${m.id}: "${specifier}" resolves to nothing (${r.missing})`);
    if (r.app) appImports.add(r.app);
    if (r.bare && !fs.existsSync(path.join(appDir, "node_modules", packageOf(r.bare), "package.json"))) {
      problems.push(`${m.id}: bare "${specifier}" is not installed`);
    }
  }
  const listed = [...(m.imports ?? [])].sort().join(",");
  if (listed !== [...appImports].sort().join(",")) problems.push(`${m.id}: manifest imports [${listed}] differ from the source`);
  return problems;
}

export function reachableIds(manifest) {
  const byId = new Map(manifest.modules.map((m) => [m.id, m]));
  const seen = new Set();
  const stack = [...manifest.entries];
  while (stack.length) {
    const id = stack.pop();
    if (seen.has(id) || !byId.has(id)) continue;
    seen.add(id);
    stack.push(...(byId.get(id).imports ?? []));
  }
  return seen;
}

// Bundles the app from its entry as a browser build would; returns esbuild's result (metafile on).
export function bundleApp(appDir, { jsx = "transform" } = {}) {
  return esbuild.buildSync({
    entryPoints: [path.join(appDir, "app", "entry.client.jsx")],
    bundle: true,
    write: false,
    outdir: path.join(appDir, ".bundle-out"),
    absWorkingDir: appDir,
    alias: { $: appDir },
    jsx,
    metafile: true,
    logLevel: "silent",
  });
}

// Throws esbuild's error (with .errors) if the module does not parse.
export function parseModule(appDir, id) {
  return esbuild.transformSync(fs.readFileSync(path.join(appDir, id), "utf8"), { loader: "jsx", sourcefile: id });
}

// A temporary folder for a test file's apps, and freshApp(components, options): a new app in it.
export function tempApps(prefix) {
  const tempRoot = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  let count = 0;
  const freshApp = (components, options = {}) => {
    const dir = path.join(tempRoot, `app${++count}`);
    generateApp(dir, { components, ...options });
    return dir;
  };
  return { tempRoot, freshApp };
}

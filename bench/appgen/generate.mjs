#!/usr/bin/env node
// The app generator: writes a Reflex-shaped React app (what the framework's compiler writes into
// `.web/`) of 50 to 10,000 memo components, with its manifest v1. Library (generateApp) and CLI.
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { parseCli, runCli, toInteger, UsageError } from "../lib/cli.mjs";
import { initialState, saveState, STATE_FILE } from "./app-state.mjs";
import { DEFAULT_SHAPE, defaultPageCount, defaultSharedCount, ENTRY_ID, SHAPES } from "./layout.mjs";
import { buildManifest, MANIFEST_FILE, writeManifest } from "./manifest.mjs";
import { renderAll } from "./modules.mjs";
import { NODE_MODULES_DIR, NPM_DIR } from "./paths.mjs";
import { renderFavicon, renderHtml, renderPackageJson } from "./templates.mjs";

export const MIN_COMPONENTS = 50;
export const MAX_COMPONENTS = 10000;
const PINNED_PACKAGES = ["react", "react-dom", "react-refresh"];
// Everything the generator writes at the top of an app; a new generation replaces exactly these.
const GENERATED_PATHS = ["app", "app_components", "utils", "styles", "public", "index.html", "package.json",
  "node_modules", MANIFEST_FILE, STATE_FILE];

const CLI = {
  usage: "node bench/appgen/generate.mjs --out DIR --components N [--shape all|slice] [--pages P] [--shared K] [--seed S] [--backend URL]",
  options: {
    out: { value: "DIR", help: "the folder to write the app into", required: true },
    components: { value: "N", help: `${MIN_COMPONENTS}..${MAX_COMPONENTS} memo components`, required: true },
    shape: { value: "SHAPE", help: `${SHAPES.join(" or ")}: "all" imports every page statically from the root (the
first page loads the whole app); "slice": each page renders the shared components
plus its own run of the others, and the root imports pages lazily`, default: DEFAULT_SHAPE },
    pages: { value: "P", help: "route pages (default max(3, N/50); slice: max(3, N/20))" },
    shared: { value: "K", help: "slice: components 0..K-1 are on every page (default min(70, N/4))" },
    seed: { value: "S", help: "layout seed; the same seed gives the same app", default: 1 },
    backend: { value: "URL", help: 'written as the manifest\'s "backend"' },
  },
};

// Writes the app into outDir and returns { manifest, state, modules, ms }.
export function generateApp(outDir, { components, pages, seed = 1, backend, shape = DEFAULT_SHAPE, shared } = {}) {
  const started = performance.now();
  checkSize(components);
  if (!SHAPES.includes(shape)) throw new Error(`unknown shape "${shape}" (one of: ${SHAPES.join(", ")})`);
  if (shape === "slice") shared ??= defaultSharedCount(components);
  const state = initialState({ components, pages: pages ?? defaultPageCount(components, shape), seed, backend, shape, shared });
  const records = renderAll(state);
  prepareDir(outDir);
  writeModules(outDir, records);
  writeShell(outDir, state);
  saveState(outDir, state);
  const manifest = buildManifest(records, { build: state.build, backend: state.backend });
  writeManifest(outDir, manifest);
  return { manifest, state, modules: records.length, ms: performance.now() - started };
}

function checkSize(components) {
  if (!Number.isInteger(components) || components < MIN_COMPONENTS || components > MAX_COMPONENTS) {
    throw new Error(`components must be an integer in [${MIN_COMPONENTS}, ${MAX_COMPONENTS}], got ${components}`);
  }
}

// A new generation replaces an earlier one, but never clears a folder appgen did not write.
function prepareDir(outDir) {
  fs.mkdirSync(outDir, { recursive: true });
  const madeByUs = fs.existsSync(path.join(outDir, STATE_FILE));
  if (!madeByUs && fs.readdirSync(outDir).length > 0) {
    throw new Error(`${outDir} is not empty and was not written by bench/appgen; choose an empty folder`);
  }
  for (const p of GENERATED_PATHS) fs.rmSync(path.join(outDir, p), { recursive: true, force: true });
}

function writeModules(outDir, records) {
  const made = new Set();
  for (const record of records) {
    const file = path.join(outDir, record.id);
    const dir = path.dirname(file);
    if (!made.has(dir)) fs.mkdirSync(dir, { recursive: true }), made.add(dir);
    fs.writeFileSync(file, record.source);
  }
}

// The non-module files: HTML shell, public assets, package.json and the node_modules link.
function writeShell(outDir, state) {
  fs.writeFileSync(path.join(outDir, "index.html"), renderHtml({ components: state.components, entryId: ENTRY_ID }));
  fs.mkdirSync(path.join(outDir, "public"), { recursive: true });
  fs.writeFileSync(path.join(outDir, "public", "favicon.svg"), renderFavicon());
  fs.writeFileSync(path.join(outDir, "package.json"), renderPackageJson({ dependencies: pinnedVersions() }));
  fs.symlinkSync(NODE_MODULES_DIR, path.join(outDir, "node_modules"), "dir");
}

// The versions the repository pins in npm/package.json, so the app and the setup never disagree.
export function pinnedVersions() {
  const pkg = JSON.parse(fs.readFileSync(path.join(NPM_DIR, "package.json"), "utf8"));
  return Object.fromEntries(PINNED_PACKAGES.map((name) => [name, pkg.dependencies[name]]));
}

async function main(argv) {
  const parsed = parseCli(argv, CLI);
  if (!parsed) return 0;
  const options = parsed.values;
  const components = toInteger(options.components, "components", { min: MIN_COMPONENTS, max: MAX_COMPONENTS });
  const pages = options.pages === undefined ? undefined : toInteger(options.pages, "pages", { min: 1, max: components });
  if (!SHAPES.includes(options.shape)) throw new UsageError(`--shape: unknown "${options.shape}" (one of ${SHAPES.join(", ")})`);
  if (options.shared !== undefined && options.shape !== "slice") throw new UsageError("--shared is for --shape slice");
  const shared = options.shared === undefined ? undefined : toInteger(options.shared, "shared", { min: 0, max: components });
  const result = generateApp(path.resolve(options.out), { components, pages, seed: options.seed, backend: options.backend,
    shape: options.shape, shared });
  process.stderr.write(`generated ${result.state.components} components, ${result.state.pages} pages` +
    `${options.shape === "slice" ? ` (slice shape, ${result.state.shared} shared)` : ""}, ` +
    `${result.modules} modules in ${path.resolve(options.out)} (${result.ms.toFixed(0)} ms)\n`);
  return 0;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) runCli(main);

#!/usr/bin/env node
// The Reflex-shaped fixture: writes a `.web/` the way Reflex 0.9's compiler does (React Router
// framework mode with ssr: false, Radix Themes, Emotion's jsx, lucide icons, socket.io state) with
// its manifest v1, for tests and benchmarks beside bench/appgen. See README.md for the mapping.
// Library (generateReflexApp, ReflexManifest) and CLI.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseCli, runCli, UsageError } from "../lib/cli.mjs";
import * as t from "./templates.mjs";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO_DIR = path.resolve(HERE, "..", "..");
export const NPM_DIR = process.env.HR_NPM_DIR || path.join(REPO_DIR, "npm");
export const BACKEND_PY = path.join(HERE, "backend.py");
export const MANIFEST_FILE = "manifest.json";
export const ROOT_ID = "app/root.jsx";

const ICONS = [
  { name: "LucideSun", file: "sun" },
  { name: "LucideStar", file: "star" },
  { name: "LucideHeart", file: "heart" },
  { name: "LucideHouse", file: "house" },
  { name: "LucideUser", file: "user" },
];

// The pages: "/", "/about" and a dynamic "/blog/[slug]"; their file names follow Reflex's.
function pagesOf() {
  const links = [
    { testid: "home", to: "/", text: "Home" },
    { testid: "about", to: "/about", text: "About" },
    { testid: "post", to: "/blog/first-post", text: "A post" },
  ];
  return [
    { index: 0, id: "app/routes/_index.jsx", route: "/", title: "Home", note: "Welcome home", links },
    { index: 1, id: "app/routes/[about]._index.jsx", route: "/about", title: "About", note: "About this app", links },
    { index: 2, id: "app/routes/[blog].$slug._index.jsx", route: "/blog/[slug]", title: "Blog post", note: "A post", links, param: "slug" },
  ];
}

// Memo components, a few per "Python module" (app_components/<package>/<module>.jsx), spread
// over the pages; the first is the counter bound to backend state, every fifth uses a helper.
function memosOf(count, pages) {
  const memos = [];
  for (let i = 0; i < count; i++) {
    const module = `app_components/app/components/section_${Math.floor(i / 4)}.jsx`;
    const memo = {
      name: i === 0 ? "Counter_e3b0c442" : `Card_${(0x9f86d081 + i * 7919).toString(16)}`,
      module,
      page: i === 0 ? 0 : i % pages.length,
      testid: i === 0 ? "counter" : `memo-${i}`,
      label: i === 0 ? "Count" : `Card ${i}`,
      counter: i === 0,
      icon: i === 0 ? null : ICONS[i % ICONS.length],
    };
    if (i % 5 === 1) memo.helper = { name: `format_label_${i}`, id: `utils/helpers/label_${i}.js` };
    memos.push(memo);
  }
  return memos;
}

function write(dir, id, text) {
  const file = path.join(dir, id);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
}

// The manifest the compiler writes: kinds, resolved app imports, routes, `router`, the backend.
export class ReflexManifest {
  constructor(dir, { backend, modules }) {
    this.dir = dir;
    this.backend = backend;
    this.modules = modules;
    this.build = 1;
  }

  write(changed) {
    const m = { version: 1, build: String(this.build), entries: [], router: { root: ROOT_ID } };
    m.resolve = { alias: { $: "." } };
    if (this.backend) m.backend = this.backend;
    if (changed) m.changed = changed;
    m.modules = this.modules;
    const file = path.join(this.dir, MANIFEST_FILE);
    fs.writeFileSync(`${file}.tmp`, JSON.stringify(m, null, 1) + "\n");
    fs.renameSync(`${file}.tmp`, file);
  }

  add(module) {
    this.modules.push(module);
  }

  find(id) {
    return this.modules.find((m) => m.id === id);
  }
}

// The npm packages the app imports, listed in its package.json at the versions npm/ pins, as
// Reflex's package.json lists them. React Router's dev plugin needs `isbot` there: without it, it
// adds it and runs `npm install` in the app (bench/compare/reflex.mjs serves the app with it).
const APP_PACKAGES = ["@emotion/react", "@radix-ui/themes", "isbot", "json5", "lucide-react", "react", "react-dom",
  "react-router", "socket.io-client", "sonner", "universal-cookie"];

function appPackageJson() {
  let pins = {};
  try { pins = JSON.parse(fs.readFileSync(path.join(NPM_DIR, "package.json"), "utf8")).dependencies ?? {}; } catch { /* no npm/: unpinned */ }
  const dependencies = Object.fromEntries(APP_PACKAGES.map((p) => [p, pins[p] ?? "*"]));
  return JSON.stringify({ name: "reflex", private: true, type: "module", dependencies }, null, 2) + "\n";
}

// env.json: the backend's URLs. Relative by default (one port: hr-orchestrate proxies them); with
// `envBackend` (an origin such as http://127.0.0.1:8000) absolute, as Reflex's dev mode writes them
// for `react-router dev`, whose page talks to the backend's own port.
function envJson(envBackend) {
  const paths = { EVENT: "/_event", PING: "/ping", UPLOAD: "/_upload", HEALTH: "/_health" };
  if (envBackend) {
    const u = new URL(envBackend);
    for (const k of Object.keys(paths)) paths[k] = `${k === "EVENT" ? u.protocol.replace("http", "ws") : u.protocol}//${u.host}${paths[k]}`;
  }
  return JSON.stringify(paths, null, 2) + "\n";
}

// Writes the app into `dir` (a `.web/` folder); returns { manifest, pages, memos }. A `node_modules`
// already in `dir` is kept (bench/compare/reflex.mjs makes one that also holds Vite's packages).
// `tailwind`: Tailwind v4 through PostCSS, laid out as Reflex's plugin does (templates.mjs).
export function generateReflexApp(dir, { memos: memoCount = 32, backend, envBackend, tailwind = false } = {}) {
  fs.mkdirSync(dir, { recursive: true });
  const pages = pagesOf();
  const memos = memosOf(memoCount, pages);
  const modules = [];
  const add = (id, kind, imports, text, extra = {}) => {
    write(dir, id, text);
    modules.push({ id, kind, imports, ...extra });
  };
  add("utils/state.js", "module", ["env.json", "reflex.json"], t.stateJs());
  add("utils/context.js", "module", ["utils/state.js"], t.contextJs());
  add("utils/react-theme.js", "module", [], t.reactThemeJs());
  add("env.json", "module", [], envJson(envBackend));
  add("reflex.json", "module", [], JSON.stringify({ version: "0.9.0" }) + "\n");
  add("styles/__reflex_global_styles.css", "style", [], tailwind ? t.globalStylesTailwindCss() : t.globalStylesCss());
  if (tailwind) {
    add("styles/tailwind.css", "style", [], t.tailwindCss());
    write(dir, "postcss.config.js", t.postcssConfigJs());
    write(dir, "tailwind.config.js", t.tailwindConfigJs());
  }
  add("styles/__reflex_style_reset.css", "style", [], t.styleResetCss());
  add("styles/styles.css", "style", [], t.appStylesCss());
  add("app/_document.js", "module", ["styles/__reflex_global_styles.css"], t.documentJs());
  add(ROOT_ID, "component", ["app/_document.js", "utils/context.js", "utils/react-theme.js", "utils/state.js"], t.rootJsx());
  const byModule = new Map();
  for (const m of memos) byModule.set(m.module, [...(byModule.get(m.module) || []), m]);
  for (const [id, group] of byModule) {
    const helpers = group.filter((m) => m.helper).map((m) => m.helper);
    for (const h of helpers) add(h.id, "module", [], t.helperJs(h));
    const text = t.memoModuleJsx(group);
    add(id, "component", ["utils/context.js", "utils/state.js", ...helpers.map((h) => h.id)], text);
  }
  for (const page of pages) {
    const used = [...new Set(memos.filter((m) => m.page === page.index).map((m) => m.module))];
    add(page.id, "page", used, t.pageJsx(page, memos), { route: page.route });
  }
  // What Vite's framework plugin reads; hr-orchestrate does not (router_entry.h).
  write(dir, "app/routes.js", t.routesJs());
  write(dir, "app/entry.client.js", t.entryClientJs());
  write(dir, "react-router.config.js", t.reactRouterConfigJs());
  write(dir, "public/favicon.ico", "");
  write(dir, "package.json", appPackageJson());
  const nm = path.join(dir, "node_modules");
  if (!fs.existsSync(nm)) fs.symlinkSync(path.join(NPM_DIR, "node_modules"), nm, "dir");
  const manifest = new ReflexManifest(dir, { backend, modules });
  manifest.write();
  return { manifest, pages, memos };
}

const CLI = {
  usage: "node bench/reflexapp/generate.mjs --out DIR [--memos N] [--backend URL] [--tailwind]",
  options: {
    out: { value: "DIR", help: "the .web/ folder to write", required: true },
    memos: { value: "N", help: "memo components", default: 32, parse: positiveInteger },
    backend: { value: "URL", help: 'written as the manifest\'s "backend" (run bench/reflexapp/backend.py there)' },
    tailwind: { help: "Tailwind v4 through PostCSS, as Reflex's TailwindV4Plugin lays it out" },
  },
};

function positiveInteger(text, flag) {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${flag}: expected a positive integer, got ${text}`);
  return n;
}

function main(argv) {
  const parsed = parseCli(argv, CLI);
  if (!parsed) return;
  const { out, memos, backend, tailwind } = parsed.values;
  const { manifest } = generateReflexApp(path.resolve(out), { memos, backend, tailwind });
  process.stdout.write(`wrote ${manifest.modules.length} modules to ${path.resolve(out)}\n`);
}

if (import.meta.url === pathToFileURL(process.argv[1] || "").href) runCli(main);

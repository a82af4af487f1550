// Reflex's dev path for the Reflex benchmark (reflex.mjs): `react-router dev` (Vite 8 with the
// reactRouter() plugin of @react-router/dev, no @vitejs/plugin-react) serving a Reflex-shaped app,
// whose page talks to the backend on the backend's own port (env.json holds absolute URLs).
//   prepareApp(app)        before the app is generated: its node_modules folder (see below)
//   writeViteConfig(app)   after: the vite.config.js Reflex's .web/ has
//   start({ app })         runs the CLI, resolves a handle like lib/systems.mjs's
import fs from "node:fs";
import path from "node:path";
import { HERE, REPO } from "../lib/paths.mjs";
import { descendants, onCleanup, rssKb, start as startChild, stop, treeRssKb, waitForOutput } from "../lib/procs.mjs";

const NODE = process.execPath;
const PEERS = path.join(HERE, "node_modules");
const CLI = path.join(PEERS, "@react-router/dev/bin.cjs");
const STARTUP_MS = 180000;

// The app's node_modules is one folder of symlinks: every package of npm/node_modules (the app's
// React, React Router's runtime, Radix...) and then those of bench/compare/node_modules that npm/
// lacks (vite, @react-router/dev, @react-router/fs-routes and their dependencies). Why not the
// usual symlink to npm/node_modules: vite.config.js and app/routes.js import Vite and
// @react-router/dev from the app's folder, and the test setup must not install Vite into npm/.
// npm/ comes first so that the page gets one React and one React Router, the same copies
// hr-orchestrate serves. It is a real folder also because Vite writes into it (.vite-temp, the
// .vite dependency cache) and React Router may run the package manager in the app: neither must
// reach the shared trees.
export function prepareApp(app) {
  const nm = path.join(app, "node_modules");
  fs.mkdirSync(nm, { recursive: true });
  for (const tree of [path.join(REPO, "npm/node_modules"), PEERS]) {
    if (!fs.existsSync(tree)) throw new Error(`${tree} is missing (scripts/setup.sh --deps; bench/compare/run.sh installs the peers)`);
    for (const name of fs.readdirSync(tree)) {
      if (name.startsWith(".")) continue;
      const scoped = name.startsWith("@") ? fs.readdirSync(path.join(tree, name)).map((n) => `${name}/${n}`) : [name];
      for (const pkg of scoped) {
        const link = path.join(nm, pkg);
        if (fs.existsSync(link)) continue; // npm/'s copy wins
        fs.mkdirSync(path.dirname(link), { recursive: true });
        fs.symlinkSync(path.join(tree, pkg), link, "dir");
      }
    }
  }
}

// Reflex's vite.config.js (Reflex 0.9, August 2026) in its shape, written here: reactRouter(); a
// plugin that lets React Router's HMR runtime skip route updates for routes the page has not loaded
// (unpatched, it throws on them and every later update is blocked until a reload; Reflex patches it
// the same way); Vite's native plugins off and `server.hmr` on, as Reflex sets them; `$` aliased to
// the app's folder, `@` to public/. Left out: Reflex's Safari cache-busting middleware (Safari only)
// and its bun-only react-dom/server.node alias. The watcher also skips the compiler's manifest,
// which only hr-orchestrate reads (the benchmark writes it for both systems: the same file work).
export function writeViteConfig(app) {
  fs.writeFileSync(path.join(app, "vite.config.js"), `import { fileURLToPath, URL } from "url";
import { reactRouter } from "@react-router/dev/vite";
import { defineConfig } from "vite";

function skipUnloadedRouteUpdates() {
  const throwing = /if \\(!imported\\) \\{\\s*throw Error\\([^;]*No module update found[^;]*;\\s*\\}/;
  return {
    name: "bench-skip-unloaded-route-updates",
    apply: "serve",
    enforce: "post",
    transform(code, id) {
      if (id !== "\\0virtual:react-router/hmr-runtime") return;
      if (!throwing.test(code)) throw new Error("React Router's HMR runtime changed: cannot patch it as Reflex does");
      return { code: code.replace(throwing, "if (!imported) continue;"), map: null };
    },
  };
}

export default defineConfig({
  plugins: [reactRouter(), skipUnloadedRouteUpdates()],
  experimental: { enableNativePlugin: false, hmr: false },
  server: {
    hmr: true,
    watch: { ignored: ["**/manifest.json", "**/manifest.json.tmp", "**/.hr/**"] },
  },
  resolve: {
    mainFields: ["browser", "module", "jsnext"],
    alias: [
      { find: "$", replacement: fileURLToPath(new URL("./", import.meta.url)) },
      { find: "@", replacement: fileURLToPath(new URL("./public", import.meta.url)) },
    ],
  },
});
`);
  // React Router's plugin runs `npm install` in the app when package.json lacks isbot.
  const pkg = JSON.parse(fs.readFileSync(path.join(app, "package.json"), "utf8"));
  if (!pkg.dependencies?.isbot) throw new Error(`${app}/package.json does not list isbot: react-router dev would run npm install`);
}

// `react-router dev` as Reflex's package.json script runs it, on a loopback port. The CLI relaunches
// itself once with NODE_OPTIONS=--conditions=development: both processes count in the RSS, as they
// would under Reflex. Resolves when the CLI prints its Local URL.
export async function start({ app, port }) {
  const child = startChild("react-router dev", NODE, [CLI, "dev", "--host", "127.0.0.1", "--port", String(port), "--strictPort"],
    { cwd: app, env: { ...process.env, NO_COLOR: "1" } });
  const unregister = onCleanup(() => stop(child));
  try {
    const url = await waitForOutput(child, (out) => /Local:\s+(http:\/\/127\.0\.0\.1:\d+\/)/.exec(out)?.[1], STARTUP_MS, "its URL");
    return {
      url,
      afterEdit: async () => ({}), // Vite watches the files the benchmark writes
      rssKb: () => treeRssKb(child.pid),
      // Where the memory is: the CLI's first process and the one it relaunched (Vite runs there).
      info: () => ({ rssProcessesKb: [child.pid, ...descendants(child.pid)].map((p) => rssKb(p)), log: child.output.slice(-1500) }),
      stop: async () => (unregister(), await stop(child)),
    };
  } catch (e) {
    unregister();
    await stop(child);
    throw new Error(`${e.message}; output:\n${child.output.slice(-3000)}`);
  }
}

// The systems under test. start() returns a handle:
//   url, afterEdit(editResult, page) -> details (what the system did beyond watching the disk),
//   rssKb() (whole process tree), info (versions, build times), stop().
import fs from "node:fs";
import path from "node:path";
import { HERE, REPO } from "./paths.mjs";
import { firstJsonLine, freePort, onCleanup, rssKb, run, start, stop, treeRssKb } from "./procs.mjs";

const NODE = process.execPath;
const server = (name) => path.join(HERE, "servers", name);
const STARTUP_MS = 180000;

async function startNodeServer(name, script, args) {
  const child = start(name, NODE, [server(script), ...args], { cwd: HERE });
  const unregister = onCleanup(() => stop(child));
  const hello = await firstJsonLine(child, STARTUP_MS);
  return { child, url: hello.url, stop: async () => (unregister(), await stop(child)) };
}

export const SYSTEMS = {
  "vite-dev": {
    label: "Vite dev + plugin-react",
    short: "Vite dev",
    async start({ app, work }) {
      const port = await freePort();
      const s = await startNodeServer("vite-dev", "vite-dev.mjs", ["--app", app, "--work", work, "--port", String(port)]);
      return { url: s.url, afterEdit: async () => ({}), rssKb: () => treeRssKb(s.child.pid), stop: s.stop };
    },
  },

  "vite-build": {
    label: "vite build per edit + reload",
    short: "vite build",
    reloads: true,
    async start({ app, work }) {
      const build = () => run(NODE, [server("vite-build.mjs"), "--app", app, "--work", work], { cwd: HERE, sampleRss: true });
      const first = await build();
      if (first.code !== 0) throw new Error(`vite build failed:\n${first.output.slice(-3000)}`);
      const port = await freePort();
      const s = await startNodeServer("static", "static.mjs", ["--root", path.join(work, "dist"), "--port", String(port)]);
      const builds = [first.ms];
      let peak = first.peakRss;
      return {
        url: s.url,
        async afterEdit(_edit, page) {
          const b = await build();
          builds.push(b.ms);
          peak = Math.max(peak, b.peakRss);
          if (b.code !== 0) return { error: b.output.slice(-500), buildMs: b.ms };
          await page.reload({ waitUntil: "commit" }).catch(() => {});
          return { buildMs: b.ms };
        },
        rssKb: () => treeRssKb(s.child.pid),
        info: () => ({ buildMs: builds, buildPeakRssKb: peak }),
        stop: s.stop,
      };
    },
  },

  "esbuild-live": {
    label: "esbuild watch + serve + live reload",
    short: "esbuild live",
    reloads: true,
    async start({ app, work }) {
      const port = await freePort();
      const s = await startNodeServer("esbuild-live", "esbuild-live.mjs", ["--app", app, "--work", work, "--port", String(port), "--repo", REPO]);
      return { url: s.url, afterEdit: async () => ({}), rssKb: () => treeRssKb(s.child.pid), stop: s.stop };
    },
  },

  hr: {
    label: "hr-orchestrate",
    short: "hr-orchestrate",
    // The compiler's call is the CLI, one process per recompile.
    async start({ app, bin }) {
      const manifest = path.join(app, "manifest.json");
      const port = await freePort();
      const call = async (...extra) => {
        const r = await run(bin, ["--manifest", manifest, "--port", String(port), ...extra], { cwd: app });
        let result;
        try { result = JSON.parse(r.output.trim().split("\n").filter((l) => l.startsWith("{")).pop()); } catch { /* none */ }
        return { ...result, code: r.code, callMs: r.ms, output: r.output };
      };
      return hrHandle({ app, bin, call, stopCalls: async () => {} });
    },
  },

  "hr-cli": {
    label: "hr-orchestrate, CLI called from Python",
    short: "hr-orchestrate (CLI from Python)",
    // The same CLI, one process per recompile, started by a long-lived Python process with
    // subprocess.run (servers/py-cli.py), as Reflex's compiler would: node's spawn forks the
    // driver, whose cost grows with the driver's heap.
    async start({ app, bin }) {
      const port = await freePort();
      const py = start("py-cli", PYTHON, [server("py-cli.py"), "--binary", bin, "--manifest", path.join(app, "manifest.json"),
        "--port", String(port)], { cwd: app, stdio: ["pipe", "pipe", "pipe"] });
      const lines = jsonLines(py);
      const call = async (...extra) => {
        py.stdin.write(JSON.stringify({ args: extra }) + "\n");
        const r = await lines.next(STARTUP_MS);
        return { ...r.result, code: r.code, callMs: r.callMs, output: r.output };
      };
      return hrHandle({ app, bin, call, stopCalls: async () => stop(py) });
    },
  },

  "hr-py": {
    label: "hr-orchestrate, Python client",
    short: "hr-orchestrate (Python)",
    // The compiler's call is python/hr_orchestrate's Client.recompile in a long-lived Python
    // process (servers/py-compiler.py): no process start per recompile.
    async start({ app, bin }) {
      const port = await freePort();
      const py = start("py-compiler", PYTHON, [server("py-compiler.py"), "--manifest", path.join(app, "manifest.json"),
        "--port", String(port), "--binary", bin], { cwd: app, env: { ...process.env, PYTHONPATH: path.join(REPO, "python") }, stdio: ["pipe", "pipe", "pipe"] });
      const lines = jsonLines(py);
      const call = async (...extra) => {
        const wait = extra.find((a) => a.startsWith("--wait-applied="));
        py.stdin.write(JSON.stringify(wait ? { wait_applied: Number(wait.split("=")[1]) } : {}) + "\n");
        const r = await lines.next(STARTUP_MS);
        return { ...r, code: r.error ? 3 : r.errors?.length ? 1 : 0, output: r.error ?? py.output.slice(-3000) };
      };
      const stopCalls = async () => stop(py);
      return hrHandle({ app, bin, call, stopCalls });
    },
  },
};

// The Python on which python3-* packages are installed (the PATH's python3 may be another).
const PYTHON = fs.existsSync("/usr/bin/python3") ? "/usr/bin/python3" : "python3";

// A handle on a server the compiler's `call` starts and drives (hr and hr-py differ in the call).
async function hrHandle({ app, bin, call, stopCalls }) {
  const manifest = path.join(app, "manifest.json");
  let pids = [];
  const stopIt = async () => {
    await run(bin, ["stop", "--manifest", manifest], { timeoutMs: 15000 }).catch(() => {});
    await stopCalls();
    for (const p of pids) if (rssKb(p) > 0) { try { process.kill(p, "SIGKILL"); } catch { /* gone */ } }
  };
  const unregister = onCleanup(stopIt);
  const first = await call();
  if (first.code !== 0) throw new Error(`hr-orchestrate cold start failed (${first.code}):\n${first.output.slice(-3000)}`);
  const status = JSON.parse((await run(bin, ["status", "--manifest", manifest])).output.trim().split("\n").pop());
  pids = [status.pid, status.esbuild_pid].filter(Boolean);
  return {
    url: status.url.endsWith("/") ? status.url : status.url + "/",
    async afterEdit() {
      const r = await call("--wait-applied=10000");
      return { code: r.code, build: r.build, action: r.action, reason: r.reason, timings: r.timings, callMs: r.callMs };
    },
    rssKb: () => treeRssKb(...pids),
    // Where the memory is: the C++ server itself and its esbuild child.
    info: () => ({ rssServerKb: rssKb(status.pid), rssEsbuildKb: status.esbuild_pid ? treeRssKb(status.esbuild_pid) : 0 }),
    stop: async () => (unregister(), await stopIt()),
  };
}

// The JSON lines a child prints, one at a time: next(timeoutMs) resolves to the next one.
function jsonLines(child) {
  const queue = [], waiting = [];
  let buf = "";
  child.stdout.on("data", (d) => {
    buf += d;
    const parts = buf.split("\n");
    buf = parts.pop();
    for (const line of parts) {
      if (!line.startsWith("{")) continue;
      const value = JSON.parse(line);
      waiting.length ? waiting.shift()(value) : queue.push(value);
    }
  });
  return {
    next(timeoutMs) {
      if (queue.length) return Promise.resolve(queue.shift());
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms:\n${child.output.slice(-2000)}`)), timeoutMs);
        waiting.push((v) => (clearTimeout(timer), resolve(v)));
      });
    },
  };
}

export function versions() {
  const pkg = (p) => JSON.parse(fs.readFileSync(p, "utf8")).version;
  const v = { node: process.version };
  try { v.vite = pkg(path.join(HERE, "node_modules/vite/package.json")); } catch { /* not installed */ }
  try { v["@vitejs/plugin-react"] = pkg(path.join(HERE, "node_modules/@vitejs/plugin-react/package.json")); } catch { /* */ }
  try { v.rolldown = pkg(path.join(HERE, "node_modules/rolldown/package.json")); } catch { /* */ }
  for (const n of ["esbuild", "react", "playwright-core"]) {
    try { v[n] = pkg(path.join(REPO, "npm/node_modules", n, "package.json")); } catch { /* */ }
  }
  return v;
}

// The startup benchmark's servers (startup.mjs): hr-orchestrate started as the compiler starts it
// (on demand, or with --build-all) and Vite's dev server, each with a stop that leaves nothing
// running; and the caches a cold start must not find.
import fs from "node:fs";
import path from "node:path";
import { HERE } from "./paths.mjs";
import { commandWords, firstJsonLine, nowMs, onCleanup, rssKb, run, sleep, start, stop } from "./procs.mjs";
import { logger } from "./rounds.mjs";

const log = logger("startup");
const START_TIMEOUT_MS = 180000;

// The last JSON line of a command's output (the CLI's answer), or undefined.
export function lastJson(output) {
  try { return JSON.parse(output.trim().split("\n").filter((l) => l.startsWith("{")).pop()); } catch { return undefined; }
}

// hr-orchestrate's background server for a manifest, found in /proc (it is not our child: the CLI
// starts it detached), so its memory can be sampled while the CLI call is still running.
export function hrServerPid(manifest) {
  for (const d of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    let argv;
    try { argv = commandWords(d); } catch { continue; }
    if (argv.includes("serve") && argv[argv.indexOf("--manifest") + 1] === manifest && path.basename(argv[0]) === "hr-orchestrate") return Number(d);
  }
  return 0;
}

async function waitGone(pid, ms) {
  const end = Date.now() + ms;
  while (rssKb(pid) > 0 && Date.now() < end) await sleep(20);
  return rssKb(pid) === 0;
}

export async function hrStatus(bin, manifest) {
  const r = await run(bin, ["status", "--manifest", manifest], { timeoutMs: 10000 });
  try { return JSON.parse(r.output.trim().split("\n").filter((l) => l.startsWith("{")).pop()); } catch { return null; }
}

// Started as the compiler does: the call returns once the background server serves.
async function startHr(ctx, opts, extraArgs, port) {
  let pid = 0;
  const stopIt = async () => {
    await run(opts.bin, ["stop", "--manifest", ctx.manifest], { timeoutMs: 15000 }).catch(() => {});
    pid ||= hrServerPid(ctx.manifest);
    if (pid && !(await waitGone(pid, 10000))) {
      log(`  hr-orchestrate ${pid} still up 10 s after "stop": killing its process group`);
      try { process.kill(-pid, "SIGKILL"); } catch { /* gone */ }
      await waitGone(pid, 5000);
    }
  };
  const unregister = onCleanup(stopIt);
  const t0 = nowMs();
  const r = await run(opts.bin, ["--manifest", ctx.manifest, "--port", String(port), ...extraArgs], { cwd: ctx.app, timeoutMs: START_TIMEOUT_MS });
  const servingMs = nowMs() - t0;
  pid = hrServerPid(ctx.manifest);
  if (r.code !== 0) {
    await stopIt(), unregister();
    throw new Error(`hr-orchestrate start failed (${r.code}):\n${r.output.slice(-3000)}`);
  }
  return {
    url: `http://127.0.0.1:${port}/`, t0, servingMs, call: lastJson(r.output),
    pids: () => [pid || hrServerPid(ctx.manifest)],
    status: () => hrStatus(opts.bin, ctx.manifest),
    stop: async () => (unregister(), await stopIt()),
  };
}

async function startVite(ctx, port) {
  const t0 = nowMs();
  const child = start("vite-dev", process.execPath, [path.join(HERE, "servers/vite-dev.mjs"), "--app", ctx.app, "--work", ctx.work, "--port", String(port)], { cwd: HERE });
  const unregister = onCleanup(() => stop(child));
  try {
    const hello = await firstJsonLine(child, START_TIMEOUT_MS);
    return { url: hello.url, t0, servingMs: nowMs() - t0, pids: () => [child.pid], status: async () => null,
      stop: async () => (unregister(), await stop(child, 5000)) };
  } catch (e) {
    unregister(), await stop(child);
    throw e;
  }
}

export const STARTERS = {
  hr: (ctx, opts, port) => startHr(ctx, opts, [], port),
  "hr-build-all": (ctx, opts, port) => startHr(ctx, opts, ["--build-all"], port),
  "vite-dev": (ctx, opts, port) => startVite(ctx, port),
};

// What a cold start must not find: hr's module cache and prebundled dependencies; Vite's deps cache
// (vite-config.mjs puts its cacheDir in the work folder: the app's node_modules is a link into the
// repository).
export function clearCaches(system, ctx) {
  const dirs = system === "vite-dev" ? [path.join(ctx.work, "vite-cache")] : [path.join(ctx.app, ".hr/cache"), path.join(ctx.app, ".hr/deps")];
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
}

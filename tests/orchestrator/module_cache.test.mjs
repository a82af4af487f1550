// The persistent module cache seen from outside (issue 16): the real binary on a generated app,
// stopped and started again. A restart takes every unchanged module from the cache, an edit made
// while the server was stopped is built and served, --no-cache writes nothing, and
// `hr-orchestrate cache clear` empties the cache.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { binary, generateApp, applyEdit } from "../binary_under_test.mjs";

const app = fs.mkdtempSync(path.join(os.tmpdir(), "hr-cache-"));
const manifestPath = path.join(app, "manifest.json");
const cacheDir = path.join(app, ".hr", "cache", "modules");

const run = (...args) => execFileSync(binary, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
const status = () => JSON.parse(run("status", "--manifest", manifestPath));
const stop = () => run("stop", "--manifest", manifestPath);
const entries = () => (fs.existsSync(cacheDir) ? fs.readdirSync(cacheDir).filter((f) => f.endsWith(".hrm")) : []);

// Starts the server with the compiler's call and waits until every module is built (on-demand
// builds finish in the background) and the cache has written what it will.
async function start(...flags) {
  const line = run("--manifest", manifestPath, "--port", "0", "--log-level", "warn", ...flags);
  assert.equal(JSON.parse(line.trim().split("\n").pop()).exit, 0);
  for (let i = 0; i < 200; i++) {
    const s = status();
    const c = s.cache;
    if (!s.unbuilt && (!c.enabled || c.written + c.hits + c.corrupt >= c.misses + c.hits)) return s;
    await new Promise((r) => setTimeout(r, 50));
  }
  return status();
}

before(() => generateApp(app, { components: 50, seed: 3 }));

after(() => {
  try { stop(); } catch {}
  fs.rmSync(app, { recursive: true, force: true });
});

test("a restart takes every unchanged module from the cache and builds the one edited meanwhile", async () => {
  const first = (await start()).cache;
  assert.equal(first.enabled, true);
  assert.equal(first.hits, 0);
  assert.ok(first.misses > 50, JSON.stringify(first));
  stop();
  // written on the cache's worker thread, finished by the stop at the latest
  assert.equal(entries().length, first.misses);

  applyEdit(app, "component-text", { target: "comp_1" });
  const s = await start();
  assert.equal(s.cache.misses, 1, JSON.stringify(s.cache));
  assert.equal(s.cache.hits, first.misses - 1);
  assert.equal(s.cache.served, first.misses - 1, "taken from the cache, not built");
  assert.equal(s.cache.corrupt, 0);
  // The status counts esbuild's builds (the edited module's) apart from the pipeline's requests,
  // which the cache answered otherwise.
  assert.equal(s.counters.esbuild_module_builds, 1, JSON.stringify(s.counters));
  assert.ok(s.counters.module_build_requests > 1, JSON.stringify(s.counters));
  const page = await fetch(new URL("/app_components/comp_1.jsx", s.url)).then((r) => r.text());
  assert.match(page, /Component 1 \(edit 1\)/);
  stop();
});

test("a restart with every module in the cache builds nothing and keeps its esbuild", async () => {
  const s = await start();
  assert.equal(s.cache.misses, 0, JSON.stringify(s.cache));
  for (let i = 0; i < 100 && !status().background_done; i++) await new Promise((r) => setTimeout(r, 50));
  const done = status();
  assert.equal(done.background_done, true);
  assert.equal(done.counters.esbuild_module_builds, 0, JSON.stringify(done.counters));
  assert.equal(done.esbuild_pid, s.esbuild_pid, "no fresh esbuild: the first built nothing");
  stop();
});

test("a corrupted entry is logged, built again and replaced", async () => {
  // Not comp_1's: the cache still holds its entry from before the first test's edit, which no
  // start reads (the folder's order is random, as the root in every key is a fresh folder).
  const live = entries().filter((f) => !fs.readFileSync(path.join(cacheDir, f), "latin1").includes("\nid app_components/comp_1.jsx\n"));
  const victim = path.join(cacheDir, live[0]);
  const bytes = fs.readFileSync(victim);
  bytes[bytes.length - 5] ^= 0xff;
  fs.writeFileSync(victim, bytes);
  const s = await start();
  assert.equal(s.cache.corrupt, 1);
  assert.equal(s.cache.misses, 1);
  stop();
  const log = fs.readFileSync(path.join(app, ".hr", "server.log"), "utf8");
  assert.equal(log.split(victim).length - 1, 1, "logged once, naming the file");
  assert.ok(fs.existsSync(victim));
});

test("cache clear empties the cache and says what it removed; --no-cache writes nothing", async () => {
  const n = entries().length;
  assert.ok(n > 0);
  const said = run("cache", "clear", "--manifest", manifestPath);
  assert.match(said, new RegExp(`removed .*cache/modules: ${n} files`));
  assert.equal(entries().length, 0);

  const s = await start("--no-cache");
  assert.equal(s.cache.enabled, false);
  stop();
  assert.equal(entries().length, 0);

  // by state folder, with a server running
  await start();
  assert.ok(entries().length > 0);
  const again = run("cache", "clear", "--state-dir", path.join(app, ".hr"));
  assert.match(again, /removed .*cache\/modules: \d+ files/);
  assert.equal(entries().length, 0);
  stop();
});

test("--help explains the cache flags and cache clear", () => {
  const help = run("--help");
  assert.match(help, /--no-cache/);
  assert.match(help, /--cache-size-mb/);
  assert.match(help, /cache clear/);
});

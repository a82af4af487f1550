// The fault suite's helpers (fault.test.mjs): apps made and cleaned up per test, the compiler's
// call with its limits, the server's status and served modules, a frozen esbuild, and a WebSocket
// client by hand.
import { afterEach } from "node:test";
import assert from "node:assert/strict";
import { spawn, execFileSync } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { commandWords } from "../../bench/compare/lib/procs.mjs";
import { binary, generateApp } from "../binary_under_test.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, "../..");

export const EXIT = { applied: 0, compileErrors: 1, badManifest: 2, serverFailed: 3 };
export const COMPONENT = "app_components/comp_1.jsx";
export const CALL_LIMIT_MS = 60_000;
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Every app made by a test, and every process it stopped, cleaned up after it.
const apps = [];
const stopped = [];
afterEach(() => {
  for (const pid of stopped.splice(0)) kill(pid, "SIGKILL");
  for (const app of apps.splice(0)) {
    try { execFileSync(binary, ["stop", "--manifest", manifestOf(app)], { stdio: "ignore", timeout: 10_000 }); } catch {}
    for (const pid of serverPids(app)) kill(pid, "SIGKILL");
    fs.rmSync(app, { recursive: true, force: true });
  }
});

export function kill(pid, signal) {
  try { process.kill(pid, signal); } catch {}
}
export const manifestOf = (app) => path.join(app, "manifest.json");

export function newApp() {
  const app = fs.mkdtempSync(path.join(os.tmpdir(), "hr-fault-"));
  apps.push(app);
  generateApp(app, { components: 50, seed: 3 });
  return app;
}

// One compiler call, resolved when the process exited *and* its stdout/stderr closed: a server
// that kept the caller's pipes would hold this open, which `hung` reports after the limit.
export function call(app, { args = [], prefix = [], extraFd = false, limitMs = CALL_LIMIT_MS } = {}) {
  const argv = [...prefix, binary, "--manifest", manifestOf(app), "--port", "0", "--log-level", "info", ...args];
  const child = spawn(argv[0], argv.slice(1), { stdio: ["ignore", "pipe", "pipe", ...(extraFd ? ["pipe"] : [])] });
  let stdout = "", stderr = "";
  child.stdout.on("data", (d) => (stdout += d));
  child.stderr.on("data", (d) => (stderr += d));
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      resolve({ hung: true, code: null, stdout, stderr, lines: [] });
    }, limitMs);
    child.on("close", (code) => {
      clearTimeout(timer);
      const lines = stdout.split("\n").filter((l) => l.trim() !== "");
      let result = null;
      try { result = JSON.parse(lines.at(-1)); } catch {}
      resolve({ hung: false, code, stdout, stderr, lines, result });
    });
  });
}

// A call answered as documented: in time, one JSON line on stdout, the expected exit code.
export function answered(r, code) {
  assert.equal(r.hung, false, `the call did not finish within ${CALL_LIMIT_MS} ms; stderr: ${r.stderr}`);
  assert.equal(r.lines.length, 1, `stdout must be one JSON line, got: ${r.stdout}`);
  assert.ok(r.result, `stdout is not JSON: ${r.stdout}`);
  assert.equal(r.code, code, `exit ${r.code}, expected ${code}; result ${r.stdout} stderr ${r.stderr}`);
  return r.result;
}

export function status(app) {
  return JSON.parse(execFileSync(binary, ["status", "--manifest", manifestOf(app)], { encoding: "utf8", timeout: 10_000 }));
}

// The served text of a module, fetched as a browser would.
export async function served(app, id = COMPONENT) {
  const res = await fetch(new URL("/" + id, status(app).url));
  assert.equal(res.status, 200, `GET /${id}`);
  return res.text();
}

// Pids of processes running `serve` for this app's manifest.
export function serverPids(app) {
  const pids = [];
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    let argv;
    try { argv = commandWords(entry); } catch { continue; }
    if (argv.includes("serve") && argv.includes(manifestOf(app))) pids.push(Number(entry));
  }
  return pids;
}

// A server started by a first call, once it has built the whole app (on demand, the first call
// returns when the entries are built; the faults here strike the build of a module that is built).
export async function started(app) {
  const r = await call(app);
  answered(r, EXIT.applied);
  return allBuilt(app);
}

// Built, and the esbuild that built it replaced (a fresh one takes over once requests go quiet):
// a fault aimed at esbuild strikes the one that stays.
export async function allBuilt(app) {
  for (let i = 0; i < 200; ++i) {
    const s = status(app);
    if (s.unbuilt === 0 && s.background_done && s.esbuild_pid > 0) return s;
    await sleep(50);
  }
  assert.fail(`the background build never finished: ${JSON.stringify(status(app))}`);
}

// Freezes the app's esbuild, so the next build waits on it.
export function freezeEsbuild(app) {
  const pid = status(app).esbuild_pid;
  assert.ok(pid > 0);
  process.kill(pid, "SIGSTOP");
  stopped.push(pid);
  return pid;
}

// A call reaches the server within milliseconds, and the frozen esbuild holds it there: after
// this pause the call is waiting on esbuild's answer.
export const untilInFlight = (ms = 400) => sleep(ms);

// The pinned esbuild binary (what the server runs unless told otherwise).
export function esbuildBinary() {
  const scope = path.join(process.env.HR_NPM_DIR || path.join(repo, "npm"), "node_modules/@esbuild");
  const platform = fs.readdirSync(scope).find((d) => fs.existsSync(path.join(scope, d, "bin/esbuild")));
  assert.ok(platform, `no esbuild binary under ${scope}`);
  return path.join(scope, platform, "bin/esbuild");
}

// A WebSocket client by hand (node 20 has none built in): the handshake, then masked text frames.
export async function openHmrSocket(url) {
  const { hostname, port } = new URL(url);
  const socket = net.connect(Number(port), hostname);
  await new Promise((r) => socket.once("connect", r));
  socket.write(`GET /@hr/ws HTTP/1.1\r\nHost: ${hostname}:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
    `Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`);
  const head = await new Promise((r) => socket.once("data", (d) => r(d.toString())));
  assert.match(head, /^HTTP\/1\.1 101/);
  socket.on("data", () => {});
  return socket;
}
export function textFrame(text) {
  const payload = Buffer.from(text);
  const mask = Buffer.from([1, 2, 3, 4]);
  const masked = Buffer.from(payload.map((b, i) => b ^ mask[i % 4]));
  return Buffer.concat([Buffer.from([0x81, 0x80 | payload.length]), mask, masked]);
}

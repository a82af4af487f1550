// Child processes of the benchmark: every process the run starts is registered here and stopped by
// its own id at the end (also when the run fails or is interrupted). Memory is the sum of VmRSS over
// a process and all its descendants, read from /proc.
import { spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";

const live = new Map(); // pid -> { name, group }
const extraStops = new Set(); // async cleanups (e.g. "hr-orchestrate stop", closing browsers)

// Starts a child in its own process group so the whole tree can be stopped by the group id.
export function start(name, command, args, { cwd, env, stdio = ["ignore", "pipe", "pipe"] } = {}) {
  const child = spawn(command, args, { cwd, env: env ?? process.env, stdio, detached: true });
  live.set(child.pid, { name, group: true });
  child.on("exit", () => live.delete(child.pid));
  child.output = "";
  const keep = (d) => {
    child.output += d;
    if (child.output.length > 200000) child.output = child.output.slice(-100000);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  return child;
}

// Waits until `match(output)` (over everything the child printed so far) returns a value, which
// is resolved; rejects when the child exits first or after timeoutMs.
export function waitForOutput(child, match, timeoutMs, what = "its start line") {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => done(new Error(`no ${what} within ${timeoutMs} ms; output:\n${child.output.slice(-2000)}`)), timeoutMs);
    const onData = () => {
      const value = match(child.output);
      if (value !== undefined) done(null, value);
    };
    const onExit = (code) => done(new Error(`exited (${code}) before ${what}; output:\n${child.output.slice(-2000)}`));
    function done(err, value) {
      clearTimeout(timer);
      child.stdout.off("data", onData);
      child.off("exit", onExit);
      err ? reject(err) : resolve(value);
    }
    child.stdout.on("data", onData);
    child.on("exit", onExit);
    onData();
  });
}

// Waits for a line on the child's stdout that parses as JSON (the servers announce their URL so).
export function firstJsonLine(child, timeoutMs) {
  return waitForOutput(child, (out) => {
    for (const line of out.split("\n").slice(0, -1)) {
      if (!line.startsWith("{")) continue;
      try { return JSON.parse(line); } catch { /* not ours */ }
    }
    return undefined;
  }, timeoutMs);
}

// Runs a command to completion; resolves { code, stdout, stderr, ms, peakRss }.
export function run(command, args, { cwd, env, timeoutMs = 600000, sampleRss = false } = {}) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = start(`run ${command}`, command, args, { cwd, env });
    let peakRss = 0;
    const sampler = sampleRss ? setInterval(() => (peakRss = Math.max(peakRss, treeRssKb(child.pid))), 50) : null;
    const timer = setTimeout(() => stopGroup(child.pid, "SIGKILL"), timeoutMs);
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      if (sampler) clearInterval(sampler);
      resolve({ code: code ?? (signal ? 128 : 1), signal, output: child.output, ms: performance.now() - t0, peakRss });
    });
  });
}

export function stopGroup(pid, signal = "SIGTERM") {
  try { process.kill(-pid, signal); } catch { /* already gone */ }
}

// Stops one registered child: SIGTERM to its group, SIGKILL after graceMs.
export async function stop(child, graceMs = 3000) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once("exit", r));
  stopGroup(child.pid, "SIGTERM");
  const timer = new Promise((r) => setTimeout(r, graceMs, "timeout"));
  if ((await Promise.race([exited, timer])) === "timeout") stopGroup(child.pid, "SIGKILL"), await exited;
}

export function onCleanup(fn) {
  extraStops.add(fn);
  return () => extraStops.delete(fn);
}

export async function stopAll() {
  for (const fn of [...extraStops]) {
    try { await fn(); } catch { /* best effort */ }
  }
  extraStops.clear();
  for (const pid of [...live.keys()]) stopGroup(pid, "SIGKILL");
  live.clear();
}

// Every descendant pid of `pid` (children read from /proc/<pid>/task/*/children).
export function descendants(pid) {
  const out = [];
  const queue = [pid];
  while (queue.length) {
    const p = queue.shift();
    let tasks = [];
    try { tasks = fs.readdirSync(`/proc/${p}/task`); } catch { continue; }
    for (const t of tasks) {
      let kids = "";
      try { kids = fs.readFileSync(`/proc/${p}/task/${t}/children`, "utf8"); } catch { continue; }
      for (const k of kids.trim().split(/\s+/).filter(Boolean)) out.push(Number(k)), queue.push(Number(k));
    }
  }
  return out;
}

// A process's command line as words. hr-orchestrate's background server shows its command line
// as one title (orchestrator/process_title.h): its words are split at spaces.
export function commandWords(pid) {
  const line = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").replace(/\0+$/, "");
  return line.includes("\0") ? line.split("\0") : line.split(" ");
}

export function rssKb(pid) {
  try {
    const m = /VmRSS:\s+(\d+)\s+kB/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

// VmRSS of the process and all its descendants, in kB.
export function treeRssKb(...roots) {
  const seen = new Set();
  for (const r of roots.filter(Boolean)) for (const p of [r, ...descendants(r)]) seen.add(p);
  let sum = 0;
  for (const p of seen) sum += rssKb(p);
  return sum;
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
export const nowMs = () => performance.timeOrigin + performance.now();

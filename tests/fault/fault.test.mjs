// Fault injection (issue 14): the real binary, a generated app, and the faults a dev machine has:
// esbuild killed during a call and during a burst, the server killed between and during calls, a
// stale control socket, a read-only state folder, a log that cannot be opened, concurrent first
// calls, a truncated manifest, a flood of bad WebSocket frames. Each test checks that nothing is
// lost (an HTTP fetch of the module shows the newest content once the system settles) and that
// every call was answered, in bounded time, with the documented exit code and one JSON line.
//
// esbuild is caught mid-build by stopping it (SIGSTOP) before the call and killing it (SIGKILL)
// while the call waits on it, so "during the call" is certain, not a matter of timing.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn, execFileSync } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { binary, applyEdit } from "../binary_under_test.mjs";
import {
  EXIT, COMPONENT, CALL_LIMIT_MS, sleep, kill, manifestOf, newApp, call, answered, status, served, serverPids, started, allBuilt, freezeEsbuild, untilInFlight, esbuildBinary, openHmrSocket, textFrame,
} from "./fault_helpers.mjs";


test("esbuild killed during a call: the call is answered after the restart, rebuilt and pushed", { timeout: 120_000 }, async () => {
  const app = newApp();
  await started(app);
  await served(app);  // a browser holds the component: its edit is a js-update
  const esbuild = freezeEsbuild(app);
  const edit = applyEdit(app, "component-text", { target: "comp_1" });
  const pending = call(app);
  await untilInFlight();
  kill(esbuild, "SIGKILL");
  const r = answered(await pending, EXIT.applied);
  assert.equal(r.action, "js-update", r.reason);
  assert.ok(r.rebuilt.includes(COMPONENT), `rebuilt: ${r.rebuilt}`);
  assert.ok((await served(app)).includes(edit.text), "the edit is served");
  const s = status(app);
  assert.notEqual(s.esbuild_pid, esbuild);
  assert.ok(s.counters.esbuild_restarts >= 1);
  // A later call with nothing new has nothing to do, and the edit is still what is served.
  const again = answered(await call(app), EXIT.applied);
  assert.equal(again.action, "none");
  assert.ok((await served(app)).includes(edit.text));
});

test("esbuild killed during a burst of 20 calls: every call exits 0 and the last edit is served", { timeout: 180_000 }, async () => {
  const app = newApp();
  await started(app);
  const esbuild = freezeEsbuild(app);
  const calls = [];
  let last;
  for (let i = 0; i < 20; ++i) {
    last = applyEdit(app, "component-text", { target: "comp_1" });
    calls.push(call(app));
    if (i === 9) {
      await untilInFlight(200);
      kill(esbuild, "SIGKILL");
    }
    await sleep(10);
  }
  const results = await Promise.all(calls);
  results.forEach((r, i) => {
    const res = answered(r, EXIT.applied);
    assert.deepEqual(res.errors, [], `call ${i}: ${r.stdout}`);
  });
  assert.ok((await served(app)).includes(last.text), `served: the newest text "${last.text}"`);
  assert.equal(answered(await call(app), EXIT.applied).action, "none");
});


test("esbuild dead and not restartable: exit 3; once it can run, a call with nothing new builds the edit", { timeout: 120_000 }, async () => {
  const app = newApp();
  const bin = path.join(app, "esbuild-copy");
  fs.copyFileSync(esbuildBinary(), bin);
  fs.chmodSync(bin, 0o755);
  const run = (opts = {}) => call(app, { ...opts, args: ["--esbuild", bin] });
  answered(await run(), EXIT.applied);
  await allBuilt(app);
  const esbuild = freezeEsbuild(app);
  const edit = applyEdit(app, "component-text", { target: "comp_1" });
  const pending = run();
  await untilInFlight();
  fs.renameSync(bin, bin + ".gone");  // the restart finds no binary
  kill(esbuild, "SIGKILL");
  const failed = await pending;
  const res = answered(failed, EXIT.serverFailed);
  assert.equal(res.error, "server");
  assert.match(res.reason, /esbuild/);
  assert.ok(!(await served(app)).includes(edit.text), "the edit was never built");
  fs.renameSync(bin + ".gone", bin);
  // The compiler calls again with the same manifest: the module was not built, so it is built now.
  const r = answered(await run(), EXIT.applied);
  assert.ok(r.rebuilt.includes(COMPONENT), `rebuilt: ${r.rebuilt} (${r.reason})`);
  assert.ok((await served(app)).includes(edit.text), "the edit is served");
});

test("the server killed between calls, leaving a stale socket: the next call starts one and serves the edit", { timeout: 120_000 }, async () => {
  const app = newApp();
  const s = await started(app);
  kill(s.pid, "SIGKILL");
  kill(s.esbuild_pid, "SIGKILL");
  await sleep(200);
  assert.ok(fs.existsSync(path.join(app, ".hr/control.sock")), "the dead server's socket is still there");
  const edit = applyEdit(app, "component-text", { target: "comp_1" });
  const r = await call(app);
  answered(r, EXIT.applied);
  assert.match(r.stderr, /starting it again/);
  assert.notEqual(status(app).pid, s.pid);
  assert.ok((await served(app)).includes(edit.text));
});

test("the server killed during a call: the call starts another, asks again, and exits 0", { timeout: 120_000 }, async () => {
  const app = newApp();
  const s = await started(app);
  freezeEsbuild(app);
  const edit = applyEdit(app, "component-text", { target: "comp_1" });
  const pending = call(app);
  await untilInFlight();
  kill(s.pid, "SIGKILL");
  const r = await pending;
  answered(r, EXIT.applied);
  assert.match(r.stderr, /the server is gone/);
  assert.notEqual(status(app).pid, s.pid);
  assert.ok((await served(app)).includes(edit.text));
});

test("a socket file nobody listens on is taken over by the first call", { timeout: 120_000 }, async () => {
  const app = newApp();
  fs.mkdirSync(path.join(app, ".hr"));
  // A socket file left by a process that died: bound, never closed by its owner.
  const holder = spawn(process.execPath, ["-e",
    `require("net").createServer().listen(${JSON.stringify(path.join(app, ".hr/control.sock"))}, () => console.log("up"))`],
    { stdio: ["ignore", "pipe", "ignore"] });
  await new Promise((r) => holder.stdout.once("data", r));
  holder.kill("SIGKILL");
  await new Promise((r) => holder.on("exit", r));
  assert.ok(fs.existsSync(path.join(app, ".hr/control.sock")));
  const r = answered(await call(app), EXIT.applied);
  assert.equal(r.action, "none");
  assert.ok((await served(app)).includes("Component 1"));
});

test("a state folder the caller cannot write: exit 3, the reason on stderr, one JSON line on stdout", { timeout: 60_000 }, async () => {
  const app = newApp();
  const hr = path.join(app, ".hr");
  fs.mkdirSync(hr);
  fs.chmodSync(hr, 0o555);
  // root writes anywhere: the call then runs as nobody, for whom the folder is read-only.
  let prefix = [];
  if (process.getuid() === 0) {
    fs.chmodSync(app, 0o755);
    prefix = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"];
  }
  const r = await call(app, { prefix });
  const res = answered(r, EXIT.serverFailed);
  assert.equal(res.error, "server");
  assert.match(r.stderr, /\.hr\/start\.lock: Permission denied/);
  assert.match(res.reason, /Permission denied/);
  assert.deepEqual(serverPids(app), []);
});

test("a server log that cannot be opened: exit 3 naming it, and the call does not hang", { timeout: 60_000 }, async () => {
  const app = newApp();
  fs.mkdirSync(path.join(app, ".hr/server.log"), { recursive: true });
  const r = await call(app, { limitMs: 20_000 });
  const res = answered(r, EXIT.serverFailed);
  assert.match(r.stderr, /cannot open the server log .*server\.log: Is a directory/);
  assert.equal(res.error, "server");
  assert.deepEqual(serverPids(app), []);
});

test("the background server holds none of the caller's descriptors", { timeout: 60_000 }, async () => {
  const app = newApp();
  // stdout, stderr and an extra pipe (fd 3): the call finishes once all three close.
  const r = await call(app, { extraFd: true, limitMs: 20_000 });
  answered(r, EXIT.applied);
  const s = status(app);
  const fds = fs.readdirSync(`/proc/${s.pid}/fd`).map((fd) => {
    try { return fs.readlinkSync(`/proc/${s.pid}/fd/${fd}`); } catch { return ""; }
  });
  assert.equal(fds[0] ?? "", "/dev/null");
  assert.ok(fs.readlinkSync(`/proc/${s.pid}/fd/1`).endsWith(".hr/server.log"));
  assert.ok(fs.readlinkSync(`/proc/${s.pid}/fd/2`).endsWith(".hr/server.log"));
});

// Found with on-demand builds, which restart esbuild while serving: the child inherited the
// HTTP and control sockets, so a server killed with its esbuild stopped left a socket nobody
// answered, and the next call hung.
test("an esbuild started while the server serves holds none of its sockets", { timeout: 60_000 }, async () => {
  const app = newApp();
  const s = await started(app);
  kill(s.esbuild_pid, "SIGKILL");  // the server starts another, listening all along
  let pid = 0;
  for (let i = 0; i < 100 && !(pid > 0 && pid !== s.esbuild_pid); ++i) {
    await sleep(50);
    pid = status(app).esbuild_pid;
  }
  assert.ok(pid > 0 && pid !== s.esbuild_pid, `a new esbuild: ${pid}`);
  const fds = fs.readdirSync(`/proc/${pid}/fd`).map((fd) => {
    try { return fs.readlinkSync(`/proc/${pid}/fd/${fd}`); } catch { return ""; }
  });
  assert.deepEqual(fds.filter((l) => l.startsWith("socket:")), [], `esbuild's descriptors: ${fds}`);
});

test("12 first calls at once start one server, and every call gets its answer", { timeout: 180_000 }, async () => {
  const app = newApp();
  const results = await Promise.all(Array.from({ length: 12 }, () => call(app)));
  results.forEach((r) => answered(r, EXIT.applied));
  assert.equal(serverPids(app).length, 1, "one server for the app");
  const log = fs.readFileSync(path.join(app, ".hr/server.log"), "utf8");
  assert.equal((log.match(/serving \d+ modules at/g) || []).length, 1, log);
  assert.equal(results.filter((r) => /serving http/.test(r.stderr)).length, 1);
});

test("a second `serve` for the same app stops before building, saying who serves", { timeout: 60_000 }, async () => {
  const app = newApp();
  await started(app);
  let out = "";
  const second = spawn(binary, ["serve", "--manifest", manifestOf(app), "--port", "0"], { stdio: ["ignore", "pipe", "pipe"] });
  second.stderr.on("data", (d) => (out += d));
  second.stdout.on("data", (d) => (out += d));
  const code = await new Promise((r) => second.on("exit", r));
  assert.equal(code, 1);
  assert.match(out, /another hr-orchestrate already serves this app/);
  assert.doesNotMatch(out, /built \d+ modules/);
});

test("a truncated manifest: exit 2 naming it, the last good build served, the next good call applies", { timeout: 120_000 }, async () => {
  const app = newApp();
  await started(app);
  const before = await served(app);
  const edit = applyEdit(app, "component-text", { target: "comp_1" });
  const good = fs.readFileSync(manifestOf(app), "utf8");
  fs.writeFileSync(manifestOf(app), good.slice(0, Math.floor(good.length / 2)));
  const bad = answered(await call(app), EXIT.badManifest);
  assert.equal(bad.error, "manifest");
  assert.match(bad.reason, /manifest\.json/);
  assert.equal(await served(app), before, "the last good module is still served");
  fs.writeFileSync(manifestOf(app), good);
  const r = answered(await call(app), EXIT.applied);
  assert.equal(r.action, "js-update");
  assert.ok((await served(app)).includes(edit.text));
});

test("a manifest path that is a directory is a bad manifest saying so, first call or later", { timeout: 60_000 }, async () => {
  const app = newApp();
  const dir = path.join(app, "as-dir");
  fs.mkdirSync(path.join(dir, "manifest.json"), { recursive: true });
  const first = await call(dir);
  answered(first, EXIT.badManifest);
  assert.match(first.stderr, /is a directory/);
  assert.deepEqual(serverPids(dir), []);
  await started(app);
  fs.renameSync(manifestOf(app), manifestOf(app) + ".saved");
  fs.mkdirSync(manifestOf(app));
  const later = await call(app);
  assert.match(answered(later, EXIT.badManifest).reason, /is a directory/);
  fs.rmdirSync(manifestOf(app));
  fs.renameSync(manifestOf(app) + ".saved", manifestOf(app));
  answered(await call(app), EXIT.applied);
});


test("10,000 frames that are not JSON add a few log lines, not 10,000", { timeout: 120_000 }, async () => {
  const app = newApp();
  const s = await started(app);
  const log = path.join(app, ".hr/server.log");
  const sizeBefore = fs.statSync(log).size;
  const socket = await openHmrSocket(s.url);
  const frame = textFrame("this is not json");
  for (let i = 0; i < 10_000; ++i) socket.write(frame);
  await new Promise((r) => socket.write(textFrame("still not json"), r));
  // The server has read them all once it answers a call made after them on the same loop.
  await sleep(500);
  answered(await call(app), EXIT.applied);
  socket.destroy();
  const grown = fs.statSync(log).size - sizeBefore;
  const text = fs.readFileSync(log, "utf8").slice(sizeBefore);
  assert.ok((text.match(/not a JSON object/g) || []).length >= 1, "the fault is logged");
  assert.ok(grown < 4096, `the log grew by ${grown} bytes`);
});

test("an npm package that is not installed, at cold start: the rest is served with the error; removing the import clears it", { timeout: 120_000 }, async () => {
  const app = newApp();
  const file = path.join(app, COMPONENT);
  fs.writeFileSync(file, 'import pad from "left-pad-not-installed";\n' + fs.readFileSync(file, "utf8"));
  const r = await call(app);
  const res = answered(r, EXIT.compileErrors);
  const error = res.errors.find((e) => e.file === COMPONENT);
  assert.ok(error, `the errors name ${COMPONENT}: ${JSON.stringify(res.errors)}`);
  assert.equal(error.line, 1);
  assert.equal(error.column, 16);  // the opening quote, as esbuild points
  assert.match(error.text, /"left-pad-not-installed".*not installed/);
  // The server serves: the page (with the error inlined for the overlay) and the other modules.
  const s = status(app);
  assert.equal(s.error_standing, true);
  const page = await fetch(new URL("/", s.url), { headers: { accept: "text/html" } }).then((x) => x.text());
  assert.match(page, /__hr_standing_error = .*left-pad-not-installed/);
  assert.ok((await served(app, "app_components/comp_3.jsx")).includes("Component 3"));
  // The compiler drops the import (or it gets installed): the next call applies and clears it.
  const edit = applyEdit(app, "component-text", { target: "comp_1" });
  const fixed = answered(await call(app), EXIT.applied);
  assert.deepEqual(fixed.errors, []);
  assert.equal(status(app).error_standing, false);
  assert.ok((await served(app)).includes(edit.text));
});

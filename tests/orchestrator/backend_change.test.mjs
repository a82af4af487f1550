// The manifest's `backend` may change between recompiles (the compiler restarted its backend on
// another port): the proxy follows it from the next call on. A URL the proxy cannot use is the
// compiler's error naming /backend, and the server keeps proxying to the last good backend.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFile, execFileSync, spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { binary, generateApp } from "../binary_under_test.mjs";

const app = fs.mkdtempSync(path.join(os.tmpdir(), "hr-backend-change-"));
const manifestPath = path.join(app, "manifest.json");
const backends = [];
let url;

// A real backend process answering every request with its name; resolves to its URL.
function startBackend(name) {
  const child = spawn(process.execPath, ["-e", `
    require("http").createServer((q, s) => s.end(${JSON.stringify(name)}))
      .listen(0, "127.0.0.1", function () { console.log(this.address().port); });`], { stdio: ["ignore", "pipe", "inherit"] });
  backends.push(child);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`backend ${name} did not start`)), 10_000);
    child.stdout.once("data", (d) => (clearTimeout(timer), resolve(`http://127.0.0.1:${String(d).trim()}`)));
  });
}

function call() {
  return new Promise((resolve) => {
    execFile(binary, ["--manifest", manifestPath, "--port", "0", "--log-level", "warn"], { timeout: 120_000 },
      (err, stdout, stderr) => {
        const line = stdout.trim().split("\n").pop();
        resolve({ code: err ? err.code : 0, result: line ? JSON.parse(line) : null, stderr });
      });
  });
}

function setBackend(backend) {
  const m = JSON.parse(fs.readFileSync(manifestPath, "utf8"));
  m.backend = backend;
  m.changed = [];
  fs.writeFileSync(manifestPath + ".tmp", JSON.stringify(m));
  fs.renameSync(manifestPath + ".tmp", manifestPath);
}

const ping = () => fetch(new URL("/ping", url), { signal: AbortSignal.timeout(10_000) }).then((r) => r.text());

before(() => generateApp(app, { components: 50, seed: 3 }));

after(() => {
  try { execFileSync(binary, ["stop", "--manifest", manifestPath]); } catch {}
  for (const b of backends) b.kill();
  fs.rmSync(app, { recursive: true, force: true });
});

test("the proxy follows the manifest's backend when a recompile changes it", async () => {
  const first = await startBackend("first backend");
  setBackend(first);
  assert.equal((await call()).code, 0);
  url = JSON.parse(execFileSync(binary, ["status", "--manifest", manifestPath], { encoding: "utf8" })).url;
  assert.equal(await ping(), "first backend");

  const second = await startBackend("second backend");
  setBackend(second);
  const r = await call();
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.result.action, "none", "a moved backend is no browser update");
  assert.equal(await ping(), "second backend");
});

test("a backend URL the proxy cannot use names /backend, and the last good backend stays", async () => {
  setBackend("https://127.0.0.1:1");
  const r = await call();
  assert.equal(r.code, 2, JSON.stringify(r.result));
  assert.equal(r.result.error, "manifest");
  assert.match(r.result.reason, /^\/backend: .*https:\/\/127\.0\.0\.1:1/);
  assert.equal(await ping(), "second backend");
});

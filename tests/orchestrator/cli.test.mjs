// The compiler's view of hr-orchestrate (issue 5): the real binary, driven on a generated app the
// way the compiler drives it (write files, rewrite the manifest, run `hr-orchestrate --manifest`).
// A "browser" is simulated by fetching the page's modules, so the server knows they are loaded.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFile, execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { binary, generateApp, applyEdit } from "../binary_under_test.mjs";

const app = fs.mkdtempSync(path.join(os.tmpdir(), "hr-cli-"));
const manifestPath = path.join(app, "manifest.json");
let url;

// One compiler call: resolves to {code, result (the JSON line), stderr}.
function call(...args) {
  return new Promise((resolve) => {
    execFile(binary, ["--manifest", manifestPath, "--port", "0", "--log-level", "warn", ...args],
      { timeout: 120_000 }, (err, stdout, stderr) => {
        const line = stdout.trim().split("\n").pop();
        resolve({ code: err ? err.code : 0, result: line ? JSON.parse(line) : null, stderr });
      });
  });
}
const status = () => JSON.parse(execFileSync(binary, ["status", "--manifest", manifestPath], { encoding: "utf8" }));
// Browsers send Accept: text/html on navigations; that is what makes "/" the HTML shell.
const get = (p) =>
  fetch(new URL(p, url), { headers: { accept: "text/html,*/*" } }).then(async (r) => ({ status: r.status, text: await r.text() }));

// What a browser does on load: fetch every module of the app.
async function loadEverything() {
  const manifest = JSON.parse(fs.readFileSync(manifestPath, "utf8"));
  for (const m of manifest.modules) await get("/" + m.id);
}

before(async () => {
  generateApp(app, { components: 200, seed: 7 });
});

after(() => {
  try { execFileSync(binary, ["stop", "--manifest", manifestPath]); } catch {}
  fs.rmSync(app, { recursive: true, force: true });
});

test("an esbuild that cannot start: the call fails with its reason, said once, and no server stays", async () => {
  // Answers the handshake with another version, then idles (esbuild's own refusal is faster).
  const fake = path.join(app, "fake-esbuild");
  fs.writeFileSync(fake, "#!/bin/sh\nprintf '\\005\\000\\000\\0009.9.9'\nsleep 30\n", { mode: 0o755 });
  const r = await call("--esbuild", fake);
  fs.rmSync(fake);
  assert.equal(r.code, 3, r.stderr);
  assert.equal(r.result.error, "server");
  assert.match(r.result.reason, /is version 9\.9\.9 but hr-orchestrate speaks the protocol of esbuild/);
  const log = fs.readFileSync(path.join(app, ".hr/server.log"), "utf8");
  assert.equal(log.match(/is version 9\.9\.9/g).length, 1, log);
  assert.doesNotMatch(log, /building again|cold start failed/, log);
  assert.throws(() => status(), "no server runs");
});

test("the first call starts the server, says where, and reports nothing to do", async () => {
  const r = await call();
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /serving http:\/\/127\.0\.0\.1:\d+\//);
  assert.equal(r.result.action, "none");
  url = status().url;
  const page = await get("/");
  assert.equal(page.status, 200);
  assert.match(page.text, /<script type="module" src="\/@hr\/client\.js\?v=[0-9a-f]{16}">/);
  await loadEverything();
});

test("a component edit is a js-update of that component", async () => {
  applyEdit(app, "component-text", { target: "comp_1" });
  const r = await call();
  assert.equal(r.code, 0);
  assert.equal(r.result.action, "js-update", r.result.reason);
  assert.deepEqual(r.result.boundaries, ["app_components/comp_1.jsx"]);
  assert.ok(r.result.rebuilt.includes("app_components/comp_1.jsx"));
  assert.match((await get("/app_components/comp_1.jsx")).text, /Component 1 \(edit 1\)/);
});

test("a CSS edit is a css update, with no esbuild build", async () => {
  const builds = status().counters.esbuild_module_builds;
  const edit = applyEdit(app, "css", {});
  const r = await call();
  assert.equal(r.result.action, "css");
  assert.deepEqual(r.result.boundaries, ["styles/global.css"]);
  assert.equal(status().counters.esbuild_module_builds, builds);
  assert.ok((await get("/styles/global.css")).text.includes(edit.color));
});

for (const kind of ["identical", "backend-only"]) {
  test(`an ${kind} recompile is none, with no esbuild build`, async () => {
    const builds = status().counters.esbuild_module_builds;
    applyEdit(app, kind, {});
    const r = await call();
    assert.equal(r.code, 0);
    assert.equal(r.result.action, "none", r.result.reason);
    assert.deepEqual(r.result.rebuilt, []);
    assert.equal(status().counters.esbuild_module_builds, builds);
  });
}

test("an edit of the module every page imports is a full reload naming it", async () => {
  applyEdit(app, "state", {});
  const r = await call();
  assert.equal(r.result.action, "full-reload");
  assert.match(r.result.reason, /utils\/state\.js reached entry app\/entry\.client\.jsx/);
});

test("a syntax error exits 1 with file:line:column, keeps the last good module, then recovers", async () => {
  const before = (await get("/app_components/comp_4.jsx")).text;
  const edit = applyEdit(app, "syntax-error", { target: "comp_4" });
  const r = await call();
  assert.equal(r.code, 1);
  assert.equal(r.result.errors.length, 1);
  const e = r.result.errors[0];
  assert.equal(e.file, edit.error.file);
  assert.equal(e.line, edit.error.line);
  assert.ok(e.column >= 0 && e.text.length > 0);
  assert.equal((await get("/app_components/comp_4.jsx")).text, before, "the last good module keeps serving");
  assert.match((await get("/")).text, /window\.__hr_standing_error = /);
  applyEdit(app, "fix-syntax", {});
  const fixed = await call();
  assert.equal(fixed.code, 0);
  assert.deepEqual(fixed.result.errors, []);
  assert.doesNotMatch((await get("/")).text, /__hr_standing_error/);
  assert.notEqual((await get("/app_components/comp_4.jsx")).text, before);
});

test("a bad manifest exits 2 naming the field, and the server keeps serving", async () => {
  const good = fs.readFileSync(manifestPath, "utf8");
  const bad = JSON.parse(good);
  bad.modules[3].id = bad.modules[2].id;
  fs.writeFileSync(manifestPath, JSON.stringify(bad));
  const r = await call();
  fs.writeFileSync(manifestPath, good);
  assert.equal(r.code, 2);
  assert.match(r.result.reason, /\/modules\/3\/id: duplicate id/);
  assert.equal((await get("/app_components/comp_1.jsx")).status, 200);
  assert.equal((await call()).code, 0);
});

// A compiler that recompiles as fast as it can: rewrite one component's label, then the manifest
// with the new hash, a new build id and the `changed` hint (the simulator is too slow for 20 in
// 200 ms on a loaded machine, so the burst writes directly, and in place: a reader may catch the
// manifest half-written, as with a real compiler that does not write by rename).
function fastEdit(manifest, id, label) {
  const file = path.join(app, id);
  const source = fs.readFileSync(file, "utf8").replace(/const LABEL = "[^"]*";/, `const LABEL = "${label}";`);
  fs.writeFileSync(file, source);
  manifest.modules.find((m) => m.id === id).hash = createHash("sha1").update(source).digest("hex").slice(0, 16);
  manifest.build = String(Number(manifest.build) + 1);
  manifest.changed = [id];
  fs.writeFileSync(manifestPath, JSON.stringify(manifest));
}

test("20 recompiles in 200 ms: every call answered, no change lost, the last manifest served", async (t) => {
  // Three components edited in turn: when queued calls merge, or a call reads a manifest the
  // compiler already replaced, each component's last change must still be served.
  const manifest = JSON.parse(fs.readFileSync(manifestPath, "utf8"));
  const ids = ["app_components/comp_7.jsx", "app_components/comp_9.jsx", "app_components/comp_10.jsx"];
  const last = {};
  const calls = [];
  const t0 = Date.now();
  for (let i = 0; i < 20; i++) {
    const id = ids[i % ids.length];
    last[id] = `burst ${i}`;
    fastEdit(manifest, id, last[id]);
    calls.push(call());
    await new Promise((r) => setTimeout(r, 5));
  }
  const issued = Date.now() - t0;
  const results = await Promise.all(calls);
  for (const r of results) assert.equal(r.code, 0, JSON.stringify(r.result));
  for (const [id, label] of Object.entries(last)) {
    assert.ok((await get("/" + id)).text.includes(`"${label}"`), `${id} serves its last edit (${label})`);
  }
  const merged = results.filter((r) => r.result.merged > 1).length;
  // How fast the burst is issued depends on the machine's load; correctness above must not.
  t.diagnostic(`issued in ${issued} ms; ${merged} calls answered by merged runs`);
});

test("calls that arrive while a recompile is in flight queue, merge, and all get the answer", async (t) => {
  const manifest = JSON.parse(fs.readFileSync(manifestPath, "utf8"));
  fastEdit(manifest, "app_components/comp_12.jsx", "queued");
  const results = await Promise.all(Array.from({ length: 10 }, () => call()));
  for (const r of results) {
    assert.equal(r.code, 0);
    assert.equal(r.result.build, manifest.build, "every caller is answered for the latest manifest");
  }
  assert.equal(results.filter((r) => r.result.action === "js-update").length >= 1, true);
  // Whether calls overlap depends on timing; the merge rule itself is unit-tested (burst_test.cc).
  t.diagnostic(`largest merged run: ${Math.max(...results.map((r) => r.result.merged))} calls`);
});

test("kill -9 of the esbuild child: the next call still succeeds", async () => {
  const pid = status().esbuild_pid;
  process.kill(pid, "SIGKILL");
  await new Promise((r) => setTimeout(r, 200));
  applyEdit(app, "component-text", { target: "comp_1" });
  const r = await call();
  assert.equal(r.code, 0, JSON.stringify(r.result));
  assert.equal(r.result.action, "js-update");
  const s = status();
  assert.notEqual(s.esbuild_pid, pid);
  assert.ok(s.counters.esbuild_restarts >= 1);
});

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

test("a manifest written before the call is read ahead, and the call uses that read", async () => {
  const manifest = JSON.parse(fs.readFileSync(manifestPath, "utf8"));
  // The compiler writes, then starts its call; a loaded machine may delay the read ahead past the
  // call, so a few rounds with longer pauses are allowed.
  let r;
  for (let round = 1; round <= 5; round++) {
    fastEdit(manifest, "app_components/comp_13.jsx", `ahead ${round}`);
    await sleep(100 * round);
    r = await call();
    assert.equal(r.code, 0, JSON.stringify(r.result));
    assert.equal(r.result.build, manifest.build);
    if (r.result.timings.read_ahead !== undefined) break;
  }
  assert.ok(r.result.timings.read_ahead >= 0, `never read ahead: ${JSON.stringify(r.result.timings)}`);
  assert.equal(r.result.timings.read, 0, "the call read the manifest again");
  assert.ok(status().counters.manifests_read_ahead >= 1);
  // The edited component was built ahead too: the call found it built.
  assert.ok(status().counters.modules_built_ahead >= 1, JSON.stringify(status().counters));
  assert.match((await get("/app_components/comp_13.jsx")).text, /ahead \d/);
});

test("a manifest rewritten after its read ahead (still open, not closed) is read again by the call", async () => {
  const manifest = JSON.parse(fs.readFileSync(manifestPath, "utf8"));
  const id = "app_components/comp_16.jsx";
  fastEdit(manifest, id, "first write");
  await sleep(300);  // read ahead, most likely
  // The next recompile's manifest, written in place through a descriptor that stays open during
  // the call: no complete-write event, so only the change itself can tell the read ahead is stale.
  const file = path.join(app, id);
  const source = fs.readFileSync(file, "utf8").replace(/const LABEL = "[^"]*";/, `const LABEL = "second write";`);
  fs.writeFileSync(file, source);
  manifest.modules.find((m) => m.id === id).hash = createHash("sha1").update(source).digest("hex").slice(0, 16);
  manifest.build = String(Number(manifest.build) + 1);
  manifest.changed = [id];
  const fd = fs.openSync(manifestPath, "r+");
  try {
    fs.ftruncateSync(fd, 0);
    fs.writeSync(fd, JSON.stringify(manifest), 0);
    const r = await call();
    assert.equal(r.code, 0, JSON.stringify(r.result));
    assert.equal(r.result.build, manifest.build, "the call ran the manifest read ahead before the rewrite");
    assert.equal(r.result.timings.read_ahead, undefined);
  } finally {
    fs.closeSync(fd);
  }
  assert.match((await get("/" + id)).text, /second write/);
});

// The spec: an absent hash means the orchestrator hashes the file itself. A switch of modes with
// nothing changed on disk must compare bytes with what was built, not hash strings of two kinds.
test("switching from compiler hashes to none and back, nothing changed on disk: none, nothing rebuilt", async () => {
  const manifest = JSON.parse(fs.readFileSync(manifestPath, "utf8"));
  const builds = status().counters.esbuild_module_builds;
  const hashed = manifest.modules.filter((m) => m.hash !== undefined).length;
  assert.ok(hashed > 100, `the fixture's manifest has compiler hashes (${hashed})`);
  for (const m of manifest.modules) delete m.hash;
  delete manifest.changed;
  manifest.build = String(Number(manifest.build) + 1);
  fs.writeFileSync(manifestPath, JSON.stringify(manifest));
  let r = await call();
  assert.equal(r.code, 0, JSON.stringify(r.result));
  assert.equal(r.result.action, "none", r.result.reason);
  assert.deepEqual(r.result.changed, []);
  assert.deepEqual(r.result.rebuilt, []);

  // Without hashes an edit is still seen, from the bytes, and only that module is rebuilt.
  const id = "app_components/comp_21.jsx";
  const file = path.join(app, id);
  fs.writeFileSync(file, fs.readFileSync(file, "utf8").replace(/const LABEL = "[^"]*";/, `const LABEL = "hashed by us";`));
  manifest.build = String(Number(manifest.build) + 1);
  fs.writeFileSync(manifestPath, JSON.stringify(manifest));
  r = await call();
  assert.equal(r.result.action, "js-update", r.result.reason);
  assert.deepEqual(r.result.changed, [id]);
  assert.deepEqual(r.result.rebuilt, [id]);
  assert.match((await get("/" + id)).text, /hashed by us/);

  // Back to compiler hashes (new strings for every module): the bytes decide again.
  for (const m of manifest.modules) {
    m.hash = createHash("sha1").update(fs.readFileSync(path.join(app, m.id))).digest("hex").slice(0, 16);
  }
  manifest.build = String(Number(manifest.build) + 1);
  fs.writeFileSync(manifestPath, JSON.stringify(manifest));
  r = await call();
  assert.equal(r.result.action, "none", r.result.reason);
  assert.deepEqual(r.result.changed, []);
  assert.deepEqual(r.result.rebuilt, []);
  assert.equal(status().counters.esbuild_module_builds, builds + 1, "only the edit was built");
});

// docs/control-protocol.md: one JSON line each way on .hr/control.sock, versioned by "protocol".
function control(request) {
  return new Promise((resolve, reject) => {
    const socket = net.createConnection(path.join(app, ".hr", "control.sock"));
    let data = "";
    socket.setTimeout(30_000, () => socket.destroy(new Error("no answer in 30 s")));
    socket.on("connect", () => socket.write(JSON.stringify(request) + "\n"));
    socket.on("data", (d) => (data += d));
    socket.on("end", () => resolve(JSON.parse(data.trim())));
    socket.on("error", reject);
  });
}

test("a request of a protocol version the server does not speak gets an error naming both", async () => {
  for (const version of [2, 0, "1"]) {
    const r = await control({ cmd: "recompile", protocol: version, manifest: manifestPath });
    assert.equal(r.error, "protocol", JSON.stringify(r));
    assert.equal(r.action, "error");
    assert.equal(r.protocol, 1);
    assert.match(r.reason, new RegExp(`speaks version 1, the request version ${JSON.stringify(version)}`));
  }
  // Without the field a request is version 1; status and stop are answered at any version.
  const plain = await control({ cmd: "recompile", manifest: manifestPath });
  assert.equal(plain.error, undefined, JSON.stringify(plain));
  assert.equal(typeof plain.action, "string");
  const s = await control({ cmd: "status", protocol: 9 });
  assert.equal(s.protocol, 1);
  assert.equal(s.url, url);
});

// With --build-all the cold start builds the broken module and the first call reports it; by
// default the first call answers once the entries are built, and the broken module's error comes
// when the background build reaches it: from then on, every call reports it until it is fixed.
for (const buildAll of [true, false]) {
  test(`a module broken at cold start is an error in every call until it is fixed (${buildAll ? "--build-all" : "on demand"})`, async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hr-cli-broken-"));
    const manifestFile = path.join(dir, "manifest.json");
    const flags = buildAll ? ["--build-all"] : [];
    const callOn = () => new Promise((resolve) => {
      execFile(binary, ["--manifest", manifestFile, "--port", "0", "--log-level", "warn", ...flags], { timeout: 120_000 },
        (err, stdout, stderr) => resolve({ code: err ? err.code : 0, result: JSON.parse(stdout.trim().split("\n").pop()), stderr }));
    });
    try {
      generateApp(dir, { components: 60, seed: 3 });
      const manifest = JSON.parse(fs.readFileSync(manifestFile, "utf8"));
      const broken = manifest.modules.find((m) => m.kind === "component").id;
      const good = fs.readFileSync(path.join(dir, broken), "utf8");
      fs.writeFileSync(path.join(dir, broken), good + "\nexport const oops = (;\n");
      const first = await callOn();
      if (!buildAll) {
        assert.equal(first.code, 0, JSON.stringify(first.result));  // the entries built
        await waitForStatus(manifestFile, (s) => s.unbuilt === 0);
      }
      for (const which of buildAll ? ["the first call (cold start)", "a later call that changed nothing"] : ["a later call that changed nothing", "another"]) {
        const r = buildAll && which.startsWith("the first") ? first : await callOn();
        assert.equal(r.code, 1, `${which}: ${JSON.stringify(r.result)}`);
        assert.equal(r.result.errors[0]?.file, broken, `${which}: ${JSON.stringify(r.result.errors)}`);
      }
      fs.writeFileSync(path.join(dir, broken), good);
      manifest.changed = [broken];
      fs.writeFileSync(manifestFile, JSON.stringify(manifest));
      const fixed = await callOn();
      assert.equal(fixed.code, 0, JSON.stringify(fixed.result));
      assert.deepEqual(fixed.result.errors, []);
    } finally {
      try { execFileSync(binary, ["stop", "--manifest", manifestFile]); } catch {}
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
}

// Polls `hr-orchestrate status` (bounded: 10 s) until `ok(status)`.
async function waitForStatus(manifestFile, ok) {
  let last = null;
  for (let i = 0; i < 100; ++i) {
    try {
      last = JSON.parse(execFileSync(binary, ["status", "--manifest", manifestFile], { encoding: "utf8" }));
      if (ok(last)) return last;
    } catch {}
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.fail(`status never got there: ${JSON.stringify(last)}`);
}

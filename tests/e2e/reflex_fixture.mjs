// The Reflex-shaped fixture (bench/reflexapp) for the Chromium tests: its `.web/` in a temporary
// folder, its real socket.io backend (bench/reflexapp/backend.py under Debian's Python), and the
// compiler's part: edit a file, rewrite the manifest with the `changed` hint, call
// `hr-orchestrate --manifest M --port P`.
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { runOrchestrator } from "../../bench/appgen/simulate.mjs";
import { BACKEND_PY, generateReflexApp } from "../../bench/reflexapp/generate.mjs";
import { closeBrowser, freePort, launchBrowser, serverLogTail, waitUntil } from "./harness.mjs";

// Debian's Python has python3-socketio and python3-uvicorn; a python3 earlier on PATH may not.
const PYTHON = fs.existsSync("/usr/bin/python3") ? "/usr/bin/python3" : "python3";

export class Backend {
  // `port`: listen there (a restarted backend comes back on its port); else a free one.
  static async start({ port } = {}) {
    const b = new Backend();
    b.port = port ?? (await freePort());
    b.output = "";
    b.child = spawn(PYTHON, [BACKEND_PY, "--port", String(b.port)], { stdio: ["ignore", "pipe", "pipe"] });
    b.child.stdout.on("data", (d) => (b.output += d));
    b.child.stderr.on("data", (d) => (b.output += d));
    b.exited = new Promise((resolve) => b.child.on("exit", resolve));
    await waitUntil(() => b.output.includes("listening on") || b.child.exitCode !== null, "the backend to listen", 15000);
    if (!b.output.includes("listening on")) throw new Error(`the backend did not start:\n${b.output}`);
    return b;
  }

  get url() {
    return `http://127.0.0.1:${this.port}`;
  }

  async stop() {
    if (this.child.exitCode === null) this.child.kill("SIGTERM");
    await Promise.race([this.exited, new Promise((r) => setTimeout(r, 5000))]);
  }
}

export class ReflexApp {
  // `tailwind`: the app uses Tailwind v4 through PostCSS, laid out as Reflex's plugin does.
  constructor({ binary, port, backend, memos = 32, tailwind = false }) {
    this.binary = binary;
    this.port = port;
    this.dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "hr-e2e-reflex-")), ".web");
    const { manifest } = generateReflexApp(this.dir, { memos, backend, tailwind });
    this.manifest = manifest;
    this.calls = [];
  }

  file(id) {
    return path.join(this.dir, id);
  }

  read(id) {
    return fs.readFileSync(this.file(id), "utf8");
  }

  // Writes module `id` (a new one gets `module`, its manifest entry), rewrites the manifest with
  // `changed: [id]` and calls; `waitApplied` waits until the pages applied it.
  async write(id, text, { module, waitApplied = 5000 } = {}) {
    fs.mkdirSync(path.dirname(this.file(id)), { recursive: true });
    fs.writeFileSync(this.file(id), text);
    if (module) this.manifest.add({ id, ...module });
    this.manifest.build++;
    this.manifest.write([id]);
    return this.recompile(waitApplied ? [`--wait-applied=${waitApplied}`] : []);
  }

  // Replaces `from` (which must occur) by `to` in module `id`, then as write().
  async edit(id, from, to, options) {
    const before = this.read(id);
    if (!before.includes(from)) throw new Error(`${id} does not contain ${JSON.stringify(from)}`);
    return this.write(id, before.replace(from, to), options);
  }

  async recompile(args = []) {
    const out = await runOrchestrator(this.binary, this.dir, { args: ["--port", String(this.port), ...args], capture: true });
    this.calls.push(out);
    if (!out.result) {
      throw new Error(`hr-orchestrate printed no JSON (exit ${out.code}):\nstdout: ${out.stdout}\nstderr: ${out.stderr}\n${this.logTail()}`);
    }
    return { ...out.result, code: out.code };
  }

  stop() {
    return new Promise((resolve) => {
      const child = spawn(this.binary, ["stop", "--manifest", path.join(this.dir, "manifest.json")], { stdio: "ignore" });
      const timer = setTimeout(() => child.kill("SIGKILL"), 30000);
      child.on("exit", () => resolve(clearTimeout(timer)));
    });
  }

  logTail(lines = 30) {
    return serverLogTail(this.dir, lines);
  }

  remove() {
    fs.rmSync(path.dirname(this.dir), { recursive: true, force: true });
  }
}

// What a Reflex suite runs on: the backend, the app served after the compiler's first call (which
// must succeed), and a browser. stop() ends all three, also after a failed start.
export class ReflexSuite {
  static async start({ binary, memos, tailwind } = {}) {
    const s = new ReflexSuite();
    try {
      s.backend = await Backend.start();
      s.app = new ReflexApp({ binary, port: await freePort(), backend: s.backend.url, memos, tailwind });
      const first = await s.app.recompile();
      if (first.code !== 0) throw new Error(`first call: ${JSON.stringify(first)}\n${s.app.logTail()}`);
      s.url = `http://127.0.0.1:${s.app.port}`;
      s.browser = await launchBrowser();
      return s;
    } catch (err) {
      await s.stop();
      throw err;
    }
  }

  async stop() {
    if (this.browser) await closeBrowser(this.browser).catch(() => {});
    if (this.app) {
      await this.app.stop();
      this.app.remove();
    }
    if (this.backend) await this.backend.stop();
  }
}

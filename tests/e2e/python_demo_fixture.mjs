// The Python demo (examples/python-framework) for the Chromium test: a copy of its app in a temporary
// folder, its dev command (dev.py under Debian's Python) serving it through this tree's
// hr-orchestrate on a free port, and edits of the app's Python files as a person saves them. The
// dev command prints one line per build (`[pyfw] build N: ...`); edit() waits for the next one.
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { NPM_DIR } from "../client/react_deps.mjs";
import { REPO_DIR, freePort, serverLogTail, waitUntil } from "./harness.mjs";

const PYTHON = fs.existsSync("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
export const EXAMPLE_DIR = path.join(REPO_DIR, "examples", "python-framework");

export class PythonDemo {
  static async start({ binary, interval = 0.05, waitApplied }) {
    const d = new PythonDemo();
    d.binary = binary;
    d.root = fs.mkdtempSync(path.join(os.tmpdir(), "hr-e2e-pydemo-"));
    d.app = path.join(d.root, "app");
    d.web = path.join(d.root, ".web");
    fs.cpSync(path.join(EXAMPLE_DIR, "app"), d.app, { recursive: true, filter: (f) => !f.includes("__pycache__") });
    d.port = await freePort();
    d.output = "";
    d.child = spawn(PYTHON, [path.join(EXAMPLE_DIR, "dev.py"), "--app", d.app, "--web", d.web, "--port", String(d.port),
      "--hr-orchestrate", binary, "--node-modules", path.join(NPM_DIR, "node_modules"), "--interval", String(interval), ...(waitApplied ? ["--wait-applied", String(waitApplied)] : [])],
    { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, PYTHONDONTWRITEBYTECODE: "1" } });
    d.child.stdout.on("data", (data) => (d.output += data));
    d.child.stderr.on("data", (data) => (d.output += data));
    d.exited = new Promise((resolve) => d.child.on("exit", resolve));
    try {
      await waitUntil(() => d.output.includes("[pyfw] serving ") || d.child.exitCode !== null, "the demo to serve", 60000);
      if (d.child.exitCode !== null) throw new Error(`the demo's dev command exited ${d.child.exitCode}`);
    } catch (err) {
      await d.stop();
      d.remove();
      throw new Error(`${err.message}\n${d.output}`);
    }
    return d;
  }

  get url() {
    return `http://127.0.0.1:${this.port}`;
  }

  // Every `[pyfw] build N: ...` line so far, parsed.
  builds() {
    return [...this.output.matchAll(/^\[pyfw\] build (\d+): (.*)$/gm)].map((m) => ({
      n: Number(m[1]),
      line: m[2],
      compiled: /; compiled ([^;]*);/.exec(m[2])?.[1],
      written: /; written ([^;]*);/.exec(m[2])?.[1],
      backend: /; backend (\w+);/.exec(m[2])?.[1],
      action: /; hr-orchestrate: (\S+)/.exec(m[2])?.[1],
    }));
  }

  file(rel) {
    return path.join(this.app, rel);
  }

  // Replaces `from` (which must occur) by `to` in the app's file `rel`, as an editor saves it, and
  // waits for what the dev command printed next: the build line, or an import failure.
  async edit(rel, from, to) {
    const before = fs.readFileSync(this.file(rel), "utf8");
    if (!before.includes(from)) throw new Error(`${rel} does not contain ${JSON.stringify(from)}`);
    const builds = this.builds().length;
    const failures = this.failures();
    fs.writeFileSync(this.file(rel), before.replace(from, to));
    await waitUntil(() => this.builds().length > builds || this.failures() > failures || this.child.exitCode !== null,
      `the demo to rebuild after ${rel} changed\n${this.output}`, 20000);
    return this.builds().length > builds ? this.builds().at(-1) : { failed: true };
  }

  failures() {
    return (this.output.match(/^\[pyfw\] .*: the app failed to import or compile/gm) ?? []).length;
  }

  describe() {
    return `dev.py output:\n${this.output.split("\n").slice(-30).join("\n")}\n${serverLogTail(this.web, 20)}`;
  }

  // SIGTERM lets dev.py stop its backend and hr-orchestrate; a dev.py that does not exit in time is
  // killed, and the server stopped through the CLI.
  async stop() {
    if (this.child && this.child.exitCode === null && this.child.signalCode === null) {
      this.child.kill("SIGTERM");
      const done = await Promise.race([this.exited.then(() => true), new Promise((r) => setTimeout(() => r(false), 20000))]);
      if (!done) this.child.kill("SIGKILL");
    }
    if (fs.existsSync(path.join(this.web, "manifest.json"))) {
      spawnSync(this.binary, ["stop", "--manifest", path.join(this.web, "manifest.json")], { stdio: "ignore", timeout: 30000 });
    }
  }

  remove() {
    fs.rmSync(this.root, { recursive: true, force: true });
  }
}

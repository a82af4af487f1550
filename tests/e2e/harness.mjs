// Harness for the end-to-end tests: a generated app served by the real hr-orchestrate binary,
// recompiles done as the framework's compiler does them (bench/appgen's applyEdit, then the binary
// on the manifest), and pages in headless Chromium (tests/client/browser.mjs launches it).
import { execFile } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { generateApp } from "../../bench/appgen/generate.mjs";
import { applyEdit, runOrchestrator } from "../../bench/appgen/simulate.mjs";

import { closeBrowser, launchInMemoryBrowser } from "../client/browser.mjs";

export { closeBrowser, launchBrowser, launchInMemoryBrowser } from "../client/browser.mjs";

export const REPO_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");

// The binary under test: $HR_ORCHESTRATE (CTest sets it to the build tree's target), else the
// usual build folders.
export function findBinary() {
  const candidates = [
    process.env.HR_ORCHESTRATE,
    path.join(REPO_DIR, "build", "e2e", "orchestrator", "hr-orchestrate"),
    path.join(REPO_DIR, "build", "release", "orchestrator", "hr-orchestrate"),
  ].filter(Boolean);
  const found = candidates.find((file) => fs.existsSync(file));
  if (!found) throw new Error(`hr-orchestrate not found (set HR_ORCHESTRATE); looked at ${candidates.join(", ")}`);
  return path.resolve(found);
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// Polls `condition` (sync or async) until it returns a truthy value, which is returned.
export async function waitUntil(condition, what, timeoutMs = 10000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await condition();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(50);
  }
}

// A TCP port nobody listens on right now (for a server that must come back on the same port).
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function run(file, args, timeoutMs) {
  return new Promise((resolve) => {
    execFile(file, args, { encoding: "utf8", timeout: timeoutMs }, (error, stdout, stderr) =>
      resolve({ code: error ? (typeof error.code === "number" ? error.code : -1) : 0, stdout, stderr }));
  });
}

// The last `lines` lines of the server log of the app in `dir`, for a failure's message.
export function serverLogTail(dir, lines = 40) {
  try {
    const log = fs.readFileSync(path.join(dir, ".hr", "server.log"), "utf8").trim().split("\n");
    return `server.log (last ${lines} lines):\n${log.slice(-lines).join("\n")}`;
  } catch {
    return "(no server.log)";
  }
}

// One app in a temporary folder and the dev server the compiler's calls start for it.
export class App {
  constructor({ binary, components = 200, port, shape }) {
    this.binary = binary;
    this.port = port;
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), "hr-e2e-app-"));
    generateApp(this.dir, { components, shape });
    this.manifest = path.join(this.dir, "manifest.json");
    this.calls = []; // every compiler call: { edit, result, code, stderr }
  }

  // The compiler's call: `hr-orchestrate --manifest M --port P [args]`. Returns the parsed JSON line
  // with `code` (exit status) added; throws when the binary printed no JSON.
  async recompile(args = [], edit = null) {
    const out = await runOrchestrator(this.binary, this.dir, {
      args: ["--port", String(this.port), ...args],
      capture: true,
    });
    this.calls.push({ edit, ...out });
    if (!out.result) {
      throw new Error(`hr-orchestrate printed no JSON (exit ${out.code}, signal ${out.signal}):\n` +
        `stdout: ${out.stdout}\nstderr: ${out.stderr}\n${this.logTail()}`);
    }
    return { ...out.result, code: out.code };
  }

  // applyEdit as the compiler does, then its call; waits (bounded) until every connected page
  // applied the update when waitApplied is set. Returns { edit, result }.
  async edit(kind, { target, waitApplied = 5000, args = [] } = {}) {
    const edit = applyEdit(this.dir, kind, { target });
    const extra = waitApplied ? [`--wait-applied=${waitApplied}`] : [];
    const result = await this.recompile([...extra, ...args], edit);
    return { edit, result };
  }

  async status() {
    const out = await run(this.binary, ["status", "--manifest", this.manifest], 15000);
    if (out.code !== 0) return null;
    try {
      return JSON.parse(out.stdout.trim().split("\n").pop());
    } catch {
      return null;
    }
  }

  async url() {
    const status = await waitUntil(() => this.status(), "hr-orchestrate status", 15000);
    return status.url.replace(/\/$/, "");
  }

  // Waits until the server counts exactly `n` connected HMR clients.
  async waitForClients(n, timeoutMs = 15000) {
    let last;
    await waitUntil(async () => {
      last = await this.status();
      return last && last.clients === n;
    }, `${n} connected HMR clients (last status: clients=${last?.clients})`, timeoutMs);
  }

  async stop() {
    return run(this.binary, ["stop", "--manifest", this.manifest], 30000);
  }

  logTail(lines = 40) {
    return serverLogTail(this.dir, lines);
  }

  remove() {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

// A tab of the app with what the test watches: console lines, page errors, every request URL and
// every main-frame load.
// Cold starts of `app` (an App or a ReflexApp; its state folder removed first), each with a fresh
// browser process that is up before the start, the page opened `delays[i]` ms after serving. The
// browser asks fast (its cache in memory), so the page meets what the start is building. Returns
// what went wrong in each round: `waitFor` never shown, a module loaded at two URLs, a page error.
export async function coldStartRounds(app, delays, waitFor) {
  const failures = [];
  for (const [round, delay] of delays.entries()) {
    const browser = await launchInMemoryBrowser();
    try {
      const tab = new Tab(await browser.context.newPage());
      fs.rmSync(path.join(app.dir, ".hr"), { recursive: true, force: true });
      const first = await app.recompile();
      if (first.code !== 0) throw new Error(`the cold start's call failed: ${JSON.stringify(first)}`);
      await sleep(delay);
      await tab.page.goto(`http://127.0.0.1:${app.port}/`);
      const shown = await tab.page.locator(waitFor).first().waitFor({ timeout: 15000 }).then(() => true, () => false);
      const twice = modulesAtTwoUrls(tab);
      const errors = tab.console.filter((l) => l.startsWith("pageerror"));
      if (!shown || twice.length || errors.length) {
        failures.push(`round ${round}, the page opened ${delay} ms after serving: ${shown ? "shown" : `${waitFor} never showed`}; ` +
          `${twice.length} modules loaded at two URLs (${twice.slice(0, 3).join("; ")}); errors: ${errors.slice(0, 2).join(" | ")}`);
      }
    } finally {
      await closeBrowser(browser);
      await app.stop();
    }
  }
  return failures;
}

// The modules `tab` fetched at more than one URL (one path, several queries), as "path at q1 and
// q2": a page that loads a module at two URLs runs two instances of it.
export function modulesAtTwoUrls(tab) {
  const urls = new Map();
  for (const u of tab.moduleRequests()) {
    const { pathname, search } = new URL(u);
    urls.set(pathname, new Set([...(urls.get(pathname) ?? []), search]));
  }
  return [...urls].filter(([, q]) => q.size > 1).map(([p, q]) => `${p} at ${[...q].map((x) => x || "(no query)").join(" and ")}`);
}

export class Tab {
  constructor(page) {
    this.page = page;
    this.console = [];
    this.requests = [];
    this.loads = 0;
    page.on("console", (m) => this.console.push(m.text()));
    page.on("pageerror", (e) => this.console.push(`pageerror: ${e.message}`));
    this.pending = new Set(); // requests not answered yet
    page.on("request", (r) => (this.requests.push(r.url()), this.pending.add(r)));
    page.on("requestfinished", (r) => this.pending.delete(r));
    page.on("requestfailed", (r) => this.pending.delete(r));
    page.on("load", () => this.loads++);
    page.on("response", (r) => {
      if (r.status() >= 400) this.console.push(`http ${r.status()} ${r.request().method()} ${r.url()}`);
    });
  }

  static async open(context, url, { marker = "kept", waitFor = '[data-testid="comp-0"]', initScript } = {}) {
    const tab = new Tab(await context.newPage());
    if (initScript) await tab.page.addInitScript(initScript);
    await tab.page.goto(url);
    if (waitFor) await tab.page.locator(waitFor).first().waitFor({ timeout: 20000 });
    if (marker) await tab.page.evaluate((m) => (window.__marker = m), marker);
    return tab;
  }

  text(testid) {
    return this.page.locator(`[data-testid="${testid}"]`).first().textContent({ timeout: 5000 });
  }

  // Waits until [data-testid=testid] reads `expected`; the failure says what it read last, and
  // `detail()` (e.g. a server's output).
  async waitText(testid, expected, { what = testid, timeoutMs = 8000, detail = () => "" } = {}) {
    let last;
    await waitUntil(async () => (last = await this.text(testid).catch(() => null)) === expected,
      `${what} to read ${JSON.stringify(expected)} (reads ${JSON.stringify(last)})${detail()}`, timeoutMs);
  }

  // From now on, counts the page's document requests (a reload or a navigation that left the
  // client) and records the URL of every WebSocket it opens.
  watchDocumentsAndSockets() {
    this.documents = 0;
    this.sockets = [];
    this.page.on("request", (r) => r.resourceType() === "document" && this.documents++);
    this.page.on("websocket", (ws) => this.sockets.push(ws.url()));
    return this;
  }

  marker() {
    return this.page.evaluate(() => window.__marker);
  }

  async clickCounter(times) {
    const before = Number(await this.text("counter-value"));
    for (let i = 0; i < times; i++) await this.page.click('[data-testid="counter-button"]');
    await waitUntil(async () => Number(await this.text("counter-value")) === before + times, "the counter to count");
    return before + times;
  }

  // Module requests (scripts and JSX/JS modules) among the requests from index `from` on.
  moduleRequests(from = 0) {
    return this.requests.slice(from).filter((u) => /\.(m?jsx?|tsx?)(\?|$)/.test(new URL(u).pathname + "?"));
  }

  overlayText() {
    return this.page.evaluate(() => {
      const overlay = document.querySelector("hr-error-overlay");
      if (!overlay) return null;
      return overlay.shadowRoot ? overlay.shadowRoot.textContent : "";
    });
  }

  describe() {
    const pending = [...this.pending].map((r) => r.url().replace(/^https?:\/\/[^/]+/, ""));
    return `page loads: ${this.loads}; requests not answered: ${JSON.stringify(pending)}; console:\n  ` +
      this.console.slice(-20).join("\n  ");
  }

  close() {
    return this.page.close();
  }
}

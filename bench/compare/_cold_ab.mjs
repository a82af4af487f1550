// Temporary probe (not committed): cold start → first render at SIZE (slice app), binaries A and B
// alternating, a fresh browser profile each (launched before the server starts, as startup.mjs).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { generateApp } from "../appgen/generate.mjs";
import { launch } from "./lib/browser.mjs";
import { nowMs, sleep, freePort, stopAll } from "./lib/procs.mjs";
import { clearCaches, STARTERS } from "./lib/startup-servers.mjs";
const size = Number(process.env.SIZE || 2000);
const bins = { A: process.env.A, B: process.env.B };
const work = fs.mkdtempSync(path.join(os.tmpdir(), "cab-"));
const app = path.join(work, "app");
generateApp(app, { components: size, seed: 1, shape: "slice" });
const manifest = JSON.parse(fs.readFileSync(path.join(app, "manifest.json"), "utf8"));
const page0 = manifest.modules.find((m) => m.route === "/");
const last = Number(/_(\d+)\.jsx$/.exec(page0.imports.at(-1))[1]);
const selector = `section[data-route="/"] [data-testid="comp-${last}"]`;
const ctx = { app, work, manifest: path.join(app, "manifest.json") };
const res = { A: [], B: [] };
for (let r = 0; r < Number(process.env.ROUNDS || 4); r++) {
  for (const k of ["A", "B"]) {
    clearCaches("hr", ctx);
    const b = await launch();
    const port = await freePort();
    const server = await STARTERS.hr(ctx, { bin: bins[k] }, port);
    await b.page.goto(`http://127.0.0.1:${port}/`, { waitUntil: "commit" });
    await b.page.waitForSelector(selector, { timeout: 60000 });
    const ms = nowMs() - server.t0;
    res[k].push(+ms.toFixed(0));
    console.log(k, r, "serving", server.servingMs.toFixed(0), "render", ms.toFixed(0));
    await b.close();
    await server.stop();
    await sleep(300);
  }
}
const med = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
for (const k of ["A", "B"]) console.log(k, bins[k], "median", med(res[k]), JSON.stringify(res[k]));
await stopAll();
fs.rmSync(work, { recursive: true, force: true });

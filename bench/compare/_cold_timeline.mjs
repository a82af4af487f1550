// Temporary probe: one cold start's timeline (server t0 = 0): serving, navigation, each resource's request/response, render.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { generateApp } from "../appgen/generate.mjs";
import { launch } from "./lib/browser.mjs";
import { nowMs, sleep, freePort, stopAll } from "./lib/procs.mjs";
import { clearCaches, STARTERS } from "./lib/startup-servers.mjs";
const size = Number(process.env.SIZE || 2000);
const work = fs.mkdtempSync(path.join(os.tmpdir(), "ctl-"));
const app = path.join(work, "app");
generateApp(app, { components: size, seed: 1, shape: "slice" });
const manifest = JSON.parse(fs.readFileSync(path.join(app, "manifest.json"), "utf8"));
const page0 = manifest.modules.find((m) => m.route === "/");
const last = Number(/_(\d+)\.jsx$/.exec(page0.imports.at(-1))[1]);
const selector = `section[data-route="/"] [data-testid="comp-${last}"]`;
const ctx = { app, work, manifest: path.join(app, "manifest.json") };
for (let r = 0; r < Number(process.env.ROUNDS || 2); r++) {
  clearCaches("hr", ctx);
  const b = await launch();
  const port = await freePort();
  const server = await STARTERS.hr(ctx, { bin: process.env.BIN }, port);
  const tNav = nowMs();
  await b.page.goto(`http://127.0.0.1:${port}/`, { waitUntil: "commit" });
  await b.page.waitForSelector(selector, { timeout: 60000 });
  const tRender = nowMs();
  const t = await b.page.evaluate(() => ({ origin: performance.timeOrigin, nav: performance.getEntriesByType("navigation")[0].toJSON(),
    res: performance.getEntriesByType("resource").map((e) => [e.name.replace(/^http:\/\/[^/]+/, ""), Math.round(e.startTime), Math.round(e.responseStart), Math.round(e.responseEnd)]) }));
  const off = (x) => Math.round(x);
  console.log(`round ${r}: serving ${off(server.servingMs)}, goto at ${off(tNav - server.t0)}, render ${off(tRender - server.t0)} (all from server start); page times from navigation start:`);
  console.log(`  nav: requestStart ${off(t.nav.requestStart)} responseStart ${off(t.nav.responseStart)} responseEnd ${off(t.nav.responseEnd)} domInteractive ${off(t.nav.domInteractive)}  render(page clock) ~${off(tRender - tNav)}`);
  const res = t.res.sort((a, b) => a[1] - b[1]);
  const shown = res.filter((x) => !/_\d+\.jsx/.test(x[0]) || x === res.filter((y) => /_\d+\.jsx/.test(y[0])).at(-1));
  for (const x of shown) console.log("  ", x.join(" "));
  const comps = res.filter((x) => /_\d+\.jsx/.test(x[0]));
  if (comps.length) console.log(`   components: ${comps.length}, first req ${comps[0][1]}, last resp ${Math.max(...comps.map((c) => c[3]))}`);
  fs.cpSync(path.join(app, ".hr", "server.log"), `/tmp/s10/server-${r}.log`);
  await b.close();
  await server.stop();
  await sleep(300);
}
await stopAll();
fs.rmSync(work, { recursive: true, force: true });

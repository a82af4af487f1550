// Temporary probe (not committed): kept-browser restarts, round 1 right after a cold start, later
// rounds after a restart; network requests (not from cache) and first render.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { generateApp } from "../appgen/generate.mjs";
import { launch } from "./lib/browser.mjs";
import { nowMs, sleep, freePort, stopAll } from "./lib/procs.mjs";
import { clearCaches, STARTERS } from "./lib/startup-servers.mjs";

const bin = process.env.BIN;
const size = Number(process.env.SIZE || 2000);
const rounds = Number(process.env.ROUNDS || 4);
const work = fs.mkdtempSync(path.join(os.tmpdir(), "kept-"));
const app = path.join(work, "app");
generateApp(app, { components: size, seed: 1, shape: "slice" });
const manifest = JSON.parse(fs.readFileSync(path.join(app, "manifest.json"), "utf8"));
const page0 = manifest.modules.find((m) => m.route === "/");
const last = Number(/_(\d+)\.jsx$/.exec(page0.imports.at(-1))[1]);
const selector = `section[data-route="/"] [data-testid="comp-${last}"]`;
const ctx = { app, work, manifest: path.join(app, "manifest.json") };
const port = await freePort();
const opts = { bin };
const b = await launch();
await b.context.addInitScript(`(() => { const now = () => performance.timeOrigin + performance.now();
 const check = () => { if (window.__r) return true; if (!document.querySelector(${JSON.stringify(selector)})) return false; window.__r = now(); return true; };
 new MutationObserver(check).observe(document, { subtree: true, childList: true }); })();`);
let net = [];
const cdp = await b.context.newCDPSession(b.page);
await cdp.send("Network.enable");
const urlOf = new Map();
cdp.on("Network.requestWillBeSent", (e) => urlOf.set(e.requestId, e.request.url.replace(/^http:\/\/[^/]+/, "")));
cdp.on("Network.responseReceivedExtraInfo", (e) => net.push(`${(urlOf.get(e.requestId) ?? "?").slice(0, 40)} ${e.statusCode}`));
async function render(t0) {
  net = [];
  const tg = nowMs();
  await b.page.goto(`http://127.0.0.1:${port}/`, { waitUntil: "commit" });
  for (let i = 0; i < 2000; i++) { const t = await b.page.evaluate(() => window.__r ?? null).catch(() => null); if (t) {
    const d = await b.page.evaluate(() => { const n = performance.getEntriesByType("navigation")[0]; const o = performance.timeOrigin;
      const all = performance.getEntriesByType("resource");
      const last = all.reduce((m, e) => Math.max(m, e.responseEnd), 0);
      const firstComp = all.find((e) => /app_components/.test(e.name));
      const res = all.filter((e) => /routes|entry|client|state|react\.js|root/.test(e.name)).map((e) => `${e.name.replace(/^.*\//, "").slice(0, 14)} ${(e.startTime).toFixed(0)}-${(e.responseEnd).toFixed(0)}`);
      res.push(`n=${all.length} lastEnd ${last.toFixed(0)} firstComp ${firstComp?.startTime.toFixed(0)}`);
      return { origin: o, nav: `req ${n.requestStart.toFixed(0)} resp ${n.responseEnd.toFixed(0)} dcl ${n.domContentLoadedEventEnd.toFixed(0)} load ${n.loadEventEnd.toFixed(0)}`, res }; });
    console.log(`   goto at +${(tg - t0).toFixed(0)}, origin at +${(d.origin - t0).toFixed(0)}, render at +${(t - t0).toFixed(0)}; ${d.nav}; ${d.res.join(", ")}`);
    return t - t0; } await sleep(5); }
  throw new Error("no render");
}
clearCaches("hr", ctx);
let server = await STARTERS.hr(ctx, opts, port);
console.log("cold", (await render(server.t0)).toFixed(0));
for (let i = 0; i < 200; i++) { const s = await server.status(); if (s && !s.unbuilt) break; await sleep(100); }
await sleep(500);
for (let r = 1; r <= rounds; r++) {
  await b.page.goto("about:blank");
  await server.stop();
  await sleep(300);
  server = await STARTERS.hr(ctx, opts, port);
  const ms = await render(server.t0);
  await sleep(300);
  console.log(`restart ${r}: serving ${server.servingMs.toFixed(1)} render ${ms.toFixed(1)} wire ${JSON.stringify(net.filter((n) => !/ws|favicon/.test(n)))}`);
  await b.page.goto("about:blank");
  const t1 = nowMs();
  const floor = await render(t1);
  console.log(`  floor ${floor.toFixed(1)}`);
}
await server.stop();
await b.close();
await stopAll();
if (!process.env.KEEP) fs.rmSync(work, { recursive: true, force: true }); else console.log("work", work);

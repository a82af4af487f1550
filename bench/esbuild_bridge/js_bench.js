// The peer of bridge_bench: the same builds and transforms through esbuild's own JS API on node.
//   node js_bench.js <npm-dir> <module-file> <count>
// Prints one JSON line of milliseconds.
"use strict";
const path = require("path");
const fs = require("fs");
const [npmDir, file, countArg] = process.argv.slice(2);
const esbuild = require(path.join(npmDir, "node_modules/esbuild"));
const count = Number(countArg);
const source = fs.readFileSync(file, "utf8");
const buildOptions = { entryPoints: [file], write: false, format: "esm", jsx: "automatic",
                       logLevel: "silent", absWorkingDir: path.dirname(file) };
const transformOptions = { loader: "jsx", format: "esm", jsx: "automatic", logLevel: "silent" };

async function timed(fn) {
  const t0 = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

(async () => {
  for (let i = 0; i < 20; i++) await esbuild.build(buildOptions);  // warm-up
  const out = {};
  out.build_seq = await timed(async () => { for (let i = 0; i < count; i++) await esbuild.build(buildOptions); });
  out.build_par = await timed(() => Promise.all(Array.from({ length: count }, () => esbuild.build(buildOptions))));
  out.transform_seq = await timed(async () => { for (let i = 0; i < count; i++) await esbuild.transform(source, transformOptions); });
  out.transform_par = await timed(() => Promise.all(Array.from({ length: count }, () => esbuild.transform(source, transformOptions))));
  console.log(JSON.stringify(out));
  await esbuild.stop();
})().catch((e) => { console.error(e); process.exit(1); });

// System (c): esbuild's own incremental rebuild (context watch) + serve, with live reload from its
// `/esbuild` server-sent events and the snippet esbuild's documentation gives (CSS-only changes swap
// the <link>, everything else reloads the page). Uses the repository's pinned esbuild.
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { cliOptions } from "../../lib/cli.mjs";
import * as common from "./options.mjs";

const args = cliOptions({
  usage: "node esbuild-live.mjs --app DIR --work DIR --port N --repo DIR",
  options: {
    ...common,
    repo: { value: "DIR", help: "the repository (its npm/ pins esbuild)", required: true },
  },
});
const require = createRequire(path.join(args.repo, "npm", "package.json"));
const esbuild = require("esbuild");
const app = path.resolve(args.app);
const www = path.join(args.work, "esbuild-www");
fs.mkdirSync(path.join(www, "out"), { recursive: true });
fs.copyFileSync(path.join(app, "public", "favicon.svg"), path.join(www, "favicon.svg"));

const LIVE_RELOAD = `new EventSource("/esbuild").addEventListener("change", (e) => {
  const { added, removed, updated } = JSON.parse(e.data);
  if (!added.length && !removed.length && updated.length === 1) {
    for (const link of document.getElementsByTagName("link")) {
      const url = new URL(link.href);
      if (url.host === location.host && url.pathname === updated[0]) {
        const next = link.cloneNode();
        next.href = updated[0] + "?" + Math.random().toString(36).slice(2);
        next.onload = () => link.remove();
        link.parentNode.insertBefore(next, link.nextSibling);
        return;
      }
    }
  }
  location.reload();
});`;
const html = fs.readFileSync(path.join(app, "index.html"), "utf8")
  .replace("</head>", `    <link rel="stylesheet" href="/out/entry.client.css" />\n    <script>${LIVE_RELOAD}</script>\n  </head>`)
  .replace(/<script type="module" src="[^"]*"><\/script>/, `<script type="module" src="/out/entry.client.js"></script>`);
fs.writeFileSync(path.join(www, "index.html"), html);

// The `$/` alias (the manifest's resolve.alias) in esbuild's own resolver (no JS plugin round trips).
const alias = { $: app };
const ctx = await esbuild.context({
  entryPoints: [path.join(app, "app", "entry.client.jsx")],
  bundle: true,
  format: "esm",
  outdir: path.join(www, "out"),
  entryNames: "[name]",
  jsx: "automatic",
  loader: { ".js": "jsx" },
  define: { "process.env.NODE_ENV": '"development"' },
  nodePaths: [path.join(app, "node_modules")],
  alias,
  logLevel: "warning",
});
const { port } = await ctx.serve({ servedir: www, host: "127.0.0.1", port: args.port, fallback: path.join(www, "index.html") });
await ctx.watch();
process.stdout.write(JSON.stringify({ url: `http://127.0.0.1:${port}/` }) + "\n");
const close = async () => { await ctx.dispose(); process.exit(0); };
process.on("SIGTERM", close);
process.on("SIGINT", close);
